import Foundation
import QMostL1

/// Small robust statistics the QA measures with.
enum SampleStatistics {
    /// ``RobustStatistics/median(_:)``, NaN when empty (an unmeasured QA number).
    static func median(_ values: [Double]) -> Double { RobustStatistics.median(values) ?? .nan }

    /// ``RobustStatistics/madSigma(_:around:)`` about the median: σ for Gaussian values, robust to outliers.
    static func robustSigma(_ values: [Double]) -> Double {
        guard values.count > 1 else { return .nan }
        return RobustStatistics.madSigma(values, around: median(values))
    }

    /// The mean of the values between the 10th and 90th percentiles (the seed's "median of the 10%–90% range").
    static func trimmedMean(_ values: [Double], low: Double = 0.1, high: Double = 0.9) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        let a = Int(Double(s.count - 1) * low), b = max(a, Int(Double(s.count - 1) * high))
        let kept = s[a...b]
        return kept.reduce(0, +) / Double(kept.count)
    }

    /// The two-sample Kolmogorov–Smirnov probability that `a` and `b` come from one distribution (the asymptotic
    /// Kolmogorov series with Stephens' small-sample correction, Numerical Recipes §14.3); nil when either is empty.
    static func ksProbability(_ a: [Double], _ b: [Double]) -> Double? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, d = 0.0
        while i < x.count && j < y.count {
            let v = min(x[i], y[j])
            while i < x.count && x[i] <= v { i += 1 }
            while j < y.count && y[j] <= v { j += 1 }
            d = max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        let ne = Double(x.count * y.count) / Double(x.count + y.count)
        let root = ne.squareRoot()
        let lambda = (root + 0.12 + 0.11 / root) * d
        guard lambda > 0 else { return 1 }
        var sum = 0.0, sign = 1.0
        for k in 1...100 {
            let term = sign * 2 * exp(-2 * lambda * lambda * Double(k * k))
            sum += term
            if abs(term) < 1e-10 * abs(sum) || abs(term) < 1e-300 { break }
            sign = -sign
        }
        return min(max(sum, 0), 1)
    }

    /// A running median over `width` bins (odd), computed on every `step`-th bin and held between them: the sky's
    /// continuum under its lines.
    static func runningMedian(_ values: [Double], width: Int) -> [Double] {
        let n = values.count, half = width / 2
        guard n > 0 else { return [] }
        let step = max(1, width / 8)
        var out = [Double](repeating: .nan, count: n)
        var centres: [(Int, Double)] = []
        for c in stride(from: 0, to: n, by: step) {
            let window = values[max(0, c - half)..<min(n, c + half + 1)].filter(\.isFinite)
            centres.append((c, window.isEmpty ? .nan : median(window)))
        }
        for (k, (c, v)) in centres.enumerated() {
            let next = k + 1 < centres.count ? centres[k + 1] : (n, v)
            for i in c..<next.0 {
                let t = Double(i - c) / Double(max(next.0 - c, 1))
                out[i] = v.isFinite && next.1.isFinite ? v + t * (next.1 - v) : v
            }
        }
        return out
    }
}
