import Foundation

/// One spectral line: a label and its rest wavelength in vacuum (Å).
///
/// Optical lines are tabulated in the literature in standard air and converted here with
/// ``WavelengthMedium/vacuumWavelength(air:)``; ultraviolet lines (< 2000 Å) are vacuum by convention.
public struct SpectralLine: Sendable, Equatable {
    public var label: String
    /// Rest wavelength in vacuum, Å.
    public var vacuumWavelength: Double

    public init(_ label: String, vacuum: Double) {
        self.label = label
        self.vacuumWavelength = vacuum
    }

    public init(_ label: String, air: Double) {
        self.label = label
        self.vacuumWavelength = WavelengthMedium.vacuumWavelength(air: air)
    }

    /// The rest wavelength in standard air (Å); equal to the vacuum value below 2000 Å.
    public var airWavelength: Double { WavelengthMedium.airWavelength(vacuum: vacuumWavelength) }
}

/// The line lists the source models use. Air wavelengths of optical lines from the NIST Atomic Spectra
/// Database and the SDSS spectroscopic line table; UV quasar lines in vacuum from Vanden Berk et al. 2001
/// (AJ 122, 549, Table 2).
public enum LineList {
    // Hydrogen Balmer series (NIST, air).
    public static let hAlpha = SpectralLine("Hα", air: 6562.80)
    public static let hBeta = SpectralLine("Hβ", air: 4861.33)
    public static let hGamma = SpectralLine("Hγ", air: 4340.47)
    public static let hDelta = SpectralLine("Hδ", air: 4101.74)
    public static let hEpsilon = SpectralLine("Hε", air: 3970.07)
    public static let h8 = SpectralLine("H8", air: 3889.05)
    public static let h9 = SpectralLine("H9", air: 3835.38)
    /// Hα … H9, strongest first.
    public static let balmer = [hAlpha, hBeta, hGamma, hDelta, hEpsilon, h8, h9]

    // Nebular forbidden lines (air; NIST / SDSS line table).
    public static let oii3726 = SpectralLine("[OII]3726", air: 3726.03)
    public static let oii3729 = SpectralLine("[OII]3729", air: 3728.82)
    public static let oiii4959 = SpectralLine("[OIII]4959", air: 4958.91)
    public static let oiii5007 = SpectralLine("[OIII]5007", air: 5006.84)
    public static let nii6548 = SpectralLine("[NII]6548", air: 6548.05)
    public static let nii6583 = SpectralLine("[NII]6583", air: 6583.45)
    public static let sii6716 = SpectralLine("[SII]6716", air: 6716.44)
    public static let sii6731 = SpectralLine("[SII]6731", air: 6730.82)

    // Stellar absorption (air; NIST; G band = CH bandhead region, Lick G4300 centre).
    public static let caIIK = SpectralLine("Ca II K", air: 3933.66)
    public static let caIIH = SpectralLine("Ca II H", air: 3968.47)
    public static let gBand = SpectralLine("G band", air: 4304.4)
    public static let mgB1 = SpectralLine("Mg b1", air: 5183.60)
    public static let mgB2 = SpectralLine("Mg b2", air: 5172.68)
    public static let mgB4 = SpectralLine("Mg b4", air: 5167.32)
    public static let fe5270 = SpectralLine("Fe 5270", air: 5269.54)
    public static let fe5335 = SpectralLine("Fe 5335", air: 5328.04)
    public static let naD2 = SpectralLine("Na D2", air: 5889.95)
    public static let naD1 = SpectralLine("Na D1", air: 5895.92)
    public static let caT1 = SpectralLine("Ca II 8498", air: 8498.02)
    public static let caT2 = SpectralLine("Ca II 8542", air: 8542.09)
    public static let caT3 = SpectralLine("Ca II 8662", air: 8662.14)
    /// The Ca II near-infrared triplet.
    public static let calciumTriplet = [caT1, caT2, caT3]
    public static let caI6122 = SpectralLine("Ca I 6122", air: 6122.22)
    public static let caI6162 = SpectralLine("Ca I 6162", air: 6162.17)
    public static let kI7665 = SpectralLine("K I 7665", air: 7664.90)
    public static let kI7699 = SpectralLine("K I 7699", air: 7698.96)
    public static let naI8183 = SpectralLine("Na I 8183", air: 8183.26)
    public static let naI8195 = SpectralLine("Na I 8195", air: 8194.82)
    // Helium in hot stars (air; NIST).
    public static let heI = [4026.19, 4471.48, 4921.93, 5015.68, 5875.62, 6678.15].map { SpectralLine("He I \(Int($0))", air: $0) }
    public static let heII = [4541.59, 4685.70, 5411.52].map { SpectralLine("He II \(Int($0))", air: $0) }

