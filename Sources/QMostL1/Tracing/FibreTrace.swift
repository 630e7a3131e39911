import Foundation

/// Where one fibre's spectrum runs on a detector: the centre row y(x) = Σ cₖ xᵏ and the core width along the
/// trace, both polynomials in the 0-based trimmed column x.
public struct FibreTrace: Sendable, Equatable {
    /// 1-based position on the slit (from the slit design).
    public var slitPosition: Int
    /// Centre-row polynomial coefficients, lowest order first.
    public var centre: [Double]
    /// Gaussian σ of the profile core (rows) against the column, polynomial coefficients.
    public var width: [Double]
    /// rms of the measured centres about the polynomial (rows) and how many blocks it used.
    public var rms: Double
    public var blocks: Int

    /// The centre row at column `x`.
    public func row(at x: Double) -> Double { Polynomial.evaluate(centre, at: x) }

    /// The core σ at column `x`.
    public func sigma(at x: Double) -> Double { Polynomial.evaluate(width, at: x) }
}

/// Least-squares polynomials.
public enum Polynomial {
    /// Σ cₖ xᵏ.
    @inline(__always)
    public static func evaluate(_ c: [Double], at x: Double) -> Double {
        var v = 0.0
        for k in stride(from: c.count - 1, through: 0, by: -1) { v = v * x + c[k] }
        return v
    }

    /// The degree-`degree` polynomial through (x, y) by least squares (normal equations on x scaled to [−1, 1]
    /// for conditioning), with weights `w`; nil when there are too few points.
    public static func fit(x: [Double], y: [Double], weights w: [Double]? = nil, degree: Int) -> [Double]? {
        let n = degree + 1
        guard x.count >= n, let lo = x.min(), let hi = x.max(), hi > lo else { return nil }
        let mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo)
        var a = [Double](repeating: 0, count: n * n), b = [Double](repeating: 0, count: n)
        for i in x.indices {
            let t = (x[i] - mid) / half, wi = w?[i] ?? 1
            var p = [Double](repeating: 1, count: 2 * n)
            for k in 1..<(2 * n) { p[k] = p[k - 1] * t }
            for r in 0..<n {
                b[r] += wi * p[r] * y[i]
                for c in 0..<n { a[r * n + c] += wi * p[r + c] }
            }
        }
        guard let scaled = solve(a, b, n) else { return nil }
        // Back to powers of x: Σ sₖ ((x − mid)/half)ᵏ expanded binomially.
        var coefficients = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let sk = scaled[k] / pow(half, Double(k))
            for j in 0...k {
                coefficients[j] += sk * binomial(k, j) * pow(-mid, Double(k - j))
            }
        }
        return coefficients
    }

    static func binomial(_ n: Int, _ k: Int) -> Double {
        var r = 1.0
        for i in 0..<k { r = r * Double(n - i) / Double(i + 1) }
        return r
    }

    /// Gaussian elimination with partial pivoting for a small dense system.
    static func solve(_ a: [Double], _ b: [Double], _ n: Int) -> [Double]? {
        var m = a, v = b
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<n where abs(m[r * n + col]) > abs(m[pivot * n + col]) { pivot = r }
            guard abs(m[pivot * n + col]) > 1e-300 else { return nil }
            if pivot != col {
                for c in 0..<n { m.swapAt(col * n + c, pivot * n + c) }
                v.swapAt(col, pivot)
            }
            for r in (col + 1)..<n {
                let f = m[r * n + col] / m[col * n + col]
                for c in col..<n { m[r * n + c] -= f * m[col * n + c] }
                v[r] -= f * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = v[r]
            for c in (r + 1)..<n { s -= m[r * n + c] * x[c] }
            x[r] = s / m[r * n + r]
        }
        return x
    }
}
