import Foundation
import QMostCore

/// Moves a spectrum on the setting's grid into the heliocentric frame without leaving the grid (seed 9.1.12 keeps
/// every spectrum of a setting on the same bins, so exposures of different nights stack bin by bin).
///
/// The heliocentric bin centred on λ collects what the observed spectrum had at λ / (1 + v/c). For a shift by a
/// fraction t of a bin, the flux-conserving rebinning of uniform bins onto shifted uniform bins is the linear
/// interpolation (1 − t)·F[j] + t·F[j+1] (the stretch over an arm, v/c ≈ 10⁻⁴, changes the bin width by far less
/// than the rounding of the values), with the variance (1 − t)²·V[j] + t²·V[j+1] and the flux density divided by
/// 1 + v/c because the bins widen by that factor.
public enum HeliocentricShift {
    /// `spectrum` as seen from the Sun: `velocity` (km/s) is the heliocentric correction, positive when the
    /// observer moves towards the source (``HeliocentricCorrection/velocity(mjd:ra:dec:site:)``). A bin fed by a
    /// bad one carries its bits; a bin beyond the ends is ``CalibratedSpectrum/noData``.
    public static func shift(_ spectrum: CalibratedSpectrum, velocity: Double) -> CalibratedSpectrum {
        let factor = HeliocentricCorrection.wavelengthFactor(velocity: velocity)
        let grid = spectrum.grid
        let n = grid.count
        var flux = [Float](repeating: 0, count: n), variance = flux
        var mask = [UInt8](repeating: 0, count: n)
        let scale = 1 / factor
        for i in 0..<n {
            let x = (grid.wavelength(ofBin: i) / factor - grid.start) / grid.step
            let j = Int(x.rounded(.down))
            let t = x - Double(j)
            guard j >= 0, j < n, j + 1 < n || t < 1e-9 else {
                mask[i] = CalibratedSpectrum.noData
                continue
            }
            let a = 1 - t
            var bits = a > 0 ? spectrum.mask[j] : 0
            var f = a * Double(spectrum.flux[j]), v = a * a * Double(spectrum.variance[j])
            if t > 1e-9 {
                bits |= spectrum.mask[j + 1]
                f += t * Double(spectrum.flux[j + 1])
                v += t * t * Double(spectrum.variance[j + 1])
            }
            flux[i] = Float(f * scale)
            variance[i] = Float(v * scale * scale)
            mask[i] = bits
        }
        return CalibratedSpectrum(grid: grid, flux: flux, variance: variance, mask: mask)
    }
}
