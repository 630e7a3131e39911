/// One night-sky emission line: air wavelength (Å) and typical zenith intensity in rayleigh.
public struct SkyLine: Sendable, Equatable {
    public var wavelength: Double
    public var rayleigh: Double
    public var species: String

    public init(wavelength: Double, rayleigh: Double, species: String) {
        self.wavelength = wavelength
        self.rayleigh = rayleigh
        self.species = species
    }
}

/// Night-sky emission line tables (air wavelengths, Å).
public enum SkyLines {
    /// Atomic airglow. Wavelengths: [OI] 5577.338/6300.304/6363.780 and Na D 5889.953/5895.923 as in the ESO
    /// FORS/MOSES default sky-line catalogue (Osterbrock et al. 1996, PASP 108, 277). Intensities: typical Paranal
    /// values (Patat 2008, A&A 481, 575: [OI]5577 ≈ 250 R, [OI]6300 ≈ 100–200 R; [OI]6364 = 6300/3.1 by the
    /// transition-probability ratio; Na D ≈ 30–60 R in sum). They vary by ±50% with solar cycle and season.
    public static let atomic: [SkyLine] = [
        SkyLine(wavelength: 5577.338, rayleigh: 250, species: "[OI]"),
        SkyLine(wavelength: 5889.953, rayleigh: 30, species: "NaI D2"),
        SkyLine(wavelength: 5895.923, rayleigh: 15, species: "NaI D1"),
        SkyLine(wavelength: 6300.304, rayleigh: 140, species: "[OI]"),
        SkyLine(wavelength: 6363.780, rayleigh: 45, species: "[OI]"),
    ]

    /// Light-pollution mercury lines (Hg I 4046.56, 4358.34, 5460.74, 5769.60, 5790.66; NIST/Osterbrock & Martel
    /// 1992). Negligible at Paranal; included only when a model asks for light pollution. Intensities ASSUMED.
    public static let lightPollution: [SkyLine] = [
        SkyLine(wavelength: 4046.565, rayleigh: 5, species: "HgI"),
        SkyLine(wavelength: 4358.335, rayleigh: 10, species: "HgI"),
        SkyLine(wavelength: 5460.750, rayleigh: 12, species: "HgI"),
        SkyLine(wavelength: 5769.610, rayleigh: 4, species: "HgI"),
        SkyLine(wavelength: 5790.670, rayleigh: 4, species: "HgI"),
    ]

