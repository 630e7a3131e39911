import Foundation

/// A weighted polynomial through measured line positions with iterative κσ clipping of the normalised
/// residuals, the scale taken from their MAD so that a few gross misidentifications cannot hide behind an
/// inflated rms; rejected points may come back when the fit moves (Press et al., Numerical Recipes §15.7).
struct ClippedPolynomialFit {
    var degree: Int
    var kappa: Double
    var iterations = 10

    struct Result {
        var coefficients: [Double]
        /// Which points the final fit used.
        var used: [Bool]
        /// rms of the used points' residuals (units of y).
        var rms: Double
        /// χ² of the used points.
        var chiSquare: Double
    }

    /// Fits y(x) with 1σ errors `errors`; nil when fewer than degree + 2 points remain.
    func fit(x: [Double], y: [Double], errors: [Double]) -> Result? {
        let n = x.count
        guard n >= degree + 2 else { return nil }
        var used = [Bool](repeating: true, count: n)
        var coefficients: [Double] = []
        for _ in 0..<iterations {
            let idx = (0..<n).filter { used[$0] }
            guard idx.count >= degree + 2,
                  let c = Polynomial.fit(x: idx.map { x[$0] }, y: idx.map { y[$0] }, weights: idx.map { 1 / (errors[$0] * errors[$0]) }, degree: degree)
            else { return nil }
            coefficients = c
            let z = (0..<n).map { (y[$0] - Polynomial.evaluate(c, at: x[$0])) / errors[$0] }
            let kept = idx.map { abs(z[$0]) }
            let scale = max(1, RobustStatistics.madSigma(kept, around: 0) * 1.0)
            let next = z.map { abs($0) <= kappa * scale }
            if next == used { break }
            used = next
        }
        let idx = (0..<n).filter { used[$0] }
        guard idx.count >= degree + 2, !coefficients.isEmpty else { return nil }
        var ss = 0.0, chi = 0.0
        for i in idx {
            let r = y[i] - Polynomial.evaluate(coefficients, at: x[i])
            ss += r * r
            chi += r * r / (errors[i] * errors[i])
        }
        return Result(coefficients: coefficients, used: used, rms: (ss / Double(idx.count)).squareRoot(), chiSquare: chi)
    }
}
