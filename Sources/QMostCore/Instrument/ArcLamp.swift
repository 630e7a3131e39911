/// One arc-lamp emission line.
public struct ArcLine: Sendable, Equatable {
    /// Air wavelength in Å.
    public var wavelength: Double
    /// Relative intensity on the NIST ASD scale (larger is brighter; comparable within one species only roughly).
    public var intensity: Double
    /// Emitting species, e.g. "Ar I".
    public var species: String

    public init(wavelength: Double, intensity: Double, species: String) {
        self.wavelength = wavelength
        self.intensity = intensity
        self.species = species
    }
}

/// A thorium–argon hollow-cathode lamp as a line list (AIR wavelengths, Å).
///
/// Ar I and Ar II wavelengths and relative intensities: NIST Atomic Spectra Database (Ar I: Reader et al. 1980,
/// NSRDS-NBS 68; the red Ar I set 6965–9355 Å is the standard one used by HgAr/ThAr atlases). Th I wavelengths:
/// Palmer & Engleman (1983) as adopted by Lovis & Pepe (2007, A&A 468, 1115); their intensities here are
/// APPROXIMATE, placed on the Ar II scale. In a real ThAr lamp the argon red lines dominate the red and thorium
/// the blue; intensities are relative only.
public struct ArcLamp: Sendable, Equatable {
    public var name: String
    public var lines: [ArcLine]

    public init(name: String, lines: [ArcLine]) {
        self.name = name
        self.lines = lines.sorted { $0.wavelength < $1.wavelength }
    }

    /// The default ThAr lamp.
    public static let thoriumArgon = ArcLamp(name: "ThAr", lines: thoriumArgonLines)

    /// Lines within `range` (Å).
    public func lines(in range: ClosedRange<Double>) -> [ArcLine] { lines.filter { range.contains($0.wavelength) } }

    /// The brightest intensity in the list, for normalising.
    public var maximumIntensity: Double { lines.map(\.intensity).max() ?? 0 }

