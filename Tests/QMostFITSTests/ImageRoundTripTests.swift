import Foundation
import QMostFITS
import Testing

@Suite("Image write/read round trips")
struct ImageRoundTripTests {
    /// Writes `pixels` as the only image of a new file and reads them back as the same type.
    private func roundTrip<T: FITSPixel & Equatable>(_ pixels: [T], shape: [Int], in dir: URL) throws -> (pixels: [T], shape: [Int], header: FITSHeader) {
        let url = dir.appendingPathComponent("\(T.fitsType.name).fits")
        try withNewFITSFile(url.path) { try $0.appendImage(pixels, shape: shape) }
        return try withFITSFile(url.path) { file throws in
            let image = try file.readImage(hdu: 0, as: T.self)
            return (image.pixels, image.shape, try file.header(hdu: 0))
        }
    }

    private func check<T: FITSPixel & Equatable>(_ pixels: [T], bitpix: Int64, bzero: Double?) throws {
        try withTemporaryDirectory { dir throws in
            let result = try roundTrip(pixels, shape: [4, 3, 2], in: dir)
            #expect(result.pixels == pixels)
            #expect(result.shape == [4, 3, 2])
            #expect(result.header.int("BITPIX") == bitpix)
            #expect(result.header.double("BZERO") == bzero)
        }
    }

    @Test func uint8() throws { try check((0..<24).map { UInt8($0 * 10) }, bitpix: 8, bzero: nil) }
    @Test func int8() throws { try check((0..<24).map { Int8($0 * 10 - 120) }, bitpix: 8, bzero: -128) }
    @Test func int16() throws { try check((0..<24).map { Int16($0 * 1000 - 12000) }, bitpix: 16, bzero: nil) }
    @Test func uint16StoredWithBZERO32768() throws { try check((0..<24).map { UInt16($0 * 2800) }, bitpix: 16, bzero: 32768) }
    @Test func int32() throws { try check((0..<24).map { Int32($0) * 90_000_000 - 1_000_000_000 }, bitpix: 32, bzero: nil) }
    @Test func uint32() throws { try check((0..<24).map { UInt32($0) * 180_000_000 }, bitpix: 32, bzero: 2_147_483_648) }
    @Test func int64() throws { try check((0..<24).map { Int64($0) << 40 - 7 }, bitpix: 64, bzero: nil) }
    @Test func float() throws { try check((0..<24).map { Float($0) / 3 - 2.5 }, bitpix: -32, bzero: nil) }
    @Test func double() throws { try check((0..<24).map { Double($0) * .pi * 1e-7 }, bitpix: -64, bzero: nil) }

    @Test func integerImagesReadAsFloatingPointWithScaling() throws {
        try withTemporaryDirectory { dir throws in
            let pixels: [UInt16] = [0, 1, 32767, 32768, 65535, 12345]
            let url = dir.appendingPathComponent("scaled.fits")
            try withNewFITSFile(url.path) { try $0.appendImage(pixels, shape: [3, 2]) }
            try withFITSFile(url.path) { file throws in
                #expect(try file.readImage(hdu: 0, as: Double.self).pixels == pixels.map(Double.init))
                #expect(try file.readImage(hdu: 0, as: Int32.self).pixels == pixels.map(Int32.init))
                // 65535 does not fit an Int16: cfitsio reports the overflow.
                let error = #expect(throws: FITSError.self) { try file.readImage(hdu: 0, as: Int16.self) }
                #expect(error?.status == 412)
            }
        }
    }

    @Test func emptyPrimaryAndExtensions() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("empty-primary.fits")
            try withNewFITSFile(url.path) { file throws in
                try file.appendEmptyPrimary(cards: [FITSCard(keyword: "ORIGIN", value: "qmostd")])
                try file.appendImage([Float](repeating: 1.5, count: 6), shape: [6], cards: [FITSCard(keyword: "EXTNAME", value: "ONE")])
                let error = #expect(throws: FITSError.self) { try file.appendEmptyPrimary() }
                #expect(error?.path == url.path)
            }
            try withFITSFile(url.path) { file throws in
                #expect(try file.hduCount == 2)
                let primary = try file.readImage(hdu: 0, as: Float.self)
                #expect(primary.pixels.isEmpty && primary.shape.isEmpty)
                #expect(try file.header(hdu: 0).string("ORIGIN") == "qmostd")
                #expect(try file.readImage(hdu: 1, as: Float.self).pixels == [Float](repeating: 1.5, count: 6))
            }
        }
    }

    @Test func shapeMismatchIsRejectedBeforeWriting() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("bad-shape.fits")
            try withNewFITSFile(url.path) { file throws in
                let error = #expect(throws: FITSError.self) { try file.appendImage([Float](repeating: 0, count: 5), shape: [2, 3]) }
                #expect(error?.status == 320)
                #expect(error?.description.contains(url.path) == true)
                #expect(throws: FITSError.self) { try file.appendImage([Float](), shape: [-1]) }
                #expect(try file.hduCount == 0)
            }
        }
    }

    @Test func readingATableAsAnImageFails() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("sample.fits"))
            try withFITSFile(url.path) { file throws in
                let error = #expect(throws: FITSError.self) { try file.readImage(hdu: 2, as: Float.self) }
                #expect(error?.status == 233)
                #expect(try file.readImage(hdu: 1, as: Float.self).pixels == Fixtures.sciPixels)
                #expect(try file.readImage(hdu: 0, as: Int16.self).pixels == Fixtures.primaryPixels)
            }
        }
    }
}
