import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1

/// The Phase 3 1D-spectrum product against the real QL1 sample (datamodel §1.2, §7).
struct Phase3SpectrumFileTests {
    static var samplePath: String? {
        guard let dir = SharedData.directory else { return nil }
        let path = dir + "/4most/qmost-L1-sample-LJ1.fits"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
    static let sampleMissing = "../shared/data/4most/qmost-L1-sample-LJ1.fits not found: the comparison with the real sample is skipped"

    /// Keywords of the sample we knowingly do not write: TNULLn is structural to the FITS wrapper, which refuses to
    /// let callers write it (see Phase3SpectrumFile). Everything else must be there.
    static let knownMissing: Set<String> = ["TNULL4"]

    /// A spectrum on the joint LRS grid (3700–9500 Å, 0.25 Å, 23201 bins), with a heliocentric correction applied.
    static func spectrum(bins: Int = 23201) -> Phase3Spectrum {
        let wave = (0..<bins).map { Float(3700 + 0.25 * Double($0)) }
        let flux = (0..<bins).map { i in Float(1e-17 * (1 + 0.3 * sin(Double(i) / 500))) }
        let err = (0..<bins).map { i in Float(2e-18 * (1 + 0.1 * cos(Double(i) / 77))) }
        var qual = [Int32](repeating: 0, count: bins)
        for i in stride(from: 17, to: bins, by: 733) { qual[i] = 1 }
        let noss = flux.map { $0 + 3e-17 }
        let errNoss = err.map { $0 * 1.7 }
        var fibre = Phase3Fibre(spectrumNumber: 334, fibreID: 644, slitPosition: 339, root: SpectrographName.lrsB.fibreRoot,
                                targetName: "QMST20562750-4111450", targetRA: 314.1146, targetDec: -41.19583)
        fibre.catalogueID = 3
        fibre.parallax = 0.4
        fibre.surveyBits = 1_102_349
        fibre.ruleset = 12
        fibre.magnitudes = [21.25, 21.1, 20.9]
        fibre.magnitudeErrors = [0.0176, 0.0187, 0.0149]
        fibre.magnitudeIDs = [1, 1, 1]
        fibre.centroidWavelength = 628.7
        fibre.arcRMS = 0.0124
        fibre.arcFWHM = 1.2829
        fibre.totalCounts = 96041.3
        fibre.meanCounts = 32013.8
        var processing = Phase3Processing()
        processing.wavelengthFile = "qmost_wave_LB1.fits"
        processing.pcaApplied = true
        processing.pcaVariance = 93.75
        processing.pcaComponents = 11
        let header = Phase3Header(
            cname: "20562750-4111450", targetID: 9_000_123, objectUID: 11_031_146_069, spectrumUID: 4_242_001, parentSpectrumUID: 4_242_000,
            object: "Field 02A", ra: 314.1146, dec: -41.19583, exposureTime: 1200, totalExposureTime: 1200,
            mjdStart: 59827.125, mjdEnd: 59827.13888889, programme: "60.A-9296(A)", obID: 112, combined: 3,
            provenance: ["qmost_20562750-4111450_20220904_100118_LR1.fits", "qmost_20562750-4111450_20220904_100118_LG1.fits",
                         "qmost_20562750-4111450_20220904_100118_LB1.fits"],
            associated: ["single_100118.fits"], wavelengthRMS: 0.0012, wavelengthLines: 143, resolvingPower: 4933.19,
            date: "2026-12-02", submitted: "2026-12-02T02:00:00.000", user: "qmostd", contact: "ops@example.org",
            processing: processing, fibre: fibre)
        let topocentric = Phase3Spectrum(wavelength: wave, flux: flux, error: err, quality: qual, fluxNoSkySubtraction: noss,
                                         errorNoSkySubtraction: errNoss, header: header)
        let v = HeliocentricCorrection.velocity(mjd: 0.5 * (header.mjdStart + header.mjdEnd), ra: header.ra, dec: header.dec)
        return topocentric.applyingHeliocentricCorrection(velocity: v)
    }

    /// Keyword names of one header (valued cards only), normalised.
    static func keywords(_ h: FITSHeader) -> Set<String> {
        Set(h.cards.filter { $0.value != nil }.map { $0.keyword.uppercased().replacingOccurrences(of: "HIERARCH ", with: "") })
    }

    @Test(.enabled(if: samplePath != nil, "\(sampleMissing)"))
    func everyKeywordOfTheRealSampleIsInOurs() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        let path = dir.file("ours.fits")
        try Phase3SpectrumFile.write(path, Self.spectrum())
        let sample = try withFITSFile(Self.samplePath!) { try $0.headers() }
        let ours = try withFITSFile(path) { try $0.headers() }
        #expect(sample.count == 2 && ours.count == 2)
        for (i, label) in ["primary", "PHASE3SPECTRUM"].enumerated() {
            let missing = Self.keywords(sample[i]).subtracting(Self.keywords(ours[i]))
            print("measured: \(label): sample \(Self.keywords(sample[i]).count) keywords, ours \(Self.keywords(ours[i]).count), missing \(missing.sorted())")
            #expect(missing.subtracting(Self.knownMissing).isEmpty, "\(label) lacks \(missing.sorted())")
        }
        let extra = ["CNAME", "TARG_ID", "U_OBJ_ID", "SPECUID", "SPECUID_P"]
        #expect(extra.allSatisfy { ours[0].contains($0) })
        #expect(ours[1].string("EXTNAME") == "PHASE3SPECTRUM" && ours[0].string("SPECSYS") == "HELIOCEN")
    }