    static let thoriumArgonLines: [ArcLine] = [
        // Th I (Palmer & Engleman 1983 / Lovis & Pepe 2007), approximate intensities
        ArcLine(wavelength: 4019.1290, intensity: 800, species: "Th I"),
        ArcLine(wavelength: 4381.8602, intensity: 400, species: "Th I"),
        ArcLine(wavelength: 4391.1100, intensity: 400, species: "Th I"),
        ArcLine(wavelength: 5760.5508, intensity: 300, species: "Th I"),
        ArcLine(wavelength: 6457.2822, intensity: 300, species: "Th I"),
        ArcLine(wavelength: 6531.3418, intensity: 300, species: "Th I"),
        ArcLine(wavelength: 6662.2686, intensity: 300, species: "Th I"),
        // Ar II (NIST ASD)
        ArcLine(wavelength: 3729.309, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 4103.912, intensity: 200, species: "Ar II"),
        ArcLine(wavelength: 4131.724, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 4277.528, intensity: 500, species: "Ar II"),
        ArcLine(wavelength: 4348.064, intensity: 800, species: "Ar II"),
        ArcLine(wavelength: 4426.001, intensity: 500, species: "Ar II"),
        ArcLine(wavelength: 4545.052, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 4579.350, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 4589.898, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 4609.567, intensity: 550, species: "Ar II"),
        ArcLine(wavelength: 4657.901, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 4726.868, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 4735.906, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 4764.865, intensity: 550, species: "Ar II"),
        ArcLine(wavelength: 4806.020, intensity: 550, species: "Ar II"),
        ArcLine(wavelength: 4847.810, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 4879.864, intensity: 800, species: "Ar II"),
        ArcLine(wavelength: 4965.080, intensity: 400, species: "Ar II"),
        ArcLine(wavelength: 5062.037, intensity: 250, species: "Ar II"),
        // Ar I blue and green (NIST ASD)
        ArcLine(wavelength: 4158.590, intensity: 400, species: "Ar I"),
        ArcLine(wavelength: 4164.180, intensity: 50, species: "Ar I"),
        ArcLine(wavelength: 4181.884, intensity: 50, species: "Ar I"),
        ArcLine(wavelength: 4190.713, intensity: 100, species: "Ar I"),
        ArcLine(wavelength: 4198.317, intensity: 200, species: "Ar I"),
        ArcLine(wavelength: 4200.674, intensity: 400, species: "Ar I"),
        ArcLine(wavelength: 4259.362, intensity: 200, species: "Ar I"),
        ArcLine(wavelength: 4266.286, intensity: 100, species: "Ar I"),
        ArcLine(wavelength: 4272.169, intensity: 150, species: "Ar I"),
        ArcLine(wavelength: 4300.101, intensity: 100, species: "Ar I"),
        ArcLine(wavelength: 4333.561, intensity: 100, species: "Ar I"),
        ArcLine(wavelength: 4510.733, intensity: 100, species: "Ar I"),
        ArcLine(wavelength: 5162.285, intensity: 35, species: "Ar I"),
        ArcLine(wavelength: 5187.746, intensity: 35, species: "Ar I"),
        ArcLine(wavelength: 5495.874, intensity: 25, species: "Ar I"),
        ArcLine(wavelength: 5558.702, intensity: 50, species: "Ar I"),
        ArcLine(wavelength: 5606.733, intensity: 35, species: "Ar I"),
        ArcLine(wavelength: 5650.704, intensity: 25, species: "Ar I"),
        ArcLine(wavelength: 5739.520, intensity: 25, species: "Ar I"),
        ArcLine(wavelength: 5888.584, intensity: 50, species: "Ar I"),
        ArcLine(wavelength: 6032.127, intensity: 70, species: "Ar I"),
        ArcLine(wavelength: 6043.223, intensity: 35, species: "Ar I"),
        ArcLine(wavelength: 6416.307, intensity: 70, species: "Ar I"),
        ArcLine(wavelength: 6677.282, intensity: 100, species: "Ar I"),
        ArcLine(wavelength: 6752.834, intensity: 150, species: "Ar I"),
        ArcLine(wavelength: 6871.289, intensity: 150, species: "Ar I"),
        ArcLine(wavelength: 6937.664, intensity: 50, species: "Ar I"),
        // Ar I red (NIST ASD)
        ArcLine(wavelength: 6965.431, intensity: 10000, species: "Ar I"),
        ArcLine(wavelength: 7030.251, intensity: 150, species: "Ar I"),
        ArcLine(wavelength: 7067.218, intensity: 10000, species: "Ar I"),
        ArcLine(wavelength: 7147.042, intensity: 1000, species: "Ar I"),
        ArcLine(wavelength: 7206.980, intensity: 50, species: "Ar I"),
        ArcLine(wavelength: 7272.936, intensity: 2000, species: "Ar I"),
        ArcLine(wavelength: 7372.118, intensity: 200, species: "Ar I"),
        ArcLine(wavelength: 7383.980, intensity: 10000, species: "Ar I"),
        ArcLine(wavelength: 7503.869, intensity: 20000, species: "Ar I"),
        ArcLine(wavelength: 7514.652, intensity: 15000, species: "Ar I"),
        ArcLine(wavelength: 7635.106, intensity: 25000, species: "Ar I"),
        ArcLine(wavelength: 7723.761, intensity: 15000, species: "Ar I"),
        ArcLine(wavelength: 7724.207, intensity: 10000, species: "Ar I"),
        ArcLine(wavelength: 7948.176, intensity: 20000, species: "Ar I"),
        ArcLine(wavelength: 8006.157, intensity: 20000, species: "Ar I"),
        ArcLine(wavelength: 8014.786, intensity: 25000, species: "Ar I"),
        ArcLine(wavelength: 8103.693, intensity: 20000, species: "Ar I"),
        ArcLine(wavelength: 8115.311, intensity: 35000, species: "Ar I"),
        ArcLine(wavelength: 8264.522, intensity: 10000, species: "Ar I"),
        ArcLine(wavelength: 8408.210, intensity: 15000, species: "Ar I"),
        ArcLine(wavelength: 8424.648, intensity: 20000, species: "Ar I"),
        ArcLine(wavelength: 8521.442, intensity: 15000, species: "Ar I"),
        ArcLine(wavelength: 8667.944, intensity: 4500, species: "Ar I"),
        ArcLine(wavelength: 9122.967, intensity: 35000, species: "Ar I"),
        ArcLine(wavelength: 9224.499, intensity: 15000, species: "Ar I"),
        ArcLine(wavelength: 9354.220, intensity: 1600, species: "Ar I"),
    ]
}
