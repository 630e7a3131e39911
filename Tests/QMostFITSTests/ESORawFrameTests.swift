import Foundation
import QMostFITS
import Testing

/// The ten real EFOSC2 raw frames in the shared data.
@Suite("ESO raw frames", .enabled(if: TestData.available, "shared data (../shared/data) not found"))
struct ESORawFrameTests {
    /// DPR CATG / TYPE / TECH per frame, as in the archive headers.
    static let expected: [String: (catg: String, type: String, tech: String)] = [
        "EFOSC.2022-01-26T19:02:38.210.fits": ("CALIB", "DARK", "IMAGE"),
        "EFOSC.2022-01-26T19:03:08.542.fits": ("CALIB", "DARK", "IMAGE"),
        "EFOSC.2022-01-26T19:18:58.464.fits": ("CALIB", "FLAT", "SPECTRUM"),
        "EFOSC.2022-01-26T19:21:12.485.fits": ("CALIB", "FLAT", "SPECTRUM"),
        "EFOSC.2022-01-26T19:37:39.560.fits": ("CALIB", "WAVE", "SPECTRUM"),
        "EFOSC.2022-01-27T02:31:32.701.fits": ("SCIENCE", "OBJECT", "SPECTRUM"),
        "EFOSC.2022-01-27T04:46:29.093.fits": ("SCIENCE", "OBJECT", "SPECTRUM"),
        "EFOSC.2022-01-28T00:08:16.282.fits": ("CALIB", "SKY,FLAT", "IMAGE"),
        "EFOSC.2022-01-28T04:54:24.341.fits": ("SCIENCE", "OBJECT", "IMAGE"),
        "EFOSC.2022-01-29T01:12:03.548.fits": ("SCIENCE", "STD", "SPECTRUM"),
    ]

    @Test func allTenFramesArePresent() {
        #expect(Set(TestData.esoFrames.map(\.lastPathComponent)) == Set(Self.expected.keys))
    }

    @Test(arguments: TestData.esoFrames)
    func dprKeywordsReadCorrectly(frame: URL) throws {
        let expected = try #require(Self.expected[frame.lastPathComponent])
        let header = try withFITSFile(frame.path) { try $0.header(hdu: 0) }
        #expect(header.string("ESO DPR CATG") == expected.catg)
        #expect(header.string("ESO DPR TYPE") == expected.type)
        #expect(header.string("ESO DPR TECH") == expected.tech)
        #expect(header.string("HIERARCH ESO DPR CATG") == expected.catg)
        #expect(header.string("INSTRUME") == "EFOSC")
        #expect(header.int("NAXIS1") == 1030)
        #expect(header.int("ESO DET WIN1 BINX") == 2)
        #expect(header.double("ESO TEL GEOLAT") == -29.2584)
        #expect(header.bool("ESO DET WIN1 ST") == true)
        #expect(header.int("ESO OBS CONTAINER ID") != nil)
        #expect(header.cards.first?.keyword == "SIMPLE")
    }

    @Test(arguments: TestData.esoFrames)
    func validatorAcceptsTheFrameWithValidChecksums(frame: URL) throws {
        let validation = try #require(FITSValidator.inspect(path: frame.path).validation)
        #expect(validation.hdus.count == 1)
        let hdu = try #require(validation.hdus.first)
        #expect(hdu.name == "PRIMARY")
        #expect(hdu.bitpix == 16)
        #expect(hdu.naxis == [1030, 1030])
        #expect(hdu.dataStart == 43200)
        #expect(hdu.dataBytes == 1030 * 1030 * 2)
        #expect(hdu.checksum == .valid)
        #expect(hdu.datasum == .valid)
        #expect(validation.declaredBytes == 2_165_760)
        #expect(validation.actualBytes == 2_165_760)
        #expect(validation.headers[0].string("ESO DPR CATG") == Self.expected[frame.lastPathComponent]?.catg)
    }

    @Test func imageReads1030By1030WithBZEROApplied() throws {
        let frame = try #require(TestData.esoFrames.first)
        let raw = try Data(contentsOf: frame)
        // Independent decoding: big-endian int16 after the 43200-byte header, plus BZERO.
        func rawPixel(_ i: Int) -> Int {
            Int(Int16(bitPattern: UInt16(raw[43200 + 2 * i]) << 8 | UInt16(raw[43200 + 2 * i + 1]))) + 32768
        }
        try withFITSFile(frame.path) { file throws in
            let image = try file.readImage(hdu: 0, as: UInt16.self)
            #expect(image.shape == [1030, 1030])
            #expect(image.pixels.count == 1030 * 1030)
            for i in [0, 1, 1029, 1030, 530_000, 1030 * 1030 - 1] {
                #expect(Int(image.pixels[i]) == rawPixel(i))
            }
            let asFloat = try file.readImage(hdu: 0, as: Float.self)
            #expect(asFloat.shape == [1030, 1030])
            #expect(zip(asFloat.pixels, image.pixels).allSatisfy { $0 == Float($1) })
            #expect(try file.imageShape(hdu: 0) == [1030, 1030])
            #expect(try file.verifyChecksums(hdu: 0) == (.valid, .valid))
        }
    }
}
