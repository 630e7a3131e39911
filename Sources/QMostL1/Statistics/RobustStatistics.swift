import Foundation

/// Robust location and scale of samples, as the calibration recipes use them to reject cosmic rays, hot pixels
/// and other outliers (seed 9.1.2–9.1.8).
public enum RobustStatistics {
    /// The median (mean of the middle two for an even count); nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        var v = values
        return medianInPlace(&v)
    }

    /// The median, sorting `values` in place.
    public static func medianInPlace(_ values: inout [Double]) -> Double {
        values.sort()
        let n = values.count
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2])
    }

    /// The median absolute deviation scaled to a Gaussian σ (×1.4826).
    public static func madSigma(_ values: [Double], around centre: Double) -> Double {
        var deviations = values.map { abs($0 - centre) }
        return deviations.isEmpty ? 0 : 1.482_602_218_505_602 * medianInPlace(&deviations)
    }

    /// Mean and standard deviation after iterative κσ clipping about the median, σ from the MAD at first and from
    /// the kept values afterwards; with the number kept.
    public static func clippedMean(_ values: [Double], kappa: Double = 3, iterations: Int = 5) -> (mean: Double, sigma: Double, kept: Int) {
        guard !values.isEmpty else { return (.nan, .nan, 0) }
        var centre = median(values)!
        var sigma = madSigma(values, around: centre)
        var kept = values
        for _ in 0..<iterations {
            guard sigma > 0 else { break }
            let next = values.filter { abs($0 - centre) <= kappa * sigma }
            guard !next.isEmpty else { break }
            let mean = next.reduce(0, +) / Double(next.count)
            let s = next.count > 1 ? (next.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(next.count - 1)).squareRoot() : 0
            let converged = next.count == kept.count
            kept = next
            centre = mean
            // Clipping at κσ trims the Gaussian's tails; scale σ back (for κ = 3 the clipped σ is 0.9866 of the true one).
            sigma = s / clippedSigmaFactor(kappa)
            if converged { break }
        }
        let mean = kept.reduce(0, +) / Double(kept.count)
        return (mean, sigma, kept.count)
    }

    /// The standard deviation of a unit Gaussian truncated at ±κ: √(1 − 2κφ(κ)/(2Φ(κ) − 1)).
    public static func clippedSigmaFactor(_ kappa: Double) -> Double {
        let phi = exp(-0.5 * kappa * kappa) / (2 * Double.pi).squareRoot()
        let inside = erf(kappa / 2.0.squareRoot())
        return (1 - 2 * kappa * phi / inside).squareRoot()
    }
}
