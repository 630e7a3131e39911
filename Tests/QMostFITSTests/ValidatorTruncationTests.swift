import Foundation
import QMostFITS
import Testing

/// Files cut short, as a file being written in place looks to the daemon.
@Suite("Validator: files still being written")
struct ValidatorTruncationTests {
    /// Writes the sample, then checks the verdict for a copy cut to `length` bytes.
    private func cut(_ length: (FITSValidation) -> Int64) throws -> (inspection: FITSInspection, full: FITSValidation, length: Int64) {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("full.fits"), checksums: true)
            let full = try #require(FITSValidator.inspect(path: url.path).validation)
            let n = length(full)
            let partial = dir.appendingPathComponent("partial.fits")
            try FileSurgery.truncatedCopy(of: url, to: partial, length: Int(n))
            return (FITSValidator.inspect(path: partial.path), full, n)
        }
    }

    @Test func cutInsideTheDataOfAnExtension() throws {
        let (inspection, full, length) = try cut { $0.hdus[1].dataStart + 1000 }
        guard case .incomplete(let reason, let missing) = inspection else {
            Issue.record("expected incomplete, got \(inspection)")
            return
        }
        let sci = full.hdus[1]
        #expect(missing == sci.dataEnd - length)
        #expect(reason.contains("HDU 2 (SCI) declares \(sci.dataBytes) data bytes"))
        #expect(reason.contains("missing \(sci.dataEnd - length) bytes"))
    }

    @Test func cutInThePaddingOfTheLastHDU() throws {
        let (inspection, full, length) = try cut { $0.hdus[2].dataStart + $0.hdus[2].dataBytes + 10 }
        #expect(full.hdus[2].dataEnd - full.hdus[2].dataStart - full.hdus[2].dataBytes > 10)
        guard case .incomplete(let reason, let missing) = inspection else {
            Issue.record("expected incomplete, got \(inspection)")
            return
        }
        #expect(missing == full.declaredBytes - length)
        #expect(reason.contains("HDU 3 (SPEC)"))
    }

    @Test func cutExactlyAfterAHeader() throws {
        let (inspection, full, _) = try cut { $0.hdus[1].dataStart }
        guard case .incomplete(_, let missing) = inspection else {
            Issue.record("expected incomplete, got \(inspection)")
            return
        }
        #expect(missing == full.hdus[1].dataEnd - full.hdus[1].dataStart)
    }

    @Test(arguments: [1000, 2000, 2879])
    func cutInsideTheLastHeaderBlockGivesTheExactCount(offset: Int64) throws {
        let (inspection, full, length) = try cut { $0.hdus[2].headerStart + offset }
        #expect(full.hdus[2].dataStart - full.hdus[2].headerStart == 2880)
        guard case .incomplete(let reason, let missing) = inspection else {
            Issue.record("expected incomplete, got \(inspection)")
            return
        }
        #expect(missing == full.declaredBytes - length)
        #expect(reason.contains("HDU 3"))
    }

    @Test func cutBeforeTheAxesAreKnownGivesALowerBound() throws {
        let (inspection, full, length) = try cut { $0.hdus[2].headerStart + 100 }
        guard case .incomplete(let reason, let missing?) = inspection else {
            Issue.record("expected incomplete with a count, got \(inspection)")
            return
        }
        // Only the rest of the header block is certain before NAXISn have been written.
        #expect(missing == 2780)
        #expect(missing < full.declaredBytes - length)
        #expect(reason.contains("HDU 3 header is cut"))
    }

    @Test func cutBetweenHDUsIsCaughtByNEXTEND() throws {
        let (inspection, _, _) = try cut { $0.hdus[1].dataEnd }
        guard case .incomplete(let reason, let missing) = inspection else {
            Issue.record("expected incomplete, got \(inspection)")
            return
        }
        #expect(reason.contains("NEXTEND = 2"))
        #expect(missing == nil)
    }

    @Test(arguments: [1, 5, 79, 80, 2880])
    func cutInsideTheFirstCardsIsIncomplete(length: Int64) throws {
        let (inspection, _, _) = try cut { _ in length }
        guard case .incomplete = inspection else {
            Issue.record("expected incomplete at \(length) bytes, got \(inspection)")
            return
        }
    }

    @Test func emptyFileIsIncomplete() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("empty.fits")
            try Data().write(to: url)
            guard case .incomplete(let reason, let missing) = FITSValidator.inspect(path: url.path) else {
                Issue.record("an empty file must be incomplete")
                return
            }
            #expect(reason.contains("empty"))
            #expect(missing == 2880)
        }
    }

    @Test func aNewExtensionHeaderBeingWrittenIsIncomplete() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("full.fits"))
            let growing = dir.appendingPathComponent("growing.fits")
            try FileSurgery.appendedCopy(of: url, to: growing, extra: Data("XTENSION= 'IMAGE   '".utf8))
            guard case .incomplete(let reason, _) = FITSValidator.inspect(path: growing.path) else {
                Issue.record("a started extension header must be incomplete")
                return
            }
            #expect(reason.contains("HDU 4"))
        }
    }

    @Test func sizeNotAMultipleOf2880IsIncomplete() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("full.fits"))
            let odd = dir.appendingPathComponent("odd.fits")
            try FileSurgery.appendedCopy(of: url, to: odd, extra: Data(repeating: 0x41, count: 100))
            guard case .incomplete(let reason, let missing) = FITSValidator.inspect(path: odd.path) else {
                Issue.record("a size that is not a multiple of 2880 must be incomplete")
                return
            }
            #expect(reason.contains("not a multiple of 2880"))
            #expect(missing == 2780)
        }
    }

    @Test(.enabled(if: TestData.available, "shared data (../shared/data) not found"))
    func esoFrameCutInsideItsFifteenBlockHeader() throws {
        let frame = try #require(TestData.esoFrames.first)
        try withTemporaryDirectory { dir throws in
            let partial = dir.appendingPathComponent("frame.fits")
            // In an early header block the count is a lower bound: the rest of that block
            // plus the data the cards read so far declare.
            try FileSurgery.truncatedCopy(of: frame, to: partial, length: 20000)
            guard case .incomplete(let early, let lowerBound?) = FITSValidator.inspect(path: partial.path) else {
                Issue.record("expected incomplete with a byte count")
                return
            }
            #expect(early.contains("HDU 1 header is cut"))
            #expect(lowerBound == (20160 - 20000) + 2_122_560)
            #expect(lowerBound <= 2_165_760 - 20000)
            // In the last header block it is exact.
            try FileSurgery.truncatedCopy(of: frame, to: partial, length: 43000)
            guard case .incomplete(_, let exact) = FITSValidator.inspect(path: partial.path) else {
                Issue.record("expected incomplete")
                return
            }
            #expect(exact == Int64(2_165_760 - 43000))
            // Cut in the data: cfitsio would open this file; the validator must not accept it.
            try FileSurgery.truncatedCopy(of: frame, to: partial, length: 2_000_000)
            #expect(try withFITSFile(partial.path) { try $0.hduCount } == 1)
            guard case .incomplete(let reason, let missing) = FITSValidator.inspect(path: partial.path) else {
                Issue.record("expected incomplete")
                return
            }
            #expect(missing == 165_760)
            #expect(reason == "HDU 1 (PRIMARY) declares 2121800 data bytes (2122560 with padding to 2880) but the file ends 165760 bytes short (missing 165760 bytes)")
        }
    }
}
