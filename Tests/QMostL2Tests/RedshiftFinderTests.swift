import Foundation
import QMostCore
@testable import QMostL2
import QMostSimulator
import Testing

/// 4XP-Z on spectra whose truth is known: simulated L1 spectra of each class, a template's own eigen-spectra, noise
/// alone, and the real 4MOST L1 sample.
struct RedshiftFinderTests {
    /// One source per class, observed for 1200 s, within 3σ of the seed's σ_z (1e-4 (1+z) for galaxies, 3e-3 (1+z)
    /// for quasars): the requirement is a population's σ, which `make bench` measures; one spectrum may be 1σ off.
    /// The passive galaxy is the real SDSS DR16 LRG stack (4FS form): the simulator's analytic passive galaxy has a
    /// dozen lines, which no PCA of real galaxies fits to 1e-4.
    @Test(arguments: [
        (SourceKind.emissionLineGalaxy, 0.85, 21.5, 1e-4, nil),
        (.emissionLineGalaxy, 0.30, 22.0, 1e-4, nil),
        (.passiveGalaxy, 0.45, 20.0, 1e-4, "DR16LRG-stitched-stack-qmost-template.fits"),
        (.qso, 2.1, 20.5, 3e-3, nil),
        (.qso, 1.2, 20.5, 3e-3, nil),
    ] as [(SourceKind, Double, Double, Double, String?)])
    func extragalacticRedshifts(kind: SourceKind, z: Double, magnitude: Double, tolerance: Double, template: String?) throws {
        guard let finder = L2Fixtures.finder, let data = L2Fixtures.sharedData else { return }
        let spectrum = try template.map { try TemplateFile.read("\(data)/4most/templates/\($0)").spectrum }
        let source = SourceSpec(kind: kind, redshift: z, magnitude: magnitude, seed: 7, template: spectrum)
        let (observed, _) = try L2Fixtures.observe(source, seed: 11)
        let r = finder.measure(observed)
        let best = try #require(r.best)
        #expect(best.spectralClass == (kind == .qso ? .qso : .galaxy))
        #expect(abs(best.redshift - z) / (1 + z) < 3 * tolerance, "z \(best.redshift) for \(z)")
        #expect(best.error > 0 && best.error < 0.01)
        #expect(r.alternatives.count >= 3)
        #expect(abs(([best] + r.alternatives).map(\.confidence).reduce(0, +) - 1) < 1e-9)
    }

    /// Stars come out as stars at their velocity; to 5 km/s, since the analytic stellar models and DESI's stellar
    /// eigen-spectra differ in detail (4GP's radial velocities, not 4XP-Z, carry the 1–2 km/s requirement).
    @Test(arguments: [(SourceKind.fgkStar, 50.0, 17.0), (.mDwarf, -30.0, 18.0)])
    func stellarVelocities(kind: SourceKind, velocity: Double, magnitude: Double) throws {
        guard let finder = L2Fixtures.finder else { return }
        let (spectrum, _) = try L2Fixtures.observe(SourceSpec(kind: kind, radialVelocity: velocity, magnitude: magnitude, seed: 3), seed: 5)
        let best = try #require(finder.measure(spectrum).best)
        #expect(best.spectralClass == .star)
        #expect(abs(best.redshift * 299_792.458 - velocity) < 5, "cz \(best.redshift * 299_792.458) for \(velocity)")
    }

    /// The galaxy eigen-spectra themselves, redshifted: the fit must land on the redshift within its own error.
    @Test func templateItselfIsRecovered() throws {
        guard let finder = L2Fixtures.finder, let galaxy = finder.templates.first(where: { $0.spectralClass == .galaxy }) else { return }
        let z = 0.6234
        let lambda = L1SpectrumSimulation.lowResolutionGrid.map { PhysicalConstants.vacuumWavelength(fromAir: $0) }
        var rng = SplitMix64(seed: 9)
        let clean = lambda.map { l in 1.0 * galaxy.component(0, atRest: l / (1 + z)) + 0.3 * galaxy.component(1, atRest: l / (1 + z)) }
        let sigma = 0.2 * (clean.map(abs).reduce(0, +) / Double(clean.count))
        let spectrum = L2Spectrum(file: "template", resolution: .low, wavelength: lambda, flux: clean.map { $0 + sigma * rng.normal() },
                                  inverseVariance: clean.map { _ in 1 / (sigma * sigma) })
        let best = try #require(finder.measure(spectrum).best)
        #expect(best.template == "GALAXY")
        #expect(abs(best.redshift - z) < max(4 * best.error, 1e-5))
    }

