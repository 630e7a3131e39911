import Foundation
import QMostCore

extension Phase3Spectrum {
    /// The Phase 3 form of a combined spectrum: WAVE the grid's bin centres, ERR the square root of the variance,
    /// QUAL the mask bits (0 good; the bits of ``RebinnedSpectra`` and ``CalibratedSpectrum/noData`` otherwise).
    public init(_ combined: CombinedSpectrum, header: Phase3Header) {
        let grid = combined.flux.grid
        self.init(wavelength: (0..<grid.count).map { Float(grid.wavelength(ofBin: $0)) }, flux: combined.flux.flux,
                  error: combined.flux.variance.map(Self.error), quality: combined.flux.mask.map { Int32($0) },
                  fluxNoSkySubtraction: combined.unsubtracted.flux, errorNoSkySubtraction: combined.unsubtracted.variance.map(Self.error),
                  header: header)
    }

    private static func error(_ variance: Float) -> Float { variance > 0 && variance.isFinite ? variance.squareRoot() : 0 }

    /// The spectrum as a combination input, on the uniform grid its WAVE column samples; nil when WAVE is not
    /// uniform to 10⁻³ of a bin (a file this pipeline did not write on a setting's grid).
    public var combined: CombinedSpectrum? {
        let n = wavelength.count
        guard n >= 2 else { return nil }
        let step = (Double(wavelength[n - 1]) - Double(wavelength[0])) / Double(n - 1)
        // Float WAVE holds ~7 digits: snap the step and start to the setting's 0.05/0.25 Å bins.
        let snapped = [0.05, 0.25].first { abs($0 - step) < 1e-4 } ?? step
        let start = (Double(wavelength[0]) / snapped).rounded() * snapped
        guard wavelength.indices.allSatisfy({ abs(Double(wavelength[$0]) - (start + Double($0) * snapped)) < 1e-3 * snapped + 1e-3 }) else { return nil }
        let grid = SpectralGrid(start: start, step: snapped, count: n)
        let mask = quality.map { q -> UInt8 in q == 0 ? 0 : q < 0 ? CalibratedSpectrum.noData : UInt8(truncatingIfNeeded: q) | (q > 255 ? CalibratedSpectrum.noData : 0) }
        func variance(_ e: [Float]) -> [Float] { e.map { $0 > 0 && $0.isFinite ? $0 * $0 : 0 } }
        return CombinedSpectrum(flux: CalibratedSpectrum(grid: grid, flux: flux, variance: variance(error), mask: mask),
                                unsubtracted: CalibratedSpectrum(grid: grid, flux: fluxNoSkySubtraction, variance: variance(errorNoSkySubtraction), mask: mask))
    }
}
