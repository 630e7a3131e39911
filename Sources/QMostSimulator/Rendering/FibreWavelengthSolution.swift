import Foundation
import QMostCore

/// Where wavelengths fall along one fibre's trace: the arm's linear dispersion seen through a small per-fibre
/// shift and a spectral curvature common to the arm.
///
/// λ(x) = λ_lin(x + shift + curvature·t²), t = (x − c)/c with c the central column, λ_lin the arm's nominal
/// pixel-to-wavelength relation (``ArmModel/wavelength(atPixel:)``). Real cameras image a straight slit as a
/// curved line along the spatial direction, so each fibre's spectrum is displaced along the dispersion by an
/// amount that depends on its slit position (the "shift") and the displacement grows towards the detector's
/// ends (the "curvature"); ASSUMPTION: ±0.6 px across the slit and 0.8 px at the ends, the magnitudes of the
/// VLT multi-object spectrographs (no 4MOST distortion map is public, datamodel §8). In pixel terms this is an
/// exact quadratic, λ = a₀ + a₁x + a₂x², the form the truth tables record.
public struct FibreWavelengthSolution: Sendable, Equatable {
    /// λ = a₀ + a₁x + a₂x² (Å) at 0-based trimmed column x (pixel centres at integers).
    public let coefficients: [Double]
    /// Pixel count along the dispersion.
    public let columns: Int

    /// The solution of a fibre at normalised slit coordinate `u` ∈ [−1, 1] on `arm`, with an extra random
    /// shift `jitter` (pixels; fibre-to-fibre placement error in the slit block).
    public init(arm: ArmModel, slitCoordinate u: Double, jitter: Double, curvature: Double = Self.defaultCurvature,
                slitTilt: Double = Self.defaultSlitTilt) {
        let n = arm.spectralPixels
        let c = 0.5 * Double(n - 1)
        let shift = slitTilt * u + jitter
        // λ_lin(p) = λ₀ + (p + 0.5)·d with p = x + shift + k(x − c)²/c²
        let d = arm.dispersion, l0 = arm.wavelengthRange.lowerBound
        let k = curvature / (c * c)
        let a0 = l0 + d * (0.5 + shift + k * c * c)
        let a1 = d * (1 - 2 * k * c)
        let a2 = d * k
        self.coefficients = [a0, a1, a2]
        self.columns = n
    }

    private init(coefficients: [Double], columns: Int) {
        self.coefficients = coefficients
        self.columns = columns
    }

    /// The solution with λ(x) lowered by `shift` Å everywhere.
    public func shifted(by shift: Double) -> FibreWavelengthSolution {
        FibreWavelengthSolution(coefficients: [coefficients[0] - shift] + coefficients.dropFirst(), columns: columns)
    }

    /// Spectral curvature at the detector ends in pixels (ASSUMPTION, see the type's documentation).
    public static let defaultCurvature = 0.8
    /// Shift between the two ends of the slit in pixels, ± this value (ASSUMPTION).
    public static let defaultSlitTilt = 0.6

    /// Wavelength (Å) at fractional column `x`.
    @inline(__always)
    public func wavelength(atColumn x: Double) -> Double {
        coefficients[0] + x * (coefficients[1] + x * coefficients[2])
    }

    /// dλ/dx (Å per pixel) at fractional column `x`.
    @inline(__always)
    public func dispersion(atColumn x: Double) -> Double { coefficients[1] + 2 * coefficients[2] * x }

    /// The fractional column where `wavelength` falls (Newton's method from the linear guess).
    public func column(atWavelength wavelength: Double) -> Double {
        var x = (wavelength - coefficients[0]) / coefficients[1]
        for _ in 0..<4 { x -= (self.wavelength(atColumn: x) - wavelength) / dispersion(atColumn: x) }
        return x
    }
}
