import QMostCore

/// The spectra of one arm of one exposure on a common linear wavelength grid: per fibre per bin the electrons
/// that fell in the bin (so sums over bins are sums of electrons), their variance and quality bits.
///
/// The variance is the diagonal only. Each detector pixel is shared among the bins it overlaps, so
/// neighbouring bins are correlated: where pixels are wider than bins (the small simulation scale) a pixel's
/// noise is spread over several bins, and the variance of a sum over bins exceeds the sum of their variances
/// (at most by the number of bins per pixel). Bins matched to the pixel size, as the seed chooses, keep this small.
public struct RebinnedSpectra: Sendable, Equatable {
    /// Bits carried over from ``ExtractedSpectra`` (``ExtractedSpectra/noData``, ``ExtractedSpectra/maskedPixel``,
    /// ``ExtractedSpectra/saturated``) from any pixel contributing to a bin, plus this one: the bin is not wholly
    /// inside the fibre's wavelength coverage (or the fibre has no solution); its flux and variance are zero.
    public static let outsideCoverage: UInt8 = 8

    public var arm: ArmName
    public var grid: SpectralGrid
    /// 1-based slit positions, one per spectrum.
    public var slitPositions: [Int]
    /// Electrons per bin, fibre-major: `flux[f * grid.count + i]`.
    public var flux: [Float]
    /// Variance of `flux` (electrons²), diagonal.
    public var variance: [Float]
    public var mask: [UInt8]

    public init(arm: ArmName, grid: SpectralGrid, slitPositions: [Int], flux: [Float], variance: [Float], mask: [UInt8]) {
        precondition(flux.count == slitPositions.count * grid.count && variance.count == flux.count && mask.count == flux.count,
                     "one value per fibre per bin")
        self.arm = arm
        self.grid = grid
        self.slitPositions = slitPositions
        self.flux = flux
        self.variance = variance
        self.mask = mask
    }

    public func flux(fibre f: Int) -> ArraySlice<Float> { flux[(f * grid.count)..<((f + 1) * grid.count)] }
    public func variance(fibre f: Int) -> ArraySlice<Float> { variance[(f * grid.count)..<((f + 1) * grid.count)] }
    public func mask(fibre f: Int) -> ArraySlice<UInt8> { mask[(f * grid.count)..<((f + 1) * grid.count)] }
}
