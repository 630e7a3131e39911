import Foundation
import QMostCore

/// A broad-band filter curve for AB synthetic photometry of calibrated spectra and for scaling flux standards to
/// their catalogue magnitudes (seed 9.1.16: "We will be basing the zero-points on the AB-mag system as defined in
/// e.g. Fukugita et al. 1995").
public struct PhotometricBand: Sendable, Equatable {
    /// The name FIBINFO's TRG_MAGB gives the band (e.g. `SDSS_r`).
    public var name: String
    /// Half-transmission wavelengths (Å) of the blue and red edges, their logistic e-folding widths (Å) and the
    /// tilt: T(λ) = (λ/6000 Å)^tilt / ((1 + e^−(λ−blue)/w_b)(1 + e^−(red−λ)/w_r)).
    public var blue: Double, red: Double, blueWidth: Double, redWidth: Double, tilt: Double

    public init(name: String, blue: Double, red: Double, blueWidth: Double, redWidth: Double, tilt: Double = 0) {
        self.name = name
        self.blue = blue
        self.red = red
        self.blueWidth = blueWidth
        self.redWidth = redWidth
        self.tilt = tilt
    }

    /// SDSS r: half transmission at 5600 and 6740 Å, 40 Å edges, tilt 0.80, an analytic fit to the published
    /// 1.3-airmass r response (Doi et al. 2010, AJ 139, 1628) whose pivot wavelength matches it to 0.1 Å (6175.5 Å).
    public static let sdssR = PhotometricBand(name: "SDSS_r", blue: 5600, red: 6740, blueWidth: 40, redWidth: 40, tilt: 0.80)

    /// SDSS g and i, the same analytic form with half transmission read off the Doi et al. (2010) curves (g 4000 and
    /// 5420 Å, i 6920 and 8230 Å; to ~20 Å, enough for QA magnitudes, not for calibration).
    public static let sdssG = PhotometricBand(name: "SDSS_g", blue: 4000, red: 5420, blueWidth: 40, redWidth: 40, tilt: 0.8)
    public static let sdssI = PhotometricBand(name: "SDSS_i", blue: 6920, red: 8230, blueWidth: 40, redWidth: 60, tilt: 0.8)

    /// The bands known by name (FIBINFO TRG_MAGB) for calibration: r only, the one fitted to its published curve.
    public static let known: [String: PhotometricBand] = [sdssR.name: sdssR]

    /// The SDSS bands for synthetic QA magnitudes, blue to red.
    public static let sdss: [PhotometricBand] = [sdssG, sdssR, sdssI]

    /// Transmission at `wavelength` (Å).
    public func transmission(at wavelength: Double) -> Double {
        pow(wavelength / 6000, tilt) / ((1 + exp(-(wavelength - blue) / blueWidth)) * (1 + exp(-(red - wavelength) / redWidth)))
    }

    /// Where the band transmits (T > 10⁻³ of its peak): 7 edge widths beyond the half-transmission points.
    public var transmittingRange: ClosedRange<Double> { (blue - 7 * blueWidth)...(red + 7 * redWidth) }

    /// The AB magnitude of F_λ (erg/s/cm²/Å) sampled on `grid`, photon-counting:
    /// m = −2.5 log₁₀(∫F_λ T λ dλ / ∫ F_λ,AB(λ) T λ dλ) with F_λ,AB = 3631 Jy · c/λ² (Oke & Gunn 1983).
    /// Both integrals run over the same bins `use` marks, so masked bins drop out of both; nil when the grid does not
    /// cover the band, when the usable bins carry less than `minimumCoverage` of the band's weight, or when the flux
    /// through the band is not positive. The second value is the magnitude's 1σ error from `variance` when given.
    public func abMagnitude(flux: ArraySlice<Float>, variance: ArraySlice<Float>? = nil, grid: SpectralGrid, use: [Bool],
                            minimumCoverage: Double = 0.97) -> (magnitude: Double, error: Double)? {
        let range = transmittingRange
        guard grid.start <= range.lowerBound, grid.end >= range.upperBound else { return nil }
        let lo = Int(((range.lowerBound - grid.start) / grid.step).rounded(.down)), hi = Int(((range.upperBound - grid.start) / grid.step).rounded(.up))
        var numerator = 0.0, reference = 0.0, all = 0.0, errorSum = 0.0
        for i in max(lo, 0)...min(hi, grid.count - 1) {
            let l = grid.wavelength(ofBin: i), w = transmission(at: l) * l
            let ab = PhysicalConstants.flambda(abMagnitude: 0, at: l)
            all += ab * w
            guard use[i] else { continue }
            numerator += Double(flux[flux.startIndex + i]) * w
            reference += ab * w
            if let variance { errorSum += Double(variance[variance.startIndex + i]) * w * w }
        }
        guard all > 0, reference / all >= minimumCoverage, numerator > 0 else { return nil }
        return (-2.5 * log10(numerator / reference), 2.5 / log(10) * errorSum.squareRoot() / numerator)
    }
}

/// The Planck spectral shape B_λ(T) ∝ 1 / (λ⁵ (e^(hc/λkT) − 1)), λ in Å, normalised to 1 at 5500 Å: the continuum
/// model of a flux standard of effective temperature T (seed 9.1.16: "flux calibrators ... with known flux distributions").
public enum PlanckShape {
    /// hc/k in Å K (CODATA 2018).
    public static let c2 = 1.438_776_877e8

    public static func value(at wavelength: Double, temperature: Double) -> Double {
        func b(_ l: Double) -> Double { 1 / (pow(l / 5500, 5) * (exp(c2 / (l * temperature)) - 1)) }
        return b(wavelength) / b(5500)
    }
}
