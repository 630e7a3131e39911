import Foundation

/// The shift (pixels) between a spectrum and the lines' predicted positions, from the peak of their
/// cross-correlation with a template of Gaussians weighted by the lines' expected strength, on a grid of
/// tenth pixels refined by a parabola (the standard first step of arc identification, e.g. IRAF
/// `reidentify`/`fxcor`; Tonry & Davis 1979, AJ 84, 1511).
enum ShiftSearch {
    static func shift(flux: ArraySlice<Float>, lines: [(x: Double, weight: Double)], templateSigma: Double,
                      maximumShift: Double, step: Double = 0.1) -> Double {
        let values = Array(flux)
        let n = values.count
        guard n > 0, !lines.isEmpty else { return 0 }
        // Compress the dynamic range so the brightest line does not decide alone.
        var sorted = values.map(Double.init)
        let level = RobustStatistics.medianInPlace(&sorted)
        let y = values.map { (max(Double($0) - level, 0)).squareRoot() }
        let steps = Int((maximumShift / step).rounded(.up))
        let reach = 4 * templateSigma
        var scores = [Double](repeating: 0, count: 2 * steps + 1)
        for (k, _) in scores.enumerated() {
            let s = Double(k - steps) * step
            var total = 0.0
            for line in lines {
                let c = line.x + s
                let lo = max(0, Int((c - reach).rounded(.down))), hi = min(n - 1, Int((c + reach).rounded(.up)))
                guard lo <= hi else { continue }
                var sum = 0.0
                for x in lo...hi {
                    let u = (Double(x) - c) / templateSigma
                    sum += y[x] * exp(-0.5 * u * u)
                }
                total += line.weight * sum
            }
            scores[k] = total
        }
        guard let best = scores.indices.max(by: { scores[$0] < scores[$1] }) else { return 0 }
        var s = Double(best - steps) * step
        if best > 0 && best < scores.count - 1 {
            let a = scores[best - 1], b = scores[best], c = scores[best + 1]
            let curvature = a - 2 * b + c
            if curvature < 0 { s += 0.5 * (a - c) / curvature * step }
        }
        return s
    }
}
