import Foundation

/// Fibre tracing from a fibre flat (seed 9.1.10): in blocks of columns across the dispersion axis, find every
/// local maximum along the slit, associate the maxima of neighbouring blocks with the same fibre (positions
/// change slowly), and fit a low-order polynomial per fibre. Each block also gives the profile core's width
/// from the second moment of the peak, fitted along the trace the same way.
///
/// Fibres are named by matching the central block's peaks to the slit design (`nominalRows`, the rows the
/// design puts each slit position at), after a global shift found by cross-matching; fibres with no light
/// (broken ones) are simply absent from the result.
public struct FibreTracer: Sendable {
    /// Columns per block (their median is traced).
    public var blockWidth: Int
    /// A maximum counts when it stands above its troughs by this many times its shot noise.
    public var threshold: Double = 10
    /// Degree of the centre polynomial.
    public var degree: Int = 3
    /// Largest move of a fibre between neighbouring blocks (rows).
    public var maximumStep: Double = 1.5
    /// Largest distance (rows) between a peak and its design row after the global shift.
    public var matchRadius: Double

    public init(blockWidth: Int, matchRadius: Double) {
        self.blockWidth = blockWidth
        self.matchRadius = matchRadius
    }

    /// A peak in one block: refined centre (rows) and core σ.
    struct Peak {
        var centre: Double
        var sigma: Double
        var height: Double
    }

    /// The traces of the fibres found in `flat` (an overscan- and bias-corrected fibre flat, trimmed).
    /// `nominalRows[k]` is slit position k + 1's design row at the detector's central column.
    public func trace(_ flat: Plane, nominalRows: [Double]) -> [FibreTrace] {
        let blocks = Array(stride(from: 0, to: flat.width - blockWidth + 1, by: blockWidth))
        let profiles = blocks.map { profile(flat, from: $0) }
        let peaks = profiles.map { findPeaks($0) }
        let centreBlock = blocks.count / 2
        guard !peaks[centreBlock].isEmpty else { return [] }
        // Name the central block's peaks by the design, after the shift that best lines them up.
        let shift = bestShift(peaks[centreBlock].map(\.centre), nominalRows)
        var named: [Int: Peak] = [:]
        for p in peaks[centreBlock] {
            guard let k = nominalRows.indices.min(by: { abs(nominalRows[$0] + shift - p.centre) < abs(nominalRows[$1] + shift - p.centre) }),
                  abs(nominalRows[k] + shift - p.centre) < matchRadius else { continue }
            if let existing = named[k], existing.height >= p.height { continue }
            named[k] = p
        }
        var traces: [FibreTrace] = []
        for (k, start) in named {
            var xs: [Double] = [], ys: [Double] = [], ss: [Double] = []
            func follow(_ order: [Int]) {
                var last = start.centre
                for b in order {
                    guard let p = peaks[b].min(by: { abs($0.centre - last) < abs($1.centre - last) }), abs(p.centre - last) < maximumStep else { continue }
                    xs.append(Double(blocks[b]) + 0.5 * Double(blockWidth - 1))
                    ys.append(p.centre)
                    ss.append(p.sigma)
                    last = p.centre
                }
            }
            follow(Array((0...centreBlock).reversed()))
            follow(Array((centreBlock + 1)..<blocks.count))
            guard let centre = Polynomial.fit(x: xs, y: ys, degree: min(degree, xs.count - 1)),
                  let width = Polynomial.fit(x: xs, y: ss, degree: min(2, xs.count - 1)) else { continue }
            let residuals = zip(xs, ys).map { $1 - Polynomial.evaluate(centre, at: $0) }
            let rms = (residuals.reduce(0) { $0 + $1 * $1 } / Double(residuals.count)).squareRoot()
            traces.append(FibreTrace(slitPosition: k + 1, centre: centre, width: width, rms: rms, blocks: xs.count))
        }
        return traces.sorted { $0.slitPosition < $1.slitPosition }
    }

    /// The median of each row over the block's columns.
    func profile(_ plane: Plane, from x0: Int) -> [Double] {
        var values = [Double](repeating: 0, count: blockWidth)
        return (0..<plane.height).map { y in
            for i in 0..<blockWidth { values[i] = Double(plane[x0 + i, y]) }
            return RobustStatistics.medianInPlace(&values)
        }
    }

    /// Local maxima that stand out from the troughs either side (by ``threshold`` times their shot noise and by a
    /// third of their height, so the overlap between close fibres is no obstacle), refined by a parabola through
    /// the log of the three rows about the maximum (a Gaussian's exact centre and σ from three samples).
    func findPeaks(_ p: [Double]) -> [Peak] {
        guard p.count > 8 else { return [] }
        let sorted = p.sorted()
        let bright = sorted[Int(0.95 * Double(p.count - 1))]
        // The background under the fibres (scattered light) from the darkest rows: beyond the slit's ends and
        // between slitlets. Not the troughs between neighbours, which hold their profiles' tails.
        let level = sorted[Int(0.02 * Double(p.count - 1))]
        var peaks: [Peak] = []
        for y in 4..<(p.count - 4) where p[y] >= p[y - 1] && p[y] > p[y + 1] && p[y] > 0.02 * bright {
            let troughBelow = p[(y - 4)..<y].min()!, troughAbove = p[(y + 1)...(y + 4)].min()!
            let prominence = p[y] - max(troughBelow, troughAbove)
            guard prominence > max(threshold * max(p[y], 1).squareRoot(), p[y] / 3) else { continue }
            let a = p[y - 1] - level, b = p[y] - level, c = p[y + 1] - level
            guard a > 0, c > 0 else { continue }
            let la = log(a), lb = log(b), lc = log(c)
            let curvature = la - 2 * lb + lc
            guard curvature < 0 else { continue }
            peaks.append(Peak(centre: Double(y) + 0.5 * (la - lc) / curvature, sigma: (-1 / curvature).squareRoot(), height: b))
        }
        return peaks
    }

    /// The shift of the design rows that puts most peaks within a row of a design position (searched in
    /// quarter rows over ±`matchRadius`·4), refined to the mean offset of the matched pairs.
    func bestShift(_ peaks: [Double], _ design: [Double]) -> Double {
        var best = 0.0, bestCount = -1
        for step in -Int(16 * matchRadius)...Int(16 * matchRadius) {
            let s = Double(step) * 0.25
            let count = peaks.filter { p in design.contains { abs($0 + s - p) < 1 } }.count
            if count > bestCount {
                bestCount = count
                best = s
            }
        }
        let offsets = peaks.compactMap { p -> Double? in
            guard let d = design.min(by: { abs($0 + best - p) < abs($1 + best - p) }), abs(d + best - p) < 1 else { return nil }
            return p - d
        }
        return offsets.isEmpty ? best : offsets.reduce(0, +) / Double(offsets.count)
    }
}
