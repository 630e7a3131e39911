import Foundation
import QMostFITS
import Testing

/// Every FITS file the project ships as test data must validate as complete.
@Suite("Validator on the shared data", .enabled(if: TestData.available, "shared data (../shared/data) not found"))
struct SharedDataValidationTests {
    @Test(arguments: TestData.allFITSFiles)
    func sharedFileIsComplete(file: URL) throws {
        let inspection = FITSValidator.inspect(path: file.path)
        let validation = try #require(inspection.validation, "\(file.lastPathComponent): \(inspection.reason ?? "")")
        let size = try FileSurgery.size(file)
        #expect(validation.declaredBytes == size)
        #expect(validation.actualBytes == size)
        #expect(validation.hdus.allSatisfy { $0.checksum != .invalid && $0.datasum != .invalid })
        // The validator's headers are the same cards FITSFile reads.
        let headers = try withFITSFile(file.path) { try $0.headers() }
        #expect(headers == validation.headers)
    }

    @Test func concurrentInspectionsAgree() async throws {
        let frames = TestData.esoFrames
        let verdicts = await withTaskGroup(of: (String, Bool).self) { group in
            for frame in frames + frames {
                group.addTask { (frame.lastPathComponent, FITSValidator.inspect(path: frame.path).validation?.hdus.first?.datasum == .valid) }
            }
            var results: [(String, Bool)] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(verdicts.count == 2 * frames.count)
        #expect(verdicts.allSatisfy { $0.1 })
    }
}

/// The validator reads headers only (plus data for checksums when they are present).
@Suite("Validator cost")
struct ValidatorCostTests {
    static func bytesRead() -> Int64 {
        let text = (try? String(contentsOfFile: "/proc/self/io", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("rchar:") }
        return line.flatMap { Int64($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) } ?? 0
    }

    @Test func largeFileWithoutChecksumsIsJudgedFromItsHeaders() throws {
        try withTemporaryDirectory { dir throws in
            // A 600 MB image declared by a one-block header; the data area is a sparse hole,
            // so the file costs no disk and any read of it would show up as time.
            let url = dir.appendingPathComponent("big.fits")
            let header = [
                "SIMPLE  =                    T", "BITPIX  =                  -32", "NAXIS   =                    2",
                "NAXIS1  =                12000", "NAXIS2  =                12500", "END",
            ].map { $0.card() }.joined().card(2880)
            try Data(header.utf8).write(to: url)
            let dataBytes: Int64 = 12000 * 12500 * 4
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(2880 + (dataBytes + 2879) / 2880 * 2880))
            try handle.close()
            // Bytes this process reads (rchar in /proc/self/io), not time: reading the 600 MB hole would add
            // 600 MB whatever the machine's load, while other tests running alongside read a few MB at most.
            let before = Self.bytesRead()
            let validation = try #require(FITSValidator.inspect(path: url.path).validation)
            let read = Self.bytesRead() - before
            #expect(validation.hdus[0].dataBytes == dataBytes)
            #expect(validation.declaredBytes == 2880 + 600_001_920)
            #expect(read < 300_000_000, "inspect read \(read) bytes of a 600 MB file")
        }
    }
}
