import Foundation
import QMostFITS
import Testing

/// Content that more bytes will never turn into a valid FITS file.
@Suite("Validator: invalid files")
struct ValidatorInvalidTests {
    private func inspect(_ data: Data) throws -> FITSInspection {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("input.fits")
            try data.write(to: url)
            return FITSValidator.inspect(path: url.path)
        }
    }

    private func reason(_ inspection: FITSInspection) -> String? {
        if case .invalid(let reason) = inspection { return reason }
        Issue.record("expected invalid, got \(inspection)")
        return nil
    }

    /// The sample file with a header card replaced (same length, so offsets stay).
    private func sampleWithCard(_ old: String, replacedBy new: String) throws -> Data {
        try withTemporaryDirectory { dir throws in
            var bytes = try FileSurgery.bytes(try Fixtures.writeSample(dir.appendingPathComponent("s.fits")))
            let oldCard = Data(old.card(30).utf8)
            let range = try #require(bytes.range(of: oldCard))
            bytes.replaceSubrange(range, with: Data(new.card(30).utf8))
            return bytes
        }
    }

    @Test func randomBytesAreNotFITS() throws {
        let verdict = try inspect(FileSurgery.randomBytes(10_000))
        #expect(reason(verdict)?.contains("not a FITS file") == true)
        #expect(reason(try inspect(FileSurgery.randomBytes(7, seed: 9)))?.contains("not a FITS file") == true)
    }

    @Test func textThatIsNotFITS() throws {
        #expect(reason(try inspect(Data("hello, world\n".utf8)))?.contains("not a FITS file") == true)
        let simpleFalse = Data("SIMPLE  =                    F".card(2880).utf8)
        #expect(reason(try inspect(simpleFalse))?.contains("SIMPLE = T") == true)
    }

    @Test func garbageAfterTheLastHDU() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("s.fits"))
            let noisy = dir.appendingPathComponent("noisy.fits")
            try FileSurgery.appendedCopy(of: url, to: noisy, extra: FileSurgery.randomBytes(2880))
            let text = reason(FITSValidator.inspect(path: noisy.path))
            #expect(text?.contains("garbage after the last HDU") == true)
            #expect(text?.contains("HDU 3 (SPEC)") == true)
            let zeros = dir.appendingPathComponent("zeros.fits")
            try FileSurgery.appendedCopy(of: url, to: zeros, extra: Data(count: 5760))
            #expect(reason(FITSValidator.inspect(path: zeros.path))?.contains("zero bytes") == true)
        }
    }

    @Test func badMandatoryKeywords() throws {
        let bitpix = try inspect(try sampleWithCard("BITPIX  =                   16", replacedBy: "BITPIX  =                    7"))
        #expect(reason(bitpix)?.contains("BITPIX = 7") == true)
        let order = try inspect(try sampleWithCard("NAXIS   =                    2", replacedBy: "NAXES   =                    2"))
        #expect(reason(order)?.contains("should be NAXIS") == true)
        let negative = try inspect(try sampleWithCard("NAXIS2  =                   50", replacedBy: "NAXIS2  =                  -50"))
        #expect(reason(negative)?.contains("NAXIS2 = -50") == true)
    }

    @Test func malformedCards() throws {
        let quote = try inspect(try sampleWithCard("OBJECT  = 'NGC 1068'", replacedBy: "OBJECT  = 'NGC 1068 "))
        #expect(reason(quote)?.contains("no closing quote") == true)
        var bytes = try sampleWithCard("OBJECT  = 'NGC 1068'", replacedBy: "OBJECT  = 'NGC 1068'")
        let position = try #require(bytes.range(of: Data("NGC 1068".utf8))).lowerBound
        bytes[position + 3] = 0x07
        let control = try inspect(bytes)
        #expect(reason(control)?.contains("not printable ASCII") == true)
        #expect(reason(control)?.contains("HDU 1") == true)
    }

    @Test func aDirectoryIsNotAFile() throws {
        try withTemporaryDirectory { dir throws in
            #expect(reason(FITSValidator.inspect(path: dir.path))?.contains("not a regular file") == true)
        }
    }

    @Test func aMissingFileIsReportedAsNotReadableYet() {
        let path = "/nonexistent/qmost/file.fits"
        guard case .incomplete(let reason, nil) = FITSValidator.inspect(path: path) else {
            Issue.record("a missing file must be incomplete (retry later)")
            return
        }
        #expect(reason.contains(path))
    }
}
