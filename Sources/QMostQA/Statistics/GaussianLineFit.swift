import Foundation

/// A Gaussian emission line on a straight background fitted by weighted Gauss–Newton least squares (the usual
/// measurement of sky-line positions and widths, e.g. the ESO pipelines' sky-line QC).
struct GaussianLineFit {
    var centre: Double
    var sigma: Double
    var amplitude: Double

    var fwhm: Double { 2.354_820_045 * sigma }

    /// The fit to (x, y) with variances `v`, started at `centre` with width `sigma` and kept at least `minimumSigma`
    /// wide (narrower is a noise spike, not a line); nil when it does not converge, the amplitude is not positive, or
    /// the centre leaves the window.
    static func fit(x: [Double], y: [Double], variance v: [Double], centre: Double, sigma: Double, minimumSigma: Double) -> GaussianLineFit? {
        let n = x.count
        guard n >= 7 else { return nil }
        // Background: a straight line through the window's outer quarters.
        let edge = max(2, n / 4)
        let outer = Array(0..<edge) + Array((n - edge)..<n)
        let mx = outer.reduce(0.0) { $0 + x[$1] } / Double(outer.count), my = outer.reduce(0.0) { $0 + y[$1] } / Double(outer.count)
        let sxx = outer.reduce(0.0) { $0 + (x[$1] - mx) * (x[$1] - mx) }
        let slope = sxx > 0 ? outer.reduce(0.0) { $0 + (x[$1] - mx) * (y[$1] - my) } / sxx : 0
        let signal = (0..<n).map { y[$0] - (my + slope * (x[$0] - mx)) }
        var p = [signal.max() ?? 0, centre, sigma]
        guard p[0] > 0 else { return nil }
        let w = v.map { $0 > 0 && $0.isFinite ? 1 / $0 : 0 }
        for _ in 0..<20 {
            var a = [[Double]](repeating: [0, 0, 0], count: 3), b = [0.0, 0.0, 0.0]
            for i in 0..<n where w[i] > 0 {
                let d = (x[i] - p[1]) / p[2], g = exp(-0.5 * d * d)
                let model = p[0] * g
                let j = [g, p[0] * g * d / p[2], p[0] * g * d * d / p[2]]
                for r in 0..<3 {
                    b[r] += w[i] * j[r] * (signal[i] - model)
                    for c in 0..<3 { a[r][c] += w[i] * j[r] * j[c] }
                }
            }
            guard let step = solve3(a, b) else { return nil }
            p[0] += step[0]
            p[1] += max(-p[2], min(p[2], step[1]))
            p[2] = max(minimumSigma, max(p[2] * 0.5, min(p[2] * 2, p[2] + step[2])))
            if abs(step[1]) < 1e-6 && abs(step[2]) < 1e-6 { break }
        }
        guard p[0] > 0, p[2] > 0, p[1] > x[0], p[1] < x[n - 1] else { return nil }
        return GaussianLineFit(centre: p[1], sigma: p[2], amplitude: p[0])
    }

    /// Cramer's rule for 3 × 3; nil when singular.
    private static func solve3(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let d = det(a)
        guard abs(d) > 1e-300, d.isFinite else { return nil }
        return (0..<3).map { c in
            var m = a
            for r in 0..<3 { m[r][c] = b[r] }
            return det(m) / d
        }
    }
}
