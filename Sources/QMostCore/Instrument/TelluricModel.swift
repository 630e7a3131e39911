import Foundation

/// Atmospheric transmission at Paranal: molecular absorption bands (telluric) and the smooth continuum
/// extinction (Rayleigh, aerosol, ozone).
///
/// This is an APPROXIMATION: each band is an analytic envelope (a smooth-topped trough) rather than the
/// thousands of resolved rotational lines, so it is right in depth and extent at the resolution of the LRS,
/// not line by line. A measured transmission curve (sky_transmission.fits) replaces the bands when supplied.
public struct TelluricModel: Sendable, Equatable {
    /// One absorption band: optical depth at airmass 1 given by a flat-topped profile between two edges.
    public struct Band: Sendable, Equatable {
        public var name: String
        /// Wavelength (Å) where the band's optical depth starts to rise.
        public var start: Double
        /// Wavelength (Å) where it has fallen again.
        public var end: Double
        /// Peak optical depth at airmass 1 (transmission e^-τ at the band core).
        public var depth: Double
        /// Edge softness in Å (logistic width of the band's walls).
        public var edgeWidth: Double
        /// Optical depth grows as airmass^exponent: 1 for well-mixed O2 in the unsaturated limit, ~0.6 for
        /// saturated bands (curve-of-growth), as used for the O2 A band and water.
        public var airmassExponent: Double

        public init(name: String, start: Double, end: Double, depth: Double, edgeWidth: Double, airmassExponent: Double) {
            self.name = name
            self.start = start
            self.end = end
            self.depth = depth
            self.edgeWidth = edgeWidth
            self.airmassExponent = airmassExponent
        }

        /// Optical depth at airmass 1 at `wavelength` (Å).
        public func opticalDepth(at wavelength: Double) -> Double {
            let rise = 1 / (1 + exp(-(wavelength - start) / edgeWidth))
            let fall = 1 / (1 + exp((wavelength - end) / edgeWidth))
            return depth * rise * fall
        }
    }

    /// The bands; see ``defaultBands``.
    public var bands: [Band]
    /// A measured transmission at airmass 1 (WAVE, TRANS) replacing the analytic bands when present.
    public var measured: TabulatedCurve?
    /// Airmass of the measured curve (py4most's sky_transmission.fits is for the mid class, 1.2; datamodel §6.3).
    public var measuredAirmass: Double

    public init(bands: [Band] = TelluricModel.defaultBands, measured: TabulatedCurve? = nil, measuredAirmass: Double = 1.2) {
        self.bands = bands
        self.measured = measured
        self.measuredAirmass = measuredAirmass
    }

    /// The analytic default.
    public static let `default` = TelluricModel()

    /// Default band envelopes. Positions from the standard telluric features (e.g. the ESO SkyCalc/Molecfit
    /// Paranal transmission, Noll et al. 2012 A&A 543, A92): O2 B 6867–6920 Å, O2 A 7594–7700 Å (deepest,
    /// saturated core), H2O 7160–7340, 8130–8350 and 8950–9800 Å (the last the strongest); water depths are for
    /// ~2.5 mm PWV, typical of Paranal. Depths are band-averaged at LRS resolution (approximation).
    public static let defaultBands: [Band] = [
        Band(name: "O2 B", start: 6864, end: 6920, depth: 0.55, edgeWidth: 3, airmassExponent: 0.6),
        Band(name: "O2 A", start: 7592, end: 7690, depth: 1.6, edgeWidth: 4, airmassExponent: 0.6),
        Band(name: "H2O 7200", start: 7160, end: 7340, depth: 0.22, edgeWidth: 12, airmassExponent: 0.6),
        Band(name: "H2O 8200", start: 8130, end: 8350, depth: 0.18, edgeWidth: 12, airmassExponent: 0.6),
        Band(name: "H2O 9300", start: 8950, end: 9800, depth: 0.65, edgeWidth: 25, airmassExponent: 0.6),
    ]

    /// Telluric (molecular) transmission at `wavelength` (Å) and `airmass` ≥ 1: e^-Σ τ_b X^p_b for the bands,
    /// or the measured curve scaled as T(X) = T_m^(X / X_m).
    public func transmission(at wavelength: Double, airmass: Double = 1) -> Double {
        let x = max(airmass, 1)
        if let measured {
            let t = min(max(measured.value(at: wavelength), 1e-6), 1)
            return pow(t, x / measuredAirmass)
        }
        var tau = 0.0
        for band in bands { tau += band.opticalDepth(at: wavelength) * pow(x, band.airmassExponent) }
        return exp(-tau)
    }

    /// Continuum extinction coefficient k(λ) in mag per airmass at Paranal (2635 m):
    /// Rayleigh 0.0094977 λ⁻⁴ e^(−h/7.996 km) (Hayes & Latham 1975, λ in µm), aerosol 0.013 λ^−1.38
    /// (Patat et al. 2011, A&A 527, A91), plus the ozone Chappuis band (≈0.03 mag at 6000 Å, ibid., approximation).
    public static func extinctionCoefficient(at wavelength: Double) -> Double {
        let micron = wavelength / 10_000
        let rayleigh = 0.0094977 * pow(micron, -4) * exp(-2.635 / 7.996)
        let aerosol = 0.013 * pow(micron, -1.38)
        let ozone = 0.03 * exp(-0.5 * pow((wavelength - 6000) / 700, 2))
        return rayleigh + aerosol + ozone
    }

    /// Continuum transmission 10^(−0.4 k(λ) X) at `airmass`.
    public static func continuumTransmission(at wavelength: Double, airmass: Double) -> Double {
        pow(10, -0.4 * extinctionCoefficient(at: wavelength) * airmass)
    }
}
