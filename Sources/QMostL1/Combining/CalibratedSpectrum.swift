import QMostCore

/// One spectrum on a linear wavelength grid: flux, its variance and quality bits per bin (the unit is the
/// caller's: electrons per bin before flux calibration, erg/s/cm²/Å after).
public struct CalibratedSpectrum: Sendable, Equatable {
    /// The bin holds no usable value.
    public static let noData: UInt8 = 1

    public var grid: SpectralGrid
    public var flux: [Float]
    public var variance: [Float]
    public var mask: [UInt8]

    public init(grid: SpectralGrid, flux: [Float], variance: [Float], mask: [UInt8]) {
        precondition(flux.count == grid.count && variance.count == grid.count && mask.count == grid.count, "one value per bin")
        self.grid = grid
        self.flux = flux
        self.variance = variance
        self.mask = mask
    }

    /// Fibre `f` of an arm's spectra.
    public init(_ spectra: RebinnedSpectra, fibre f: Int) {
        self.init(grid: spectra.grid, flux: Array(spectra.flux(fibre: f)), variance: Array(spectra.variance(fibre: f)),
                  mask: Array(spectra.mask(fibre: f)))
    }

    /// Whether bin `i` can be used: unflagged with a positive, finite variance.
    @inline(__always)
    public func isGood(_ i: Int) -> Bool { mask[i] == 0 && variance[i] > 0 && variance[i].isFinite && flux[i].isFinite }
}
