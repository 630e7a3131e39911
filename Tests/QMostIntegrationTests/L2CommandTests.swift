import Foundation
import QMostCore
import QMostL1
import QMostSimulator
import QMostTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `qmostd l2 …` by hand, as an astronomer runs it on Phase 3 files: through the real executable, reading real FITS.
struct L2CommandTests {
    static var templates: String? { SharedData.directory.map { "\($0)/redrock-templates" } }

    /// Runs `qmostd l2 ARGS` and returns its status and output.
    static func l2(_ arguments: [String], in dir: TemporaryDirectory) throws -> (Int32, String) {
        let child = try ChildProcess([TestInstallation.binary, "l2"] + arguments, outputPath: dir.file("l2-\(arguments[0]).log"))
        let status = child.wait(timeout: 120) ?? { child.signal(SIGKILL); return -1 }()
        return (status, child.output)
    }

    /// A star written as a topocentric Phase 3 file (SPECSYS TOPOCENT, with its date and position): `l2 rv --json`
    /// reads it, adds the heliocentric correction from the header, and lands on the star's heliocentric velocity.
    @Test(.enabled(if: templates != nil, "../shared/data/redrock-templates is missing"))
    func radialVelocityOfATopocentricPhase3File() throws {
        let dir = try TemporaryDirectory("qmost-l2-rv")
        let (mjd, ra, dec) = (60_645.1, 83.82, -5.39)
        let correction = HeliocentricCorrection.velocity(mjd: mjd, ra: ra, dec: dec)
        let heliocentric = 64.0
        // Seen from the telescope, the star's Doppler factor is its heliocentric one divided by the observer's.
        let c = PhysicalConstants.speedOfLightKmPerSecond
        let topocentric = c * ((1 + heliocentric / c) / (1 + correction / c) - 1)
        let star = try L1SpectrumSimulation.simulate(SourceSpec(kind: .fgkStar, radialVelocity: topocentric, magnitude: 16.5, seed: 5),
                                                     on: L1SpectrumSimulation.lowResolutionGrid, mode: .low, exposureTime: 1200, seed: 9)
        let fibre = Phase3Fibre(spectrumNumber: 1, fibreID: 10, slitPosition: 10, root: SpectrographName.lrsA.fibreRoot,
                                targetName: "QMST05351680-0523240", targetRA: ra, targetDec: dec)
        let header = Phase3Header(cname: "05351680-0523240", targetID: 1, objectUID: 2, spectrumUID: 3, object: "test star", ra: ra, dec: dec,
                                  exposureTime: 1200, totalExposureTime: 1200, mjdStart: mjd, mjdEnd: mjd + 1200 / 86400.0, programme: "60.A-9296(A)",
                                  obID: 1, combined: 1, provenance: ["raw.fits"], wavelengthRMS: 0.01, wavelengthLines: 100, resolvingPower: 6500,
                                  date: "2026-12-03", submitted: "2026-12-03T00:00:00.000", fibre: fibre)
        let usable = star.error.map { $0 > 0 && $0.isFinite }
        let spectrum = Phase3Spectrum(wavelength: star.wavelength.map(Float.init), flux: zip(star.flux, usable).map { Float($1 ? $0 : 0) },
                                      error: zip(star.error, usable).map { Float($1 ? $0 : 0) }, quality: usable.map { $0 ? 0 : 1 },
                                      fluxNoSkySubtraction: star.flux.map { Float($0.isFinite ? $0 : 0) },
                                      errorNoSkySubtraction: zip(star.error, usable).map { Float($1 ? $0 : 0) }, header: header)
        let path = dir.file("star_L1.fits")
        try Phase3SpectrumFile.write(path, spectrum)

        let (status, output) = try Self.l2(["rv", path, "--templates", Self.templates!, "--json"], in: dir)
        #expect(status == 0, "\(output)")
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("{") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let rv = try #require(object["rv"] as? Double), error = try #require(object["rv_err"] as? Double)
        #expect(abs(rv - heliocentric) < 2, "rv \(rv) ± \(error) for \(heliocentric) (correction \(correction)): \(line)")
        #expect(abs((object["heliocentric_correction"] as? Double ?? .nan) - correction) < 1e-9)
        #expect(object["file"] as? String == path && object["flags"] as? Int == 0, "\(line)")
        #expect((object["components"] as? [Double])?.count == 1)

        // The plain table names the file, and a file that is not a spectrum fails naming it.
        let (tableStatus, table) = try Self.l2(["rv", path, "--templates", Self.templates!], in: dir)
        #expect(tableStatus == 0 && table.contains("star_L1.fits") && table.contains("STAR-"), "\(table)")
        let bogus = dir.file("not-a-spectrum.fits")
        try "SIMPLE  = T".write(toFile: bogus, atomically: true, encoding: .utf8)
        let (badStatus, bad) = try Self.l2(["rv", bogus, "--templates", Self.templates!], in: dir)
        #expect(badStatus != 0 && bad.contains("not-a-spectrum.fits"), "\(bad)")
    }

    /// The real 4MOST L1 sample (S/N ~0.6): measured, and flagged for its low S/N.
    @Test(.enabled(if: templates != nil, "../shared/data is missing"))
    func theRealSampleIsFlaggedLowSignalToNoise() throws {
        let dir = try TemporaryDirectory("qmost-l2-sample")
        let sample = SharedData.directory! + "/4most/qmost-L1-sample-LJ1.fits"
        let (status, output) = try Self.l2(["rv", sample, "--templates", Self.templates!, "--json"], in: dir)
        #expect(status == 0, "\(output)")
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("{") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((object["flag_names"] as? [String])?.contains("LOW_SNR") == true, "\(line)")
    }
}
