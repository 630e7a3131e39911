import Foundation
import QMostCore
@testable import QMostL2
import QMostSimulator
import Testing

/// 4GP radial velocities (seed 10.1.1.2) on simulated stars of known velocity, measured with the real redrock star
/// templates: so template and star come from different models, as they would for a real star.
struct RadialVelocityTests {
    /// Bright LRS stars over a range of velocities and temperatures land within 3σ of the truth and within the
    /// seed's 2 km/s, unflagged.
    @Test(arguments: [(-180.0, 5200.0), (0.0, 5800.0), (75.0, 6300.0), (310.0, 4700.0)])
    func lowResolutionVelocities(velocity: Double, teff: Double) throws {
        guard let finder = L2Fixtures.velocityFinder else { return }
        var parameters = SourceParameters()
        parameters.star.effectiveTemperature = teff
        let (spectrum, _) = try L2Fixtures.observe(SourceSpec(kind: .fgkStar, radialVelocity: velocity, magnitude: 16.5,
                                                              parameters: parameters, seed: 3), seed: 5)
        let r = finder.measure(spectrum)
        let v = try #require(r.velocity), e = try #require(r.error)
        #expect(abs(v - velocity) < max(3 * e, 1) && abs(v - velocity) < 2, "v \(v) ± \(e) for \(velocity); \(r.templates)")
        #expect(e > 0.05 && e < 2, "error \(e)")
        #expect(r.flags.isEmpty, "flags \(r.flags.names)")
        #expect(r.components.count == 1)
    }

    /// An HRS star, its three arms joined with their gaps: to 1 km/s.
    @Test func highResolutionVelocity() throws {
        guard let finder = L2Fixtures.velocityFinder else { return }
        let spectrum = try L2Fixtures.observeHigh(SourceSpec(kind: .fgkStar, radialVelocity: 42.5, magnitude: 14.5, seed: 4), seed: 8)
        let r = finder.measure(spectrum)
        let v = try #require(r.velocity)
        #expect(abs(v - 42.5) < 1, "v \(v) ± \(r.error ?? .nan); \(r.templates)")
        #expect(r.flags.isEmpty, "flags \(r.flags.names); components \(r.components)")
    }

    /// A topocentric spectrum gets its correction added (relativistically); one without date and position is
    /// flagged and left topocentric.
    @Test func heliocentricFrame() throws {
        guard let finder = L2Fixtures.velocityFinder else { return }
        var (spectrum, _) = try L2Fixtures.observe(SourceSpec(kind: .fgkStar, radialVelocity: 20, magnitude: 16.5, seed: 3), seed: 6)
        let heliocentric = try #require(finder.measure(spectrum).velocity)
        spectrum.frame = .topocentric(correction: -25)
        let corrected = finder.measure(spectrum)
        let v = try #require(corrected.velocity)
        #expect(abs(v - (heliocentric - 25 - heliocentric * 25 / 299_792.458)) < 1e-9)
        #expect(corrected.heliocentricCorrection == -25 && !corrected.flags.contains(.notHeliocentric))
        spectrum.frame = .topocentric(correction: nil)
        let unknown = finder.measure(spectrum)
        let topocentric = try #require(unknown.velocity)
        #expect(unknown.flags.contains(.notHeliocentric) && abs(topocentric - heliocentric) < 1e-9)
    }

    /// Twin stars 140 km/s apart: the best template's CCF has two components, near each star (seed 10.1.1.4).
    @Test func doubleLinedBinaryHasTwoComponents() throws {
        guard let finder = L2Fixtures.velocityFinder else { return }
        let (a, _) = try L2Fixtures.observe(SourceSpec(kind: .fgkStar, radialVelocity: -70, magnitude: 16.5, seed: 3), seed: 5)
        let (b, _) = try L2Fixtures.observe(SourceSpec(kind: .fgkStar, radialVelocity: 70, magnitude: 16.5, seed: 3), seed: 6)
        let both = L2Spectrum(file: "binary", resolution: .low, wavelength: a.wavelength, flux: zip(a.flux, b.flux).map(+),
                              inverseVariance: zip(a.inverseVariance, b.inverseVariance).map { $0 > 0 && $1 > 0 ? 1 / (1 / $0 + 1 / $1) : 0 })
        let r = finder.measure(both)
        #expect(r.flags.contains(.multipleComponents), "components \(r.components)")
        let found = r.components.sorted()
        #expect(found.count == 2 && abs(found[0] + 70) < 15 && abs(found[1] - 70) < 15, "components \(found)")
    }

    /// A faint star is flagged low S/N; noise alone correlates weakly and is flagged so.
    @Test func faintStarsAndNoiseAreFlagged() throws {
        guard let finder = L2Fixtures.velocityFinder else { return }
        let (faint, _) = try L2Fixtures.observe(SourceSpec(kind: .fgkStar, radialVelocity: 10, magnitude: 21.5, seed: 3), seed: 5)
        #expect(finder.measure(faint).flags.contains(.lowSNR))
        var rng = SplitMix64(seed: 2)
        let lambda = L1SpectrumSimulation.lowResolutionGrid.map { PhysicalConstants.vacuumWavelength(fromAir: $0) }
        let noise = L2Spectrum(file: "noise", resolution: .low, wavelength: lambda, flux: lambda.map { _ in 1 + 0.02 * rng.normal() },
                               inverseVariance: lambda.map { _ in 2500 })
        #expect(finder.measure(noise).flags.contains(.weakCorrelation))
    }
}
