import QMostWatch
import Testing

@Suite struct InotifyEventParserTests {
    /// Builds one record by hand, independently of `encode`, with `len` as given (padding included).
    private func record(wd: Int32, mask: UInt32, cookie: UInt32 = 0, name: [UInt8] = [], length: Int? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: wd.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: mask.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: cookie.littleEndian) { bytes += $0 }
        let len = UInt32(length ?? name.count)
        withUnsafeBytes(of: len.littleEndian) { bytes += $0 }
        return bytes + name
    }

    @Test func overflowRecordHasNoWatchAndNoName() {
        let events = InotifyEventParser.parse(record(wd: -1, mask: 0x4000))
        #expect(events == [RawInotifyEvent(wd: -1, mask: .queueOverflow)])
        #expect(events[0].isOverflow)
    }

    @Test func nameIsCutAtItsPadding() {
        let name = Array("a.fits".utf8) + [UInt8](repeating: 0, count: 10)
        let events = InotifyEventParser.parse(record(wd: 3, mask: 0x8, name: name))
        #expect(events == [RawInotifyEvent(wd: 3, mask: .closeWrite, name: "a.fits")])
        #expect(!events[0].isOverflow)
    }

    @Test func severalRecordsInOneRead() {
        let first = record(wd: 1, mask: 0x100 | 0x4000_0000, name: Array("sub".utf8) + [0, 0, 0, 0, 0])
        let second = record(wd: 2, mask: 0x80, cookie: 77, name: Array("exposure_0001.fits".utf8) + [0, 0])
        let third = record(wd: 1, mask: 0x8000)  // IN_IGNORED, no name
        let overflow = record(wd: -1, mask: 0x4000)
        let events = InotifyEventParser.parse(first + second + third + overflow)
        #expect(
            events == [
                RawInotifyEvent(wd: 1, mask: [.create, .isDirectory], name: "sub"),
                RawInotifyEvent(wd: 2, mask: .movedTo, cookie: 77, name: "exposure_0001.fits"),
                RawInotifyEvent(wd: 1, mask: .ignored),
                RawInotifyEvent(wd: -1, mask: .queueOverflow),
            ])
    }

    @Test func nameFillingItsFieldWithoutTerminator() {
        let events = InotifyEventParser.parse(record(wd: 5, mask: 0x8, name: Array("abcd".utf8)))
        #expect(events.first?.name == "abcd")
    }

    @Test func truncatedTrailingRecordIsIgnored() {
        let whole = record(wd: 1, mask: 0x8, name: Array("x.fits".utf8) + [0, 0])
        let cut = Array(record(wd: 2, mask: 0x8, name: Array("y.fits".utf8) + [0, 0]).prefix(20))
        #expect(InotifyEventParser.parse(whole + cut).map(\.name) == ["x.fits"])
        #expect(InotifyEventParser.parse(Array(whole.prefix(10))).isEmpty)
    }

    @Test func encodeMatchesTheKernelLayout() {
        let events = [
            RawInotifyEvent(wd: 7, mask: [.closeWrite], name: "spectrum.fits"),
            RawInotifyEvent(wd: -1, mask: .queueOverflow),
            RawInotifyEvent(wd: 9, mask: [.movedTo, .isDirectory], cookie: 4, name: "night"),
        ]
        let bytes = InotifyEventParser.encode(events)
        // Names are NUL-terminated and padded to 4 bytes: 16+16, 16, 16+8.
        #expect(bytes.count == 32 + 16 + 24)
        #expect(InotifyEventParser.parse(bytes) == events)
    }
}