    /// The strongest OH Meinel lines between 6800 and 9550 Å. Wavelengths: Osterbrock et al. (1996, PASP 108, 277;
    /// 1997, PASP 109, 614) as carried by the ESO FORS/MOSES pipeline's default sky-line catalogue (moses.c) and
    /// the Osterbrock-based isolated-line list of the M2FS/IFUM reduction (λ > 9000 Å). Intensities in rayleigh are
    /// APPROXIMATE (factor ~2), scaled per band to the relative Meinel band strengths of Rousselot et al. (2000,
    /// A&A 354, 1134): (7-2) < (8-3) ≈ (9-4) < (5-1) < (6-2) ≈ (7-3) ≈ (8-4), P1 lines the strongest in each band.
    public static let hydroxyl: [SkyLine] = [
        // (7-2) band
        SkyLine(wavelength: 6841.945, rayleigh: 12, species: "OH 7-2"),
        SkyLine(wavelength: 6863.955, rayleigh: 30, species: "OH 7-2"),
        SkyLine(wavelength: 6870.994, rayleigh: 10, species: "OH 7-2"),
        SkyLine(wavelength: 6889.288, rayleigh: 15, species: "OH 7-2"),
        SkyLine(wavelength: 6900.833, rayleigh: 12, species: "OH 7-2"),
        SkyLine(wavelength: 6912.623, rayleigh: 15, species: "OH 7-2"),
        SkyLine(wavelength: 6923.220, rayleigh: 25, species: "OH 7-2"),
        SkyLine(wavelength: 6939.521, rayleigh: 15, species: "OH 7-2"),
        SkyLine(wavelength: 6969.930, rayleigh: 12, species: "OH 7-2"),
        SkyLine(wavelength: 7003.858, rayleigh: 10, species: "OH 7-2"),
        // (8-3) band
        SkyLine(wavelength: 7244.907, rayleigh: 20, species: "OH 8-3"),
        SkyLine(wavelength: 7276.405, rayleigh: 40, species: "OH 8-3"),
        SkyLine(wavelength: 7284.439, rayleigh: 20, species: "OH 8-3"),
        SkyLine(wavelength: 7316.282, rayleigh: 45, species: "OH 8-3"),
        SkyLine(wavelength: 7329.148, rayleigh: 25, species: "OH 8-3"),
        SkyLine(wavelength: 7340.885, rayleigh: 40, species: "OH 8-3"),
        SkyLine(wavelength: 7358.659, rayleigh: 25, species: "OH 8-3"),
        // (9-4) band
        SkyLine(wavelength: 7750.640, rayleigh: 35, species: "OH 9-4"),
        SkyLine(wavelength: 7759.996, rayleigh: 15, species: "OH 9-4"),
        SkyLine(wavelength: 7794.112, rayleigh: 40, species: "OH 9-4"),
        SkyLine(wavelength: 7808.467, rayleigh: 20, species: "OH 9-4"),
        SkyLine(wavelength: 7821.503, rayleigh: 45, species: "OH 9-4"),
        SkyLine(wavelength: 7841.266, rayleigh: 20, species: "OH 9-4"),
        // (5-1) band
        SkyLine(wavelength: 7913.708, rayleigh: 60, species: "OH 5-1"),
        SkyLine(wavelength: 7949.204, rayleigh: 30, species: "OH 5-1"),
        SkyLine(wavelength: 7964.650, rayleigh: 70, species: "OH 5-1"),
        SkyLine(wavelength: 7993.332, rayleigh: 75, species: "OH 5-1"),
        SkyLine(wavelength: 8014.059, rayleigh: 35, species: "OH 5-1"),
        // (6-2) band
        SkyLine(wavelength: 8310.719, rayleigh: 45, species: "OH 6-2"),
        SkyLine(wavelength: 8344.602, rayleigh: 110, species: "OH 6-2"),
        SkyLine(wavelength: 8382.392, rayleigh: 70, species: "OH 6-2"),
        SkyLine(wavelength: 8399.170, rayleigh: 100, species: "OH 6-2"),
        SkyLine(wavelength: 8415.231, rayleigh: 60, species: "OH 6-2"),
        SkyLine(wavelength: 8430.174, rayleigh: 95, species: "OH 6-2"),
        SkyLine(wavelength: 8452.250, rayleigh: 50, species: "OH 6-2"),
        SkyLine(wavelength: 8465.208, rayleigh: 80, species: "OH 6-2"),
        SkyLine(wavelength: 8493.389, rayleigh: 80, species: "OH 6-2"),
        // (7-3) band
        SkyLine(wavelength: 8791.186, rayleigh: 60, species: "OH 7-3"),
        SkyLine(wavelength: 8827.096, rayleigh: 130, species: "OH 7-3"),
        SkyLine(wavelength: 8885.850, rayleigh: 120, species: "OH 7-3"),
        SkyLine(wavelength: 8903.114, rayleigh: 60, species: "OH 7-3"),
        SkyLine(wavelength: 8943.395, rayleigh: 110, species: "OH 7-3"),
        SkyLine(wavelength: 8988.366, rayleigh: 110, species: "OH 7-3"),
        SkyLine(wavelength: 9001.115, rayleigh: 50, species: "OH 7-3"),
        SkyLine(wavelength: 9037.952, rayleigh: 50, species: "OH 7-3"),
        SkyLine(wavelength: 9049.232, rayleigh: 40, species: "OH 7-3"),
        // (8-4) band
        SkyLine(wavelength: 9375.961, rayleigh: 110, species: "OH 8-4"),
        SkyLine(wavelength: 9419.729, rayleigh: 90, species: "OH 8-4"),
        SkyLine(wavelength: 9439.650, rayleigh: 120, species: "OH 8-4"),
        SkyLine(wavelength: 9458.528, rayleigh: 70, species: "OH 8-4"),
        SkyLine(wavelength: 9476.912, rayleigh: 90, species: "OH 8-4"),
        SkyLine(wavelength: 9502.815, rayleigh: 80, species: "OH 8-4"),
        SkyLine(wavelength: 9519.527, rayleigh: 60, species: "OH 8-4"),
    ]
}
