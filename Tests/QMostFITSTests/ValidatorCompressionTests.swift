import Foundation
import QMostFITS
import Testing

@testable import QMostFITS

/// Whole-file compressed FITS (.fits.gz, .fits.Z), which cfitsio decompresses in memory.
@Suite("Validator: compressed files")
struct ValidatorCompressionTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        let input = Array("123456789".utf8)
        #expect(input.withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
        let long = [UInt8](repeating: 0xA5, count: 1000) + input
        let bytewise: UInt32 = long.reduce(0xFFFF_FFFF) { crc, byte in
            var c = crc ^ UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            return c
        } ^ 0xFFFF_FFFF
        #expect(long.withUnsafeBytes { CRC32.checksum($0) } == bytewise)
    }

    @Test func gzippedFileIsCompleteAndReadable() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("s.fits"), checksums: true)
            let gz = dir.appendingPathComponent("s.fits.gz")
            try FileSurgery.gzip(url, to: gz)
            let plain = try #require(FITSValidator.inspect(path: url.path).validation)
            let validation = try #require(FITSValidator.inspect(path: gz.path).validation)
            #expect(validation.compression == .gzip)
            #expect(validation.actualBytes == plain.actualBytes)
            #expect(validation.fileBytes == (try FileSurgery.size(gz)))
            #expect(validation.fileBytes < validation.actualBytes)
            #expect(validation.hdus == plain.hdus)
            #expect(validation.headers == plain.headers)
            #expect(validation.hdus.allSatisfy { $0.checksum == .valid && $0.datasum == .valid })
            try withFITSFile(gz.path) { file throws in
                #expect(try file.readImage(hdu: 1, as: Float.self).pixels == Fixtures.sciPixels)
                #expect(try file.readStringColumn("NAME", hdu: 2).values == ["alpha", "beta gamma"])
            }
        }
    }

    @Test(.enabled(if: TestData.available, "shared data (../shared/data) not found"))
    func gzippedESOFrame() throws {
        let frame = try #require(TestData.esoFrames.last)
        try withTemporaryDirectory { dir throws in
            let gz = dir.appendingPathComponent("frame.fits.gz")
            try FileSurgery.gzip(frame, to: gz)
            let validation = try #require(FITSValidator.inspect(path: gz.path).validation)
            #expect(validation.hdus[0].checksum == .valid)
            #expect(validation.headers[0].string("ESO DPR TYPE") == "STD")
        }
    }

    @Test(arguments: [0.1, 0.5, 0.9, 0.999])
    func truncatedGzipStreamEndsEarly(fraction: Double) throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("s.fits"))
            let gz = dir.appendingPathComponent("s.fits.gz")
            try FileSurgery.gzip(url, to: gz)
            let cut = dir.appendingPathComponent("cut.fits.gz")
            let size = try FileSurgery.size(gz)
            try FileSurgery.truncatedCopy(of: gz, to: cut, length: Int(Double(size) * fraction))
            guard case .incomplete(let reason, let missing) = FITSValidator.inspect(path: cut.path) else {
                Issue.record("a truncated .gz must be incomplete")
                return
            }
            #expect(reason.contains("compressed stream ends early"))
            #expect(missing == nil)
        }
    }

    @Test func gzipHeaderAloneEndsEarly() throws {
        #expect(try inspectBytes(Data([0x1F, 0x8B, 0x08, 0x00])).reason?.contains("compressed stream ends early") == true)
    }

    @Test func aCompleteStreamOfATruncatedFITSFileFailsTheHDUCheck() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("s.fits"))
            let partial = dir.appendingPathComponent("partial.fits")
            try FileSurgery.truncatedCopy(of: url, to: partial, length: 2880 * 6 + 100)
            let gz = dir.appendingPathComponent("partial.fits.gz")
            try FileSurgery.gzip(partial, to: gz)
            guard case .incomplete(let reason, let missing?) = FITSValidator.inspect(path: gz.path) else {
                Issue.record("expected incomplete with a byte count")
                return
            }
            #expect(reason.contains("HDU 2 (SCI)"))
            #expect(missing > 0)
        }
    }

    @Test func corruptGzipDataIsInvalid() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("s.fits"))
            let gz = dir.appendingPathComponent("s.fits.gz")
            try FileSurgery.gzip(url, to: gz)
            let size = try FileSurgery.size(gz)
            // The trailer's stored CRC no longer matches the (intact) data.
            let badCRC = dir.appendingPathComponent("crc.fits.gz")
            try FileSurgery.flippedCopy(of: gz, to: badCRC, at: Int(size) - 6)
            #expect(FITSValidator.inspect(path: badCRC.path).isInvalid)
        }
    }

    @Test func unixCompressedFileIsCompleteAndReadable() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("s.fits"), checksums: true)
            let z = dir.appendingPathComponent("s.fits.Z")
            try FileSurgery.unixCompress(url, to: z)
            let validation = try #require(FITSValidator.inspect(path: z.path).validation)
            #expect(validation.compression == .unixCompress)
            #expect(validation.actualBytes == (try FileSurgery.size(url)))
            #expect(validation.hdus.allSatisfy { $0.datasum == .valid })
            try withFITSFile(z.path) { file throws in
                #expect(try file.readImage(hdu: 0, as: Int16.self).pixels == Fixtures.primaryPixels)
            }
            // A cut .Z stream has no trailer; the HDU sizes show it is short.
            let cut = dir.appendingPathComponent("cut.fits.Z")
            try FileSurgery.truncatedCopy(of: z, to: cut, length: Int(try FileSurgery.size(z)) / 2)
            guard case .incomplete(let reason, let missing?) = FITSValidator.inspect(path: cut.path) else {
                Issue.record("a truncated .Z must be incomplete")
                return
            }
            #expect(reason.contains("HDU"))
            #expect(missing > 0)
        }
    }

    private func inspectBytes(_ data: Data) throws -> FITSInspection {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("x.fits.gz")
            try data.write(to: url)
            return FITSValidator.inspect(path: url.path)
        }
    }
}

extension FITSInspection {
    var isInvalid: Bool {
        if case .invalid = self { return true }
        return false
    }
}