    /// TiO band heads (air, Å) of M dwarfs, with absorption degraded to the red (Kirkpatrick, Henry & McCarthy
    /// 1991, ApJS 77, 417; Valenti, Piskunov & Johns-Krull 1998): γ′ 4955, 5167 (α), 5448, 5847, 6159, 6651,
    /// γ 7054, 7589, ε 8432, 8859. The second number is the relative depth of each band.
    public static let tioBandHeads: [(air: Double, relativeDepth: Double)] = [
        (4954.6, 0.55), (5166.7, 0.65), (5448.0, 0.5), (5847.0, 0.45), (6158.0, 0.8), (6651.0, 0.6),
        (7053.9, 1.0), (7589.0, 0.8), (8432.0, 0.45), (8859.0, 0.5),
    ]

    // Quasar broad lines (vacuum; Vanden Berk et al. 2001 Table 2).
    public static let lyAlpha = SpectralLine("Lyα", vacuum: 1215.67)
    public static let lyBeta = SpectralLine("Lyβ", vacuum: 1025.72)
    public static let nV = SpectralLine("N V", vacuum: 1240.14)
    public static let siIV = SpectralLine("Si IV+O IV]", vacuum: 1399.8)
    public static let cIV = SpectralLine("C IV", vacuum: 1549.06)
    public static let cIII = SpectralLine("C III]", vacuum: 1908.73)
    public static let mgII = SpectralLine("Mg II", vacuum: 2798.75)
}

/// Line profiles evaluated in place on a sorted wavelength array, each only within the window where it
/// is non-negligible.
enum LineProfile {
    /// The index range of `x` within [lo, hi].
    static func window(_ x: [Double], _ lo: Double, _ hi: Double) -> Range<Int> {
        let a = SampledCurve.upperIndex(x, lo - .ulpOfOne)
        let b = SampledCurve.upperIndex(x, hi)
        return a..<max(a, b)
    }

    /// Adds a Gaussian of integrated flux `lineFlux` (F_λ units × Å), centre and σ in Å.
    static func addGaussian(_ flux: inout [Double], _ x: [Double], center: Double, sigma: Double, lineFlux: Double) {
        guard sigma > 0, lineFlux != 0 else { return }
        let norm = lineFlux / (sigma * (2 * Double.pi).squareRoot())
        for i in window(x, center - 7 * sigma, center + 7 * sigma) {
            let u = (x[i] - center) / sigma
            flux[i] += norm * exp(-0.5 * u * u)
        }
    }

    /// Multiplies by a Gaussian absorption line 1 − d·exp(−u²/2) of rest equivalent width `ew` (Å). When the
    /// line would be deeper than `maxDepth` at width σ, σ grows so the depth is `maxDepth` and the
    /// equivalent width is kept (strong lines saturate and widen on the curve of growth).
    static func absorbGaussian(_ flux: inout [Double], _ x: [Double], center: Double, sigma: Double, ew: Double, maxDepth: Double = 0.9) {
        guard ew > 0, sigma > 0 else { return }
        let root2pi = (2 * Double.pi).squareRoot()
        var s = sigma
        var depth = ew / (s * root2pi)
        if depth > maxDepth {
            depth = maxDepth
            s = ew / (maxDepth * root2pi)
        }
        for i in window(x, center - 7 * s, center + 7 * s) {
            let u = (x[i] - center) / s
            flux[i] *= 1 - depth * exp(-0.5 * u * u)
        }
    }

    /// Multiplies by a Lorentzian absorption line 1 − d/(1 + (Δλ/γ)²) of equivalent width `ew` = π d γ (Å):
    /// the shape of pressure (Stark) broadened Balmer lines in white dwarfs and A stars. The wings are
    /// cut at ±60 γ (they hold 1 % of the equivalent width there).
    static func absorbLorentzian(_ flux: inout [Double], _ x: [Double], center: Double, ew: Double, depth: Double) {
        guard ew > 0, depth > 0 else { return }
        let gamma = ew / (Double.pi * depth)
        for i in window(x, center - 60 * gamma, center + 60 * gamma) {
            let u = (x[i] - center) / gamma
            flux[i] *= 1 - depth / (1 + u * u)
        }
    }

    /// The σ (Å) of a Gaussian of velocity dispersion `kms` at wavelength `lambda`, combined in quadrature
    /// with an intrinsic σ in Å.
    static func sigma(at lambda: Double, velocity kms: Double, intrinsic: Double = 0) -> Double {
        let v = lambda * kms / speedOfLightKms
        return (v * v + intrinsic * intrinsic).squareRoot()
    }
}
