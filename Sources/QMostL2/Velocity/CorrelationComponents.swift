import Foundation

/// Counts the components of a cross-correlation function by its successive derivatives (seed 10.1.1.4: DOE,
/// Merle et al. 2017, A&A 608, A95): each component is a local minimum of the smoothed CCF's second derivative,
/// found as an ascending zero of the third derivative, where the second derivative dips below `threshold`
/// times its deepest minimum and the CCF itself stands above `floor` times its peak. Two components closer than
/// a resolution element still bend the CCF's curvature apart, so a blend without two maxima is still counted.
enum CorrelationComponents {
    /// The lags (fractional, in CCF samples) of the components of `ccf`, strongest first; `smoothing` is the
    /// Gaussian σ in samples the derivatives are taken after; a weaker candidate within `separation` samples of a
    /// stronger one is the same component's shoulder (a template's broad wings under its sharp core), not a star.
    static func find(_ ccf: [Double], smoothing: Double, separation: Double, threshold: Double = 0.3, floor: Double = 0.3) -> [Double] {
        let n = ccf.count
        guard n >= 9 else { return [] }
        let smooth = gaussianSmoothed(ccf, sigma: max(smoothing, 0.5))
        // The baseline the heights are measured from: the CCF's median away from its peak.
        var sorted = smooth
        sorted.sort()
        let baseline = sorted[n / 2]
        guard let top = smooth.max(), top > baseline else { return [] }
        let d1 = derivative(smooth), d2 = derivative(d1), d3 = derivative(d2)
        guard let deepest = d2.min(), deepest < 0 else { return [] }
        var found: [(lag: Double, depth: Double)] = []
        for i in 2..<(n - 3) where d3[i] < 0 && d3[i + 1] >= 0 {
            let x = Double(i) + d3[i] / (d3[i] - d3[i + 1])
            let j = Int(x.rounded())
            guard d2[j] < threshold * deepest, smooth[j] - baseline > floor * (top - baseline) else { continue }
            found.append((x, d2[j]))
        }
        var kept: [Double] = []
        for candidate in found.sorted(by: { $0.depth < $1.depth }) where kept.allSatisfy({ abs($0 - candidate.lag) >= separation }) {
            kept.append(candidate.lag)
        }
        return kept
    }

    /// Central differences (one-sided at the ends).
    static func derivative(_ y: [Double]) -> [Double] {
        let n = y.count
        return (0..<n).map { i in
            i == 0 ? y[1] - y[0] : i == n - 1 ? y[n - 1] - y[n - 2] : 0.5 * (y[i + 1] - y[i - 1])
        }
    }

    /// `y` convolved with a normalised Gaussian of σ `sigma` samples, the ends held flat.
    static func gaussianSmoothed(_ y: [Double], sigma: Double) -> [Double] {
        let reach = Int((4 * sigma).rounded(.up))
        let kernel = (-reach...reach).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
        let total = kernel.reduce(0, +)
        let n = y.count
        return (0..<n).map { i in
            var sum = 0.0
            for (k, w) in kernel.enumerated() { sum += w * y[min(max(i + k - reach, 0), n - 1)] }
            return sum / total
        }
    }
}
