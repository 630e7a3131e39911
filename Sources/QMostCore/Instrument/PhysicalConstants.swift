import Foundation

/// Constants of the photon-counting formulae.
public enum PhysicalConstants {
    /// h·c in erg·Å: 6.62607015e-27 erg s × 2.99792458e18 Å/s (CODATA 2018 exact values).
    public static let hcErgAngstrom = 6.62607015e-27 * 2.99792458e18
    /// Speed of light in Å/s (exact).
    public static let speedOfLightAngstromPerSecond = 2.99792458e18
    /// Speed of light in km/s (exact), the unit of radial velocities.
    public static let speedOfLightKmPerSecond = 299_792.458

    /// F_λ in erg/s/cm²/Å of an AB magnitude at `wavelength` (Å): F_ν = 10^(−0.4(m + 48.60)) erg/s/cm²/Hz
    /// (Oke & Gunn 1983), F_λ = F_ν c/λ².
    public static func flambda(abMagnitude m: Double, at wavelength: Double) -> Double {
        pow(10, -0.4 * (m + 48.60)) * speedOfLightAngstromPerSecond / (wavelength * wavelength)
    }

    /// The AB magnitude of F_λ (erg/s/cm²/Å) at `wavelength` (Å); inverse of ``flambda(abMagnitude:at:)``.
    public static func abMagnitude(flambda: Double, at wavelength: Double) -> Double {
        -2.5 * log10(flambda * wavelength * wavelength / speedOfLightAngstromPerSecond) - 48.60
    }

    /// Air wavelength (Å) to vacuum: λ_vac = n λ_air with the Ciddor (1996) refractive index in the IAU standard
    /// form of Morton (2000, ApJS 130, 403, eq. 8), σ = 10⁴/λ in µm⁻¹ (the formula is evaluated at λ_air, good to
    /// ~0.001 Å in the optical).
    public static func vacuumWavelength(fromAir air: Double) -> Double {
        let s2 = pow(1e4 / air, 2)
        let n = 1 + 8.34254e-5 + 2.406147e-2 / (130 - s2) + 1.5998e-4 / (38.9 - s2)
        return air * n
    }
}

