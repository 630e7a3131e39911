import Foundation
import QMostFITS
import Testing

/// Tile-compressed images, the content of .fits.fz files.
@Suite("Tile-compressed images (.fits.fz)")
struct TileCompressionTests {
    @Test(arguments: [FITSTileCompression.rice, .gzip, .gzipShuffled, .hcompress, .plio])
    func integerImagesRoundTripLosslessly(algorithm: FITSTileCompression) throws {
        let pixels = (0..<(64 * 48)).map { Int32(($0 * 37) % 5000) }
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("image.fits.fz")
            try withNewFITSFile(url.path) { file throws in
                try file.appendImage(
                    pixels, shape: [64, 48], cards: [FITSCard(keyword: "EXTNAME", value: "SCI"), FITSCard(keyword: "ESO DPR CATG", value: "SCIENCE")],
                    compression: algorithm)
                // Compression applies to that one image only.
                try file.appendImage([Int16](repeating: 3, count: 4), shape: [2, 2])
            }
            try withFITSFile(url.path) { file throws in
                #expect(try file.hduCount == 3)
                let index = try file.moveTo(extname: "SCI")
                #expect(index == 1)
                #expect(try file.hduType() == .image)
                let image = try file.readImage(as: Int32.self)
                #expect(image.shape == [64, 48])
                #expect(image.pixels == pixels)
                let header = try file.header()
                #expect(header.int("NAXIS1") == 64)
                #expect(header.string("ESO DPR CATG") == "SCIENCE")
                #expect(!header.contains("ZIMAGE"))
                #expect(try file.readImage(hdu: 2, as: Int16.self).pixels == [3, 3, 3, 3])
            }
            let validation = try #require(FITSValidator.inspect(path: url.path).validation)
            #expect(validation.hdus[1].xtension == "BINTABLE")
            #expect(validation.headers[1].bool("ZIMAGE") == true)
            #expect(validation.headers[1].string("ESO DPR CATG") == "SCIENCE")
            #expect(validation.compression == .none)
        }
    }

    @Test func floatImagesAreCompressedLosslessly() throws {
        let pixels = (0..<(50 * 40)).map { Float(sin(Double($0) * 0.37)) * 1234.567 }
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("float.fits.fz")
            try withNewFITSFile(url.path) { file throws in
                try file.appendImage(pixels, shape: [50, 40], compression: .gzipShuffled)
                try file.writeChecksums()
            }
            try withFITSFile(url.path) { file throws in
                #expect(try file.readImage(hdu: 1, as: Float.self).pixels == pixels)
                #expect(try file.header(hdu: 1).int("BITPIX") == -32)
            }
            let validation = try #require(FITSValidator.inspect(path: url.path).validation)
            #expect(validation.hdus.allSatisfy { $0.checksum == .valid && $0.datasum == .valid })
        }
    }

    @Test func imagesWithoutAxesCannotBeCompressed() throws {
        try withTemporaryDirectory { dir throws in
            try withNewFITSFile(dir.appendingPathComponent("x.fits").path) { file throws in
                let error = #expect(throws: FITSError.self) { try file.appendImage([Float](), shape: [], compression: .rice) }
                #expect(error?.status == 320)
                try file.appendEmptyPrimary()
            }
        }
    }
}
