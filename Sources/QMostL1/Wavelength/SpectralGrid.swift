import Foundation
import QMostCore

/// A linear wavelength grid: bin i is centred on `start + i·step` (Å, air) and covers ±step/2 about it
/// (seed 9.1.12: "all spectra for a given wavelength setting will be given the same spectral endpoints and
/// bin size", to ease stacking and joining the arms).
public struct SpectralGrid: Sendable, Equatable {
    /// Centre of the first bin (Å).
    public var start: Double
    /// Bin width (Å).
    public var step: Double
    public var count: Int

    public init(start: Double, step: Double, count: Int) {
        precondition(step > 0 && count > 0, "a grid needs a positive step and at least one bin")
        self.start = start
        self.step = step
        self.count = count
    }

    /// Centre of bin `i` (Å).
    @inline(__always)
    public func wavelength(ofBin i: Int) -> Double { start + Double(i) * step }

    /// Centre of the last bin (Å).
    public var end: Double { wavelength(ofBin: count - 1) }

    /// The grid's bin widths: 0.25 Å in low resolution, 0.05 Å in high (the data model's L1 sampling, close to
    /// the natural full-scale pixel size of each setting as the seed asks).
    public static func standardStep(_ mode: ResolutionMode) -> Double { mode == .low ? 0.25 : 0.05 }

    /// The standard grid of an arm: the standard step, from the arm's blue end rounded down to a whole step to
    /// its red end rounded up. It depends only on the arm's nominal coverage and mode, so it is the same for every
    /// fibre and exposure of the setting (and for both simulation scales, which keep the coverage).
    public static func standard(for arm: ArmModel) -> SpectralGrid {
        let step = standardStep(arm.mode)
        let first = (arm.wavelengthRange.lowerBound / step).rounded(.down)
        let last = (arm.wavelengthRange.upperBound / step).rounded(.up)
        return SpectralGrid(start: first * step, step: step, count: Int(last - first) + 1)
    }
}
