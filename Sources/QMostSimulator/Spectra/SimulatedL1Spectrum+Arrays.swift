import QMostCore

/// A simulated spectrum as the L2 modules take it: vacuum wavelengths (the reader converts L1's air ones), fluxes
/// with unusable pixels zeroed, and inverse variances (0 where unusable).
public struct SimulatedAnalysisArrays: Sendable {
    public var wavelength: [Double]
    public var flux: [Double]
    public var inverseVariance: [Double]
}

extension L1SpectrumSimulation {
    /// `source` observed for `exposureTime` s in `mode`: on the joined LRS grid, or through the three HRS arms
    /// joined in order with the gaps between them; each arm's noise drawn from its own seed after `seed`.
    public static func analysisArrays(_ source: SourceSpec, mode: ResolutionMode, exposureTime: Double = 1200,
                                      seed: UInt64) throws -> SimulatedAnalysisArrays {
        let grids = mode == .low ? [lowResolutionGrid] : ArmName.allCases.map(highResolutionGrid)
        var out = SimulatedAnalysisArrays(wavelength: [], flux: [], inverseVariance: [])
        for (k, grid) in grids.enumerated() {
            let s = try simulate(source, on: grid, mode: mode, exposureTime: exposureTime, seed: seed &+ UInt64(k))
            out.wavelength += s.wavelength.map { PhysicalConstants.vacuumWavelength(fromAir: $0) }
            out.flux += s.flux.map { $0.isFinite ? $0 : 0 }
            out.inverseVariance += s.error.map { $0 > 0 && $0.isFinite ? 1 / ($0 * $0) : 0 }
        }
        return out
    }
}
