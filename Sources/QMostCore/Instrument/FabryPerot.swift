import Foundation

/// A Fabry–Pérot etalon lit by a continuum lamp: a comb of transmission peaks at λ_m = 2 n d cos θ / m with the
/// Airy profile T = 1 / (1 + (2F/π)² sin²(2π n d cos θ / λ)) (Born & Wolf, Principles of Optics §7.6).
/// Wavelengths are those in the gap medium: an air-spaced etalon with n = 1 gives air wavelengths.
public struct FabryPerot: Sendable, Equatable {
    /// Gap (mirror separation) d in Å.
    public var gap: Double
    /// Refractive index n of the gap.
    public var refractiveIndex: Double
    /// Angle of incidence θ in radians.
    public var angle: Double
    /// Reflective finesse F: the peak FWHM is the free spectral range divided by F.
    public var finesse: Double

    public init(gap: Double, refractiveIndex: Double = 1, angle: Double = 0, finesse: Double) {
        self.gap = gap
        self.refractiveIndex = refractiveIndex
        self.angle = angle
        self.finesse = finesse
    }

    /// LRS etalon: d = 0.30 mm gives a free spectral range λ²/2d of 2.3 Å at 3700 Å (≈2.4 resolution elements),
    /// 4.2 Å at 5000 Å (≈4) and 14 Å at 9200 Å (≈10); F = 20 keeps peaks (≤0.7 Å FWHM) narrower than R ≈ 4000–7700.
    /// ASSUMPTION: the 4MOST etalon parameters are not public.
    public static let lowResolution = FabryPerot(gap: 0.30e7, finesse: 20)

    /// HRS etalon: d = 1.25 mm, free spectral range 0.6–1.9 Å (≈3 resolution elements at R = 20000), F = 20. ASSUMPTION.
    public static let highResolution = FabryPerot(gap: 1.25e7, finesse: 20)

    /// The etalon for a resolution mode.
    public static func `default`(_ mode: ResolutionMode) -> FabryPerot { mode == .low ? lowResolution : highResolution }

    /// Optical path 2 n d cos θ in Å.
    public var opticalPath: Double { 2 * refractiveIndex * gap * cos(angle) }

    /// Transmission (0…1) at `wavelength` (Å).
    public func transmission(at wavelength: Double) -> Double {
        let coefficient = pow(2 * finesse / Double.pi, 2)
        let s = sin(Double.pi * opticalPath / wavelength)
        return 1 / (1 + coefficient * s * s)
    }

    /// Free spectral range λ²/(2 n d cos θ) at `wavelength` (Å), the spacing of neighbouring peaks.
    public func freeSpectralRange(at wavelength: Double) -> Double { wavelength * wavelength / opticalPath }

    /// Peak FWHM in Å at `wavelength`.
    public func peakFWHM(at wavelength: Double) -> Double { freeSpectralRange(at: wavelength) / finesse }

    /// Interference order m and peak wavelength 2 n d cos θ / m of every peak inside `range` (Å), blue to red.
    public func peaks(in range: ClosedRange<Double>) -> [(order: Int, wavelength: Double)] {
        let path = opticalPath
        let highest = Int((path / range.lowerBound).rounded(.down))
        let lowest = Int((path / range.upperBound).rounded(.up))
        guard highest >= lowest, lowest > 0 else { return [] }
        return (lowest...highest).reversed().map { (order: $0, wavelength: path / Double($0)) }
    }
}