    /// Pure noise: flagged low S/N, and no confident answer claimed.
    @Test func noiseIsFlagged() throws {
        guard let finder = L2Fixtures.finder else { return }
        let lambda = L1SpectrumSimulation.lowResolutionGrid.map { PhysicalConstants.vacuumWavelength(fromAir: $0) }
        var rng = SplitMix64(seed: 4)
        let spectrum = L2Spectrum(file: "noise", resolution: .low, wavelength: lambda, flux: lambda.map { _ in rng.normal() },
                                  inverseVariance: lambda.map { _ in 1 })
        let r = finder.measure(spectrum)
        #expect(r.flags.contains(.lowSNR))
        #expect(!r.flags.isEmpty && r.flags.rawValue > RedshiftFlags.lowSNR.rawValue)
    }

    /// Masked pixels beyond 1% raise the bad-pixel bit; a cosmic-ray spike is dropped as an outlier.
    @Test func badPixelsAreCounted() throws {
        guard let finder = L2Fixtures.finder else { return }
        var (spectrum, _) = try L2Fixtures.observe(SourceSpec(kind: .emissionLineGalaxy, redshift: 0.5, magnitude: 21, seed: 2), seed: 3)
        let spike = 12_000
        spectrum.flux[spike] += 200 / spectrum.inverseVariance[spike].squareRoot()
        #expect(FitPixels(spectrum, chebyshevTerms: 3).outlierPixels >= 1)
        #expect(!finder.measure(spectrum).flags.contains(.manyBadPixels))
        for i in 0..<300 { spectrum.inverseVariance[i * 50] = 0 }
        #expect(finder.measure(spectrum).flags.contains(.manyBadPixels))
    }

    /// A photo-z prior moves the answer to the solution it favours when two are close in χ².
    @Test func priorWeighsSolutions() throws {
        guard let finder = L2Fixtures.finder else { return }
        let (spectrum, _) = try L2Fixtures.observe(SourceSpec(kind: .emissionLineGalaxy, redshift: 0.85, magnitude: 21.5, seed: 1), seed: 100)
        let free = try #require(finder.measure(spectrum).best)
        let alternative = try #require(finder.measure(spectrum).alternatives.first)
        let pushed = try #require(finder.measure(spectrum, prior: RedshiftPrior(mean: alternative.redshift, sigma: 0.001)).best)
        #expect(abs(free.redshift - 0.85) < 1e-3)
        #expect(abs(pushed.redshift - alternative.redshift) < 0.01)
    }

    /// The real 4MOST L1 sample (S/N ≈ 0.6 per pixel) is measured, and flagged.
    @Test func realSampleIsMeasuredAndFlagged() throws {
        guard let finder = L2Fixtures.finder, let dir = L2Fixtures.sharedData else { return }
        let spectra = try L2SpectrumReader.read("\(dir)/4most/qmost-L1-sample-LJ1.fits")
        #expect(spectra.count == 1)
        let s = try #require(spectra.first)
        #expect(s.count == 23_201)
        #expect(abs(s.wavelength[0] - PhysicalConstants.vacuumWavelength(fromAir: 3700)) < 1e-6)
        let r = finder.measure(s)
        #expect(r.best != nil)
        #expect(r.medianSNRPerPixel > 0.5 && r.medianSNRPerPixel < 0.8)
        #expect(r.flags.contains(.lowSNR))
    }
}
