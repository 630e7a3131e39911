import Foundation

/// Continuum shapes shared by the source models (arbitrary normalisation; the magnitude sets the scale).
public enum Continuum {
    /// hc/k in Å·K.
    static let hcOverK = 1.438_776_877e8

    /// The Planck function B_λ(T) up to a constant: λ⁻⁵ / (exp(hc/λkT) − 1), λ in Å.
    public static func planck(_ lambda: Double, temperature: Double) -> Double {
        let x = hcOverK / (lambda * temperature)
        guard x < 700 else { return 0 }
        return pow(lambda / 5000, -5) / expm1(x)
    }

    /// A power law F_ν ∝ ν^α expressed in F_λ: F_λ ∝ λ^−(2+α), normalised to 1 at 5000 Å.
    public static func powerLaw(_ lambda: Double, alphaNu: Double) -> Double {
        pow(lambda / 5000, -(2 + alphaNu))
    }

    /// The Calzetti et al. (2000, ApJ 533, 682, eq. 4) starburst attenuation curve k(λ) with R_V = 4.05,
    /// λ in Å (held constant below 1200 Å and extended linearly beyond 2.2 µm).
    public static func calzettiK(_ lambda: Double) -> Double {
        let mu = min(max(lambda, 1200), 22000) / 1e4
        if mu < 0.63 {
            return 2.659 * (-2.156 + 1.509 / mu - 0.198 / (mu * mu) + 0.011 / (mu * mu * mu)) + 4.05
        }
        return max(0, 2.659 * (-1.857 + 1.040 / mu) + 4.05)
    }

    /// The transmission 10^(−0.4 k(λ) E(B−V)) of a Calzetti screen.
    public static func calzettiTransmission(_ lambda: Double, ebv: Double) -> Double {
        pow(10, -0.4 * calzettiK(lambda) * ebv)
    }

    /// A smooth step from 0 (λ ≪ edge) to 1 (λ ≫ edge) of e-folding width `width` Å.
    static func step(_ lambda: Double, edge: Double, width: Double) -> Double {
        1 / (1 + exp(-(lambda - edge) / width))
    }
}

/// Parameters of an emission-line (star-forming) galaxy.
public struct EmissionLineGalaxyParameters: Sendable, Equatable {
    /// Rest equivalent width of Hβ emission in Å (typical of z ≈ 1 ELGs: 10–50 Å).
    public var hBetaEquivalentWidth = 20.0
    /// Intrinsic [OIII]5007/Hβ (BPT star-forming locus ≈ 0.5–5; Baldwin, Phillips & Terlevich 1981).
    public var oiii5007ToHBeta = 1.5
    /// Intrinsic [OII]3726+3729 / Hβ (≈ 2–4 in star-forming galaxies; Kewley, Geller & Jansen 2004).
    public var oiiToHBeta = 3.0
    /// [NII]6583/Hα (≈ 0.3 for near-solar star-forming galaxies; Kewley et al. 2001).
    public var nii6583ToHAlpha = 0.3
    /// [SII]6716+6731 / Hα (≈ 0.2–0.3; Kewley et al. 2006).
    public var siiToHAlpha = 0.25
    /// Gas velocity dispersion in km/s.
    public var velocityDispersion = 70.0
    /// Gas colour excess E(B−V); the stars see 0.44× this (Calzetti et al. 2000).
    public var ebvGas = 0.2
    /// UV–optical slope β of the unattenuated young continuum, F_λ ∝ λ^β (≈ −2.5 for a young starburst,
    /// Leitherer et al. 1999; Calzetti, Kinney & Storchi-Bergmann 1994).
    public var continuumSlope = -2.3

    public init() {}
}

/// Parameters of a passive (old, absorption-line) galaxy.
public struct PassiveGalaxyParameters: Sendable, Equatable {
    /// Stellar velocity dispersion in km/s (200–300 for luminous red galaxies).
    public var velocityDispersion = 220.0
    /// Colour temperature of the old-population continuum redward of the break, K.
    public var continuumTemperature = 4800.0
    /// Flux just below the 4000 Å break relative to just above it (0.5 gives D4000 ≈ 2, old and metal rich;
    /// Bruzual 1983, Balogh et al. 1999).
    public var breakContrast = 0.5

    public init() {}
}

