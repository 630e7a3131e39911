import Foundation

/// Parameters of a star.
public struct StellarParameters: Sendable, Equatable {
    /// Effective temperature in K; nil takes the kind's default (FGK 5800, M 3300, DA 15000, OBA 15000,
    /// WD standard 30000, F standard 6200).
    public var effectiveTemperature: Double?
    /// Metallicity [Fe/H] in dex; metal-line equivalent widths scale as 10^(0.4 [Fe/H]) (a rough curve of
    /// growth slope for moderately saturated lines).
    public var metallicity = 0.0
    /// Projected rotation v sin i in km/s; nil takes 5 km/s for cool stars and 120 km/s for OBA stars.
    public var vsini: Double?
    /// Hα emission equivalent width (Å) of an active M dwarf; 0 for none.
    public var hAlphaEmission = 0.0

    public init(effectiveTemperature: Double? = nil, metallicity: Double = 0, vsini: Double? = nil, hAlphaEmission: Double = 0) {
        self.effectiveTemperature = effectiveTemperature
        self.metallicity = metallicity
        self.vsini = vsini
        self.hAlphaEmission = hAlphaEmission
    }
}

/// Rest-frame stellar spectra (vacuum wavelengths, arbitrary scale): black-body continua with absorption
/// lines whose equivalent widths follow smooth empirical trends with T_eff (MK spectral classification:
/// Gray & Corbally 2009, "Stellar Spectral Classification"; the Jacoby, Hunter & Christian 1984 library).
public enum StellarModels {
    /// Balmer (Hβ) equivalent width in Å against T_eff: peaks near 9500 K (A0, ~13 Å), about 8 Å at F0, 3 Å
    /// for the Sun, under 1 Å for K5, falling more slowly into the B and O stars.
    public static func balmerEquivalentWidth(teff: Double) -> Double {
        let x = log(teff / 9500)
        let width = x < 0 ? 0.4 : 0.8
        return 13 * exp(-(x / width) * (x / width))
    }

    /// Ca II K equivalent width in Å: ~0.6 Å at A0 growing to ~19 Å in K stars.
    public static func caIIKEquivalentWidth(teff: Double) -> Double {
        0.5 + 19 / (1 + exp((teff - 6200) / 600))
    }

    /// Summed Ca II triplet equivalent width in Å: ~7 Å in G–K dwarfs falling to ~1 Å in A stars and
    /// ~4–5 Å in M dwarfs (Cenarro et al. 2001, MNRAS 326, 959).
    public static func calciumTripletEquivalentWidth(teff: Double) -> Double {
        let warm = 1 + 6.5 / (1 + exp((teff - 6500) / 700))
        return teff < 4000 ? warm * (0.55 + 0.45 * (teff - 2800) / 1200).clamped(0.55, 1) : warm
    }

    /// Summed Mg b equivalent width in Å, growing towards cool stars.
    public static func mgBEquivalentWidth(teff: Double) -> Double { 0.3 + 5 / (1 + exp((teff - 5800) / 500)) }

    /// Summed Na D equivalent width in Å, growing towards cool stars (very strong in M dwarfs).
    public static func naDEquivalentWidth(teff: Double) -> Double { 0.3 + 6 / (1 + exp((teff - 5300) / 400)) }

    /// Relative strengths of the Balmer lines (Hα … H9) against Hβ.
    static let balmerShares = [0.85, 1.0, 0.95, 0.9, 0.8, 0.7, 0.6]

    /// An FGK star: Planck continuum at T_eff with Balmer, Ca H&K, G band, Mg b, Na D and Ca triplet lines.
    public static func fgk(_ lambda: [Double], teff: Double, metallicity: Double, vsini: Double) -> [Double] {
        var flux = lambda.map { Continuum.planck($0, temperature: teff) }
        let metals = pow(10, 0.4 * metallicity)
        let broadening = vsini / 2
        // Balmer lines: Doppler core plus pressure wings, modelled as a wide Gaussian.
        let balmer = balmerEquivalentWidth(teff: teff)
        for (line, share) in zip(LineList.balmer, balmerShares) {
            LineProfile.absorbGaussian(&flux, lambda, center: line.vacuumWavelength, sigma: LineProfile.sigma(at: line.vacuumWavelength, velocity: broadening, intrinsic: 1.5 + 0.25 * balmer), ew: balmer * share, maxDepth: 0.75)
        }
        let k = caIIKEquivalentWidth(teff: teff) * metals
        let mgb = mgBEquivalentWidth(teff: teff) * metals
        let nad = naDEquivalentWidth(teff: teff) * metals
        let cat = calciumTripletEquivalentWidth(teff: teff) * metals
        let gBand = 6 / (1 + exp((teff - 6300) / 500)) * metals  // CH appears in late F and strengthens to K
        let metalLines: [(SpectralLine, Double, Double)] = [
            (LineList.caIIK, k, 3), (LineList.caIIH, 0.8 * k, 3), (LineList.gBand, gBand, 8),
            (LineList.mgB4, 0.25 * mgb, 0.4), (LineList.mgB2, 0.35 * mgb, 0.4), (LineList.mgB1, 0.4 * mgb, 0.4),
            (LineList.naD2, 0.55 * nad, 0.3), (LineList.naD1, 0.45 * nad, 0.3),
            // Ca triplet shares 0.2 : 0.45 : 0.35 (Cenarro et al. 2001 line indices).
            (LineList.caT1, 0.2 * cat, 0.8), (LineList.caT2, 0.45 * cat, 1.0), (LineList.caT3, 0.35 * cat, 0.9),
        ]
        for (line, ew, intrinsic) in metalLines {
            let c = line.vacuumWavelength
            LineProfile.absorbGaussian(&flux, lambda, center: c, sigma: LineProfile.sigma(at: c, velocity: broadening, intrinsic: intrinsic), ew: ew)
        }
        return flux
    }

