import Foundation

/// A Gaussian integrated over unit pixels: the fraction of a line of centre `c` and width `sigma` (pixels) that
/// falls in pixel x, which covers [x − ½, x + ½). Undersampled lines (FWHM below a pixel, as at the small
/// simulation scale) must be fitted with this rather than with a sampled Gaussian or a centroid, whose
/// estimates are biased by the line's phase within the pixel.
enum PixelGaussian {
    static let inverseRootTwo = 1 / 2.0.squareRoot()
    static let inverseRootTwoPi = 1 / (2 * Double.pi).squareRoot()

    /// Φ(u), the standard normal CDF.
    @inline(__always)
    static func cdf(_ u: Double) -> Double { 0.5 * erfc(-u * inverseRootTwo) }

    /// φ(u), the standard normal density.
    @inline(__always)
    static func pdf(_ u: Double) -> Double { inverseRootTwoPi * exp(-0.5 * u * u) }

    /// The fraction in pixel `x` and its derivatives with respect to the centre and σ.
    @inline(__always)
    static func evaluate(pixel x: Double, centre c: Double, sigma s: Double) -> (value: Double, dCentre: Double, dSigma: Double) {
        let upper = (x + 0.5 - c) / s, lower = (x - 0.5 - c) / s
        let pu = pdf(upper), pl = pdf(lower)
        // Difference of upper-tail areas right of the centre, so that neither side loses precision.
        let value = lower > 0 ? 0.5 * (erfc(lower * inverseRootTwo) - erfc(upper * inverseRootTwo)) : cdf(upper) - cdf(lower)
        return (value, (pl - pu) / s, (lower * pl - upper * pu) / s)
    }
}
