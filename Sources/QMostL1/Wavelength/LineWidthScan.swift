import Foundation
import QMostCore

/// The line-spread width of an arm measured on its bright lines: the factor on the expected σ that minimises
/// the lines' total χ² when every line is fitted with that width held (a profile-likelihood scan, Press et al.,
/// Numerical Recipes §15.6), in four stretches of columns, then a straight line through the four factors.
/// Fitting each undersampled line's own σ would not do: its error depends on the width found, and weighting by
/// it biases the mean.
struct LineWidthScan {
    var measurer: LineMeasurer
    var scales: [Double] = stride(from: 0.9, through: 1.1501, by: 0.025).map { $0 }
    var stretches = 4
    /// Highest degree of the factor's polynomial in x (1 needs three stretches spanning 40% of the columns).
    var maximumDegree = 1

    struct Spectrum {
        var flux: ArraySlice<Float>
        var variance: ArraySlice<Float>
        var mask: ArraySlice<UInt8>
        var expected: [ExpectedLine]
    }

    /// Polynomial coefficients (in x) of the factor on the expected σ; [1] when the lines cannot tell.
    func ratio(_ spectra: [Spectrum], columns: Int) -> [Double] {
        // χ² per (spectrum, line) at every scale; only lines fitted at all scales count.
        var table: [Int: (x: Double, chi: [Double])] = [:]
        for (k, scale) in scales.enumerated() {
            var seen = Set<Int>()
            let found = ParallelMap.map(spectra.count) { i in
                let s = spectra[i]
                return measurer.measure(s.expected.map { var e = $0; e.sigma *= scale; return e }, flux: s.flux, variance: s.variance, mask: s.mask)
            }
            for (i, lines) in found.enumerated() {
                for m in lines {
                    let id = i * 1_000_000 + m.key
                    if k == 0 { table[id] = (m.x, [Double](repeating: .nan, count: scales.count)) }
                    table[id]?.chi[k] = m.chiSquare
                    seen.insert(id)
                }
            }
            for id in table.keys where !seen.contains(id) { table[id] = nil }
        }
        var xs: [Double] = [], values: [Double] = [], errors: [Double] = []
        for b in 0..<stretches {
            let lo = Double(b * columns) / Double(stretches), hi = Double((b + 1) * columns) / Double(stretches)
            let inside = table.values.filter { $0.x >= lo && $0.x < hi }
            guard inside.count >= 3 else { continue }
            let chi = scales.indices.map { k in inside.reduce(0.0) { $0 + $1.chi[k] } }
            guard let best = chi.indices.min(by: { chi[$0] < chi[$1] }), best > 0, best < chi.count - 1 else { continue }
            let a = chi[best - 1], c = chi[best], d = chi[best + 1]
            let h = scales[1] - scales[0]
            let curvature = (a - 2 * c + d) / (h * h)
            guard curvature > 0 else { continue }
            xs.append(inside.reduce(0.0) { $0 + $1.x } / Double(inside.count))
            values.append(scales[best] + 0.5 * h * (a - d) / (a - 2 * c + d))
            errors.append((2 / curvature).squareRoot())
        }
        guard !xs.isEmpty else { return [1] }
        let spread = (xs.max()! - xs.min()!) / Double(columns)
        let degree = xs.count >= 3 && spread > 0.4 ? maximumDegree : 0
        return Polynomial.fit(x: xs, y: values, weights: errors.map { 1 / ($0 * $0) }, degree: degree)
            ?? [values.reduce(0, +) / Double(values.count)]
    }
}