/// Rest-frame galaxy spectra (vacuum wavelengths, arbitrary scale).
public enum GalaxyModels {
    /// A star-forming galaxy: a young power-law continuum with a small Balmer break, reddened by a Calzetti
    /// screen, plus nebular lines. Line ratios: Balmer case B at 10⁴ K, n_e = 100 cm⁻³ (Osterbrock & Ferland
    /// 2006, Table 4.4: Hα/Hβ 2.86, Hγ/Hβ 0.468, Hδ/Hβ 0.259); [OIII]5007/4959 = 2.98 and
    /// [NII]6583/6548 = 2.94 (Storey & Zeippen 2000, MNRAS 312, 813); [OII]3729/3726 = 1.4 and
    /// [SII]6716/6731 = 1.4 (low-density limit, Osterbrock & Ferland 2006 Fig. 5.8).
    public static func emissionLine(_ lambda: [Double], _ p: EmissionLineGalaxyParameters) -> [Double] {
        let ebvStars = 0.44 * p.ebvGas
        var flux = lambda.map { l in
            pow(l / 5000, p.continuumSlope)
                * (1 - 0.15 * (1 - Continuum.step(l, edge: 3646, width: 15)))  // young-population Balmer jump
                * Continuum.calzettiTransmission(l, ebv: ebvStars)
        }
        // Continuum Balmer absorption of A stars under the emission (EW ≈ 3 Å; Kennicutt 1992).
        for line in LineList.balmer.dropFirst(1) {
            LineProfile.absorbGaussian(&flux, lambda, center: line.vacuumWavelength, sigma: 12, ew: 3, maxDepth: 0.3)
        }
        let hBetaLambda = LineList.hBeta.vacuumWavelength
        let continuumAtHBeta = pow(hBetaLambda / 5000, p.continuumSlope) * Continuum.calzettiTransmission(hBetaLambda, ebv: ebvStars)
        // Observed Hβ flux from the observed EW; the intrinsic lines are then scaled through the gas screen.
        let hBetaIntrinsic = p.hBetaEquivalentWidth * continuumAtHBeta / Continuum.calzettiTransmission(hBetaLambda, ebv: p.ebvGas)
        let hAlphaIntrinsic = 2.86 * hBetaIntrinsic
        let oii = p.oiiToHBeta * hBetaIntrinsic
        let oiii = p.oiii5007ToHBeta * hBetaIntrinsic
        let nii = p.nii6583ToHAlpha * hAlphaIntrinsic
        let sii = p.siiToHAlpha * hAlphaIntrinsic
        let lines: [(SpectralLine, Double)] = [
            (LineList.oii3726, oii / 2.4), (LineList.oii3729, oii * 1.4 / 2.4),
            (LineList.hDelta, 0.259 * hBetaIntrinsic), (LineList.hGamma, 0.468 * hBetaIntrinsic),
            (LineList.hBeta, hBetaIntrinsic),
            (LineList.oiii4959, oiii / 2.98), (LineList.oiii5007, oiii),
            (LineList.nii6548, nii / 2.94), (LineList.hAlpha, hAlphaIntrinsic), (LineList.nii6583, nii),
            (LineList.sii6716, sii * 1.4 / 2.4), (LineList.sii6731, sii / 2.4),
        ]
        for (line, intrinsic) in lines {
            let center = line.vacuumWavelength
            let observed = intrinsic * Continuum.calzettiTransmission(center, ebv: p.ebvGas)
            LineProfile.addGaussian(&flux, lambda, center: center, sigma: LineProfile.sigma(at: center, velocity: p.velocityDispersion), lineFlux: observed)
        }
        return flux
    }

    /// Typical rest equivalent widths (Å) of an old population's absorption features, after Lick indices of
    /// massive ellipticals (Trager et al. 1998, ApJS 116, 1) and SDSS early-type stacks; the intrinsic σ (Å)
    /// stands for the blend a feature is made of.
    static let passiveAbsorption: [(SpectralLine, ew: Double, intrinsicSigma: Double)] = [
        (LineList.caIIK, 9.0, 4), (LineList.caIIH, 8.0, 4), (LineList.h8, 1.5, 3), (LineList.hDelta, 1.5, 3),
        (LineList.gBand, 5.5, 9), (LineList.hGamma, 2.0, 3), (LineList.hBeta, 1.8, 3),
        (LineList.mgB4, 1.2, 1.5), (LineList.mgB2, 1.6, 1.5), (LineList.mgB1, 1.9, 1.5),
        (LineList.fe5270, 3.0, 6), (LineList.fe5335, 2.8, 6),
        (LineList.naD2, 2.3, 1.5), (LineList.naD1, 1.9, 1.5), (LineList.hAlpha, 1.5, 3),
        (LineList.caT1, 1.2, 1.5), (LineList.caT2, 2.8, 1.5), (LineList.caT3, 2.2, 1.5),
    ]

    /// A passive galaxy: a cool-star continuum with the 4000 Å break (metal-line blanketing below 4000 Å)
    /// and a further UV fall-off below 2800 Å, with Ca H&K, G band, Mg b, Fe, Na D, Balmer and Ca triplet
    /// absorption broadened by the stellar velocity dispersion.
    public static func passive(_ lambda: [Double], _ p: PassiveGalaxyParameters) -> [Double] {
        var flux = lambda.map { l in
            Continuum.planck(l, temperature: p.continuumTemperature)
                * (p.breakContrast + (1 - p.breakContrast) * Continuum.step(l, edge: 4000, width: 25))
                * (0.3 + 0.7 * Continuum.step(l, edge: 2800, width: 120))
        }
        for (line, ew, intrinsic) in passiveAbsorption {
            let center = line.vacuumWavelength
            LineProfile.absorbGaussian(&flux, lambda, center: center, sigma: LineProfile.sigma(at: center, velocity: p.velocityDispersion, intrinsic: intrinsic), ew: ew)
        }
        return flux
    }
}
