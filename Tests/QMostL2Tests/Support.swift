import Foundation
import QMostCore
import QMostL2
import QMostSimulator
import QMostTesting

/// Shared fixtures of the L2 tests: the real redrock templates, and spectra simulated from known truth.
enum L2Fixtures {
    static var sharedData: String? { SharedData.directory }
    static var templateDirectory: String? { SharedData.directory.map { "\($0)/redrock-templates" } }

    /// The real redrock templates, read once.
    static let templates: [PCATemplate] = {
        guard let dir = templateDirectory else { return [] }
        return (try? RedrockTemplateFile.readAll(directory: dir)) ?? []
    }()

    static let finder: RedshiftFinder? = templates.isEmpty ? nil : RedshiftFinder(templates: templates)

    static let velocityFinder: RadialVelocityFinder? = templates.isEmpty ? nil : RadialVelocityFinder(templates: templates)

    /// `source` observed for `exposureTime` s on the joined LRS grid, as an L2 spectrum (air to vacuum as the
    /// reader converts it).
    static func observe(_ source: SourceSpec, exposureTime: Double = 1200, seed: UInt64) throws -> (L2Spectrum, SimulatedL1Spectrum) {
        let s = try L1SpectrumSimulation.simulate(source, on: L1SpectrumSimulation.lowResolutionGrid, mode: .low,
                                                  exposureTime: exposureTime, seed: seed)
        let ivar = s.error.map { $0 > 0 && $0.isFinite ? 1 / ($0 * $0) : 0 }
        let flux = s.flux.map { $0.isFinite ? $0 : 0 }
        return (L2Spectrum(file: "simulated", resolution: .low, wavelength: s.wavelength.map { PhysicalConstants.vacuumWavelength(fromAir: $0) },
                           flux: flux, inverseVariance: ivar), s)
    }

    /// `source` observed for `exposureTime` s through the three HRS arms, joined into one L2 spectrum with gaps.
    static func observeHigh(_ source: SourceSpec, exposureTime: Double = 1200, seed: UInt64) throws -> L2Spectrum {
        let a = try L1SpectrumSimulation.analysisArrays(source, mode: .high, exposureTime: exposureTime, seed: seed)
        return L2Spectrum(file: "simulated", resolution: .high, wavelength: a.wavelength, flux: a.flux, inverseVariance: a.inverseVariance)
    }
}
