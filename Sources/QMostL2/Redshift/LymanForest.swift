import Foundation

/// The mean transmission of the Lyman-α forest.
enum LymanForest {
    static let lymanAlpha = 1215.67
    static let lymanBeta = 1025.72

    /// exp(−τ_eff) at observed vacuum wavelength λ (Å) for absorbers at z = λ/1215.67 − 1, with
    /// τ_eff = 5.54×10⁻³ (1+z)^3.182 (Kamble et al. 2020, ApJ 892, 70: the model redrock's quasar templates were
    /// corrected with).
    static func meanTransmission(observed lambda: Double) -> Double {
        let onePlusZ = lambda / lymanAlpha
        guard onePlusZ > 1 else { return 1 }
        return exp(-5.54e-3 * pow(onePlusZ, 3.182))
    }
}
