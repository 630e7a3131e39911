import Foundation
import QMostFITS
import Testing

/// The 4MOST QL1 joined spectrum: a one-row binary table with 23201-element cells.
@Suite("4MOST L1 spectrum", .enabled(if: TestData.available, "shared data (../shared/data) not found"))
struct L1SpectrumTests {
    var path: String { TestData.l1Spectrum?.path ?? "" }

    @Test func headerKeywords() throws {
        try withFITSFile(path) { file throws in
            let primary = try file.header(hdu: 0)
            #expect(primary.string("PRODCATG") == "SCIENCE.SPECTRUM")
            #expect(primary.string("INSTRUME") == "QMOST")
            #expect(primary.double("WAVELMIN") == 370)
            #expect(primary.bool("EXT_OBJ") == false)
            #expect(primary.int("NCOMBINE") == 3)
            #expect(primary.string("PROV1") == "qmost_20562750--4111450_20220904_100118_LR1.fits")
            let index = try file.moveTo(extname: "PHASE3SPECTRUM")
            #expect(index == 1)
            let table = try file.header()
            #expect(table.int("NELEM") == 23201)
            #expect(table.int("TRG_UID") == 11_031_146_069)
            #expect(table.string("TUNIT2") == "erg/(s*cm^2*Angstrom)")
            #expect(table.string("CNAME") == "QMOST20562750--4111450")
        }
    }

    @Test func waveAndFluxColumns() throws {
        try withFITSFile(path) { file throws in
            #expect(try file.rowCount(hdu: 1) == 1)
            let wave = try file.readColumn("WAVE", hdu: 1, as: Double.self)
            #expect(wave.repeatCount == 23201)
            #expect(wave.rowCount == 1)
            #expect(wave.values.count == 23201)
            #expect(wave.values.first == 3700)
            #expect(wave.values.last == 9500)
            #expect(abs(wave.values[4] - wave.values[3] - 0.25) < 1e-3)
            let flux = try file.readColumn("flux", hdu: 1, as: Float.self)
            #expect(flux.values.count == 23201)
            #expect(flux.values.contains { $0 != 0 })
            let quality = try file.readColumn("QUAL", hdu: 1, as: Int32.self)
            #expect(quality.repeatCount == 23201)
            let descriptions = try file.columnDescriptions(hdu: 1)
            #expect(descriptions.map(\.name) == ["WAVE", "FLUX", "ERR_FLUX", "QUAL", "FLUX_NOSS", "ERR_FLUX_NOSS"])
            #expect(descriptions[0] == FITSColumnDescription(name: "WAVE", unit: "Angstrom", format: "23201E", repeatCount: 23201))
            let natural = try file.readColumn("WAVE", hdu: 1)
            #expect(natural.unit == "Angstrom")
            #expect(natural.repeatCount == 23201)
            guard case .float(let values) = natural.data else {
                Issue.record("WAVE should read as Float (TFORM E)")
                return
            }
            #expect(values.count == 23201)
        }
    }

    @Test func validatorAcceptsItWithValidChecksums() throws {
        let validation = try #require(FITSValidator.inspect(path: path).validation)
        #expect(validation.hdus.map(\.name) == ["PRIMARY", "PHASE3SPECTRUM"])
        #expect(validation.hdus.map(\.xtension) == ["SIMPLE", "BINTABLE"])
        #expect(validation.hdus[1].naxis == [556_824, 1])
        #expect(validation.hdus.allSatisfy { $0.checksum == .valid && $0.datasum == .valid })
        #expect(validation.declaredBytes == 576_000)
        #expect(validation.headers[1].int("NELEM") == 23201)
    }
}