    @Test(.enabled(if: samplePath != nil, "\(sampleMissing)"))
    func columnsHaveTheSampleUnitsDescriptionsAndArrayLayout() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        let path = dir.file("ours.fits")
        try Phase3SpectrumFile.write(path, Self.spectrum())
        let (sampleCols, sampleHeader) = try withFITSFile(Self.samplePath!) { f in (try f.columnDescriptions(hdu: 1), try f.header(hdu: 1)) }
        let (ourCols, ourHeader, rows) = try withFITSFile(path) { f in (try f.columnDescriptions(hdu: 1), try f.header(hdu: 1), try f.rowCount(hdu: 1)) }
        print("measured: sample columns \(sampleCols.map { "\($0.name)[\($0.format)] \($0.unit ?? "-")" })")
        print("measured: our columns \(ourCols.map { "\($0.name)[\($0.format)] \($0.unit ?? "-")" }), rows \(rows)")
        #expect(ourCols.map(\.name) == sampleCols.map(\.name))
        #expect(ourCols.map(\.unit) == sampleCols.map(\.unit))
        #expect(ourCols.map(\.format) == sampleCols.map(\.format))  // same grid: 23201E / 23201J
        #expect(rows == 1)
        for k in 1...6 {
            for stem in ["TCOMM", "TUTYP", "TUCD", "TDISP"] {
                #expect(ourHeader.string("\(stem)\(k)") == sampleHeader.string("\(stem)\(k)"), "\(stem)\(k)")
            }
        }
    }

    @Test func roundTripIsEqual() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        let s = Self.spectrum()
        let name = try #require(Phase3SpectrumFile.fileName(cname: s.header.cname, night: Night("2022-09-04")!, sequence: 100118,
                                                            resolution: .low, part: .joined))
        let path = dir.file(name)
        try Phase3SpectrumFile.write(path, s)
        #expect(!FileManager.default.fileExists(atPath: dir.file(".\(name).part")))
        let back = try Phase3SpectrumFile.read(path)
        #expect(back == s)
        #expect(back.header.heliocentricCorrection == s.header.heliocentricCorrection)
        let checks = try withFITSFile(path) { f in [try f.verifyChecksums(hdu: 0), try f.verifyChecksums(hdu: 1)] }
        #expect(checks.allSatisfy { $0.checksum == .valid && $0.datasum == .valid })
        let primary = try withFITSFile(path) { try $0.header(hdu: 0) }
        print("measured: round trip equal, HELIOCR \(back.header.heliocentricCorrection!) km/s, WAVE[0] \(back.wavelength[0]) Å, SNR \(primary.double("SNR")!), WAVELMIN \(primary.double("WAVELMIN")!) nm, SPEC_BIN \(primary.double("SPEC_BIN")!) nm")
        // A topocentric spectrum says so.
        var topo = s
        topo.header.heliocentricCorrection = nil
        try Phase3SpectrumFile.write(path, topo)
        #expect(try withFITSFile(path) { try $0.header(hdu: 0) }.string("SPECSYS") == "TOPOCENT")
        #expect(try Phase3SpectrumFile.read(path) == topo)
    }

    @Test func fitsverifyFindsNoWarningsOrErrors() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        let path = dir.file("qmost_20562750-4111450_20220904_100118_LJ1.fits")
        try Phase3SpectrumFile.write(path, Self.spectrum())
        let log = dir.file("fitsverify.txt")
        let child = try ChildProcess(["/usr/bin/fitsverify", "-e", path], outputPath: log)
        let status = child.wait(timeout: 60)
        print("measured: fitsverify \(child.output.split(separator: "\n").last { $0.contains("Verification found") } ?? "no summary")")
        #expect(status == 0 && child.output.contains("Verification found 0 warning(s) and 0 error(s)"), "\(child.output)")
    }

    @Test func fileNamesFollowTheQL1Pattern() {
        let night = Night("2022-09-04")!
        #expect(Phase3SpectrumFile.fileName(cname: "QMOST20562750--4111450", night: night, sequence: 100118, resolution: .low, part: .joined)
                == "qmost_20562750-4111450_20220904_100118_LJ1.fits")
        #expect(Phase3SpectrumFile.fileName(cname: "20562750-4111450", night: night, sequence: 25, resolution: .low, part: .arm(.blue))
                == "qmost_20562750-4111450_20220904_000025_LB1.fits")
        #expect(Phase3SpectrumFile.fileName(cname: "00033300+2847587", night: night, sequence: 7, resolution: .high, part: .arm(.red))
                == "qmost_00033300+2847587_20220904_000007_HR1.fits")
        #expect(Phase3SpectrumFile.fileName(cname: "20562750-4111450", night: night, sequence: 7, resolution: .high, part: .joined) == nil)
        #expect(Phase3SpectrumFile.fileName(cname: "not a cname", night: night, sequence: 7, resolution: .low, part: .joined) == nil)
        #expect(Phase3SpectrumFile.fileName(cname: "20562750-4111450", night: night, sequence: 1_000_000, resolution: .low, part: .joined) == nil)
    }

    @Test func badInputIsRefusedByName() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        var s = Self.spectrum(bins: 100)
        s.flux.removeLast()
        let path = dir.file("bad.fits")
        #expect { try Phase3SpectrumFile.write(path, s) } throws: { "\($0)".contains(path) && "\($0)".contains("elements") }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect { try Phase3SpectrumFile.read(dir.file("missing.fits")) } throws: { "\($0)".contains(dir.file("missing.fits")) }
    }
}