    /// Relative depth scale of the TiO bands at T_eff: absent above 4000 K (K7), saturating near 2800 K (M6).
    public static func tioDepth(teff: Double) -> Double { ((4000 - teff) / 1200).clamped(0, 1) * 0.85 }

    /// An M dwarf: Planck continuum at T_eff carved by TiO bands (sharp heads, absorption fading to the red
    /// over ~150 Å) and strong Na D, Ca I 6122/6162, K I 7665/7699, Na I 8183/8195 and Ca triplet lines.
    public static func mDwarf(_ lambda: [Double], teff: Double, metallicity: Double, vsini: Double, hAlphaEmission: Double) -> [Double] {
        var flux = fgk(lambda, teff: teff, metallicity: metallicity, vsini: vsini)
        let depth = tioDepth(teff: teff)
        let heads = LineList.tioBandHeads.map { (WavelengthMedium.vacuumWavelength(air: $0.air), $0.relativeDepth) }
        for i in lambda.indices {
            var t = 1.0
            for (head, relative) in heads where lambda[i] >= head - 2 {
                let onset = Continuum.step(lambda[i], edge: head, width: 0.7)  // the head itself is sharp
                t *= 1 - depth * relative * onset * exp(-max(0, lambda[i] - head) / 150)
            }
            flux[i] *= t
        }
        let metals = pow(10, 0.4 * metallicity)
        let strength = 0.5 + 0.5 * ((4200 - teff) / 1200).clamped(0, 1)
        for (line, ew) in [(LineList.caI6122, 1.5), (LineList.caI6162, 1.5), (LineList.kI7665, 2.5), (LineList.kI7699, 2.0), (LineList.naI8183, 2.5), (LineList.naI8195, 3.0)] {
            let c = line.vacuumWavelength
            LineProfile.absorbGaussian(&flux, lambda, center: c, sigma: LineProfile.sigma(at: c, velocity: vsini / 2, intrinsic: 1.2), ew: ew * strength * metals)
        }
        if hAlphaEmission > 0 {
            let c = LineList.hAlpha.vacuumWavelength
            let continuum = Continuum.planck(c, temperature: teff)
            LineProfile.addGaussian(&flux, lambda, center: c, sigma: 1.0, lineFlux: hAlphaEmission * continuum)
        }
        return flux
    }

    /// Hβ equivalent width (Å) of a DA white dwarf: largest near 13 000 K (~60 Å), weaker for hotter and
    /// cooler atmospheres (Bergeron, Saffer & Liebert 1992, ApJ 394, 228, Fig. 1 trends).
    public static func whiteDwarfBalmerEquivalentWidth(teff: Double) -> Double {
        let x = log(teff / 13000) / 0.55
        return 5 + 55 * exp(-x * x)
    }

    /// A DA white dwarf: Planck continuum with Stark-broadened Balmer lines (Lorentzian profiles tens of Å
    /// wide, depth ≤ 0.65, the series overlapping towards the Balmer limit).
    public static func whiteDwarf(_ lambda: [Double], teff: Double) -> [Double] {
        var flux = lambda.map { Continuum.planck($0, temperature: teff) }
        let hBeta = whiteDwarfBalmerEquivalentWidth(teff: teff)
        let shares = [0.7, 1.0, 0.85, 0.7, 0.5, 0.35, 0.25]
        for (line, share) in zip(LineList.balmer, shares) {
            LineProfile.absorbLorentzian(&flux, lambda, center: line.vacuumWavelength, ew: hBeta * share, depth: 0.45 + 0.2 * share)
        }
        return flux
    }

    /// An O, B or A star: hot Planck continuum, Balmer lines at their T_eff strength, He I lines peaking near
    /// 20 000 K (B2) and He II lines above ~30 000 K (O stars), broadened by rotation.
    public static func oba(_ lambda: [Double], teff: Double, vsini: Double) -> [Double] {
        var flux = lambda.map { Continuum.planck($0, temperature: teff) }
        let balmer = balmerEquivalentWidth(teff: teff)
        for (line, share) in zip(LineList.balmer, balmerShares) {
            LineProfile.absorbLorentzian(&flux, lambda, center: line.vacuumWavelength, ew: balmer * share, depth: 0.6)
        }
        let x = log(teff / 20000) / 0.3
        let heI = 1.2 * exp(-x * x)
        let heII = 0.8 / (1 + exp(-(teff - 33000) / 2000))
        let broadening = vsini / 2
        for line in LineList.heI {
            LineProfile.absorbGaussian(&flux, lambda, center: line.vacuumWavelength, sigma: LineProfile.sigma(at: line.vacuumWavelength, velocity: broadening, intrinsic: 1.0), ew: heI)
        }
        for line in LineList.heII {
            LineProfile.absorbGaussian(&flux, lambda, center: line.vacuumWavelength, sigma: LineProfile.sigma(at: line.vacuumWavelength, velocity: broadening, intrinsic: 1.0), ew: heII)
        }
        let k = caIIKEquivalentWidth(teff: teff)  // interstellar-free photospheric Ca II K of late A stars
        LineProfile.absorbGaussian(&flux, lambda, center: LineList.caIIK.vacuumWavelength, sigma: LineProfile.sigma(at: LineList.caIIK.vacuumWavelength, velocity: broadening, intrinsic: 1.0), ew: k)
        return flux
    }
}

fileprivate extension Double {
    /// The value limited to [lo, hi].
    func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(Swift.max(self, lo), hi) }
}
