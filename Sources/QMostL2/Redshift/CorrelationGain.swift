/// The χ² a linear fit gains, from its normal equations, for the cross-correlation scan of 4XP-Z.
enum CorrelationGain {
    /// √(rᵀM⁻¹r) signed by the first coefficient of M⁻¹r, for the upper triangle of the symmetric `matrix`
    /// (n×n, row-major); nil when M is not positive definite (the components do not reach the spectrum there).
    /// `lower` (n×n) and `solution` (n) are scratch space, so the scan over every lag allocates nothing.
    static func signedRoot(matrix m: [Double], rhs r: [Double], size n: Int, lower l: inout [Double], solution y: inout [Double]) -> Double? {
        // Cholesky M = L Lᵀ, then L y = r: rᵀM⁻¹r = |y|².
        for i in 0..<n {
            for j in 0...i {
                var sum = m[j * n + i]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 1e-12 * max(m[i * n + i], 1e-300) else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var gain = 0.0
        for i in 0..<n {
            var sum = r[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
            gain += y[i] * y[i]
        }
        // The first coefficient: back substitution Lᵀ a = y, in place, down to a₀.
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        return y[0] < 0 ? -gain.squareRoot() : gain.squareRoot()
    }
}
