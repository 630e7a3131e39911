import Foundation
import QMostFITS
import Testing

@Suite("CHECKSUM / DATASUM")
struct ChecksumTests {
    @Test func writtenChecksumsVerify() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("sums.fits"), checksums: true)
            let validation = try #require(FITSValidator.inspect(path: url.path).validation)
            #expect(validation.hdus.count == 3)
            for hdu in validation.hdus {
                #expect(hdu.checksum == .valid, "\(hdu.name)")
                #expect(hdu.datasum == .valid, "\(hdu.name)")
            }
            try withFITSFile(url.path) { file throws in
                for index in 0..<3 {
                    #expect(try file.verifyChecksums(hdu: index) == (.valid, .valid))
                }
            }
        }
    }

    @Test func filesWithoutChecksumsReportThemAbsent() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("nosums.fits"))
            let validation = try #require(FITSValidator.inspect(path: url.path).validation)
            #expect(validation.hdus.allSatisfy { $0.checksum == .absent && $0.datasum == .absent })
            #expect(try withFITSFile(url.path) { try $0.verifyChecksums(hdu: 1) } == (.absent, .absent))
        }
    }

    @Test func aFlippedDataByteIsADatasumMismatchNamingTheHDU() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("good.fits"), checksums: true)
            let sci = try #require(FITSValidator.inspect(path: url.path).validation?.hdus[1])
            let damaged = dir.appendingPathComponent("damaged.fits")
            try FileSurgery.flippedCopy(of: url, to: damaged, at: Int(sci.dataStart) + 17)
            guard case .invalid(let reason) = FITSValidator.inspect(path: damaged.path) else {
                Issue.record("a damaged data unit must be invalid")
                return
            }
            #expect(reason.contains("HDU 2 (SCI) DATASUM mismatch"))
            #expect(!reason.contains("HDU 1"))
            // Skipping verification accepts the file and says so.
            let unverified = try #require(FITSValidator.inspect(path: damaged.path, verifyChecksums: false).validation)
            #expect(unverified.hdus[1].datasum == .unverified)
            #expect(try withFITSFile(damaged.path) { try $0.verifyChecksums(hdu: 1) } == (.invalid, .invalid))
        }
    }

    @Test func anEditedHeaderIsAChecksumMismatch() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("good.fits"), checksums: true)
            var bytes = try FileSurgery.bytes(url)
            let text = String(decoding: bytes.prefix(2880), as: UTF8.self)
            let position = try #require(text.range(of: "NGC 1068")).lowerBound.utf16Offset(in: text)
            bytes[position] = UInt8(ascii: "M")
            let edited = dir.appendingPathComponent("edited.fits")
            try bytes.write(to: edited)
            guard case .invalid(let reason) = FITSValidator.inspect(path: edited.path) else {
                Issue.record("an edited header must be invalid")
                return
            }
            #expect(reason.contains("HDU 1 (PRIMARY) CHECKSUM mismatch"))
            #expect(!reason.contains("DATASUM"))
        }
    }

    @Test func checksumsCanBeAddedToAnExistingFile() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("later.fits"))
            try withFITSFile(url.path, writable: true) { file throws in
                try file.moveTo(hdu: 1)
                try file.writeChecksums()
                #expect(try file.currentHDU == 1)
            }
            let validation = try #require(FITSValidator.inspect(path: url.path).validation)
            #expect(validation.hdus.allSatisfy { $0.checksum == .valid && $0.datasum == .valid })
        }
    }
}
