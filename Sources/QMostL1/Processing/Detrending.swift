import Foundation
import QMostCore

/// The master calibrations one exposure is corrected with (any may be missing).
public struct ArmCalibrations: Sendable {
    public var bias: Plane?
    /// Dark current in ADU/s.
    public var dark: Plane?
    public var flat: Plane?
    public var linearity: LinearityFit?
    public var crosstalk: CrosstalkCorrection?
    public var mask: BadPixelMask?
    /// Read noise per output in ADU (from a bias pair); without it the overscan's scatter is used, which also
    /// holds the fixed bias pattern and so overstates the noise of bias-subtracted pixels.
    public var readNoise: [Double]?

    public init(bias: Plane? = nil, dark: Plane? = nil, flat: Plane? = nil, linearity: LinearityFit? = nil,
                crosstalk: CrosstalkCorrection? = nil, mask: BadPixelMask? = nil, readNoise: [Double]? = nil) {
        self.readNoise = readNoise
        self.bias = bias
        self.dark = dark
        self.flat = flat
        self.linearity = linearity
        self.crosstalk = crosstalk
        self.mask = mask
    }
}

/// An arm corrected for the detector: electrons per pixel, their variance and the bad-pixel bits.
public struct DetrendedArm: Sendable {
    public var electrons: Plane
    public var variance: Plane
    public var mask: [UInt8]
}

/// The masters' values over a band of rows (row-major, the active width); any may be absent. Reading masters a
/// band at a time keeps a full-size correction from holding seven master planes in memory.
public struct MasterRows: Sendable {
    public var bias: [Float]?
    public var biasVariance: [Float]?
    /// ADU/s.
    public var dark: [Float]?
    public var darkVariance: [Float]?
    public var flat: [Float]?
    public var flatVariance: [Float]?
    public var mask: [UInt8]?

    public init(bias: [Float]? = nil, biasVariance: [Float]? = nil, dark: [Float]? = nil, darkVariance: [Float]? = nil,
                flat: [Float]? = nil, flatVariance: [Float]? = nil, mask: [UInt8]? = nil) {
        self.bias = bias
        self.biasVariance = biasVariance
        self.dark = dark
        self.darkVariance = darkVariance
        self.flat = flat
        self.flatVariance = flatVariance
        self.mask = mask
    }
}

/// The detector corrections of seed 9.1.1–9.1.6 in their order: overscan, crosstalk, master bias, linearity,
/// dark scaled by the dark time, conversion to electrons with each output's gain, detector flat, bad-pixel mask.
/// The variance is propagated throughout: the read noise (from the overscan), the shot noise of the signal,
/// and the masters' own variances. All steps happen in one pass over each row.
public enum Detrending {
    /// Rows per band of masters read at a time.
    public static let bandRows = 512

    /// Corrects `frame` with masters held in memory.
    public static func apply(_ frame: ArmFrame, calibrations c: ArmCalibrations, biasVariance: Plane? = nil,
                             darkVariance: Plane? = nil, flatVariance: Plane? = nil) -> DetrendedArm {
        let w = frame.layout.activeColumns
        func band(_ p: Plane?, _ rows: Range<Int>) -> [Float]? { p.map { Array($0.pixels[(rows.lowerBound * w)..<(rows.upperBound * w)]) } }
        return apply(frame, linearity: c.linearity, crosstalk: c.crosstalk, readNoise: c.readNoise) { rows in
            MasterRows(bias: band(c.bias, rows), biasVariance: band(biasVariance, rows), dark: band(c.dark, rows),
                       darkVariance: band(darkVariance, rows), flat: band(c.flat, rows), flatVariance: band(flatVariance, rows),
                       mask: c.mask.map { Array($0.bits[(rows.lowerBound * w)..<(rows.upperBound * w)]) })
        }
    }

    /// Corrects `frame` with masters read band by band from `masters` (called with consecutive row ranges).
    public static func apply<E: Error>(_ frame: ArmFrame, linearity: LinearityFit?, crosstalk: CrosstalkCorrection?, readNoise: [Double]?,
                                       masters: (Range<Int>) throws(E) -> MasterRows) throws(E) -> DetrendedArm {
        let layout = frame.layout
        let w = layout.activeColumns, h = layout.activeRows
        let levels = OverscanCorrection.levels(of: frame)
        var electrons = Plane(width: w, height: h), variance = Plane(width: w, height: h)
        var mask = [UInt8](repeating: 0, count: w * h)
        // Per pixel: the output it belongs to and where its raw value sits.
        var output = [Int](repeating: 0, count: w), rawColumn = [Int](repeating: 0, count: w)
        for (i, amp) in layout.amplifiers.enumerated() {
            let offset = amp.trimmed.lowerBound - amp.active.lowerBound
            for x in amp.active { output[x + offset] = i; rawColumn[x + offset] = x }
        }
        let gains = frame.gains
        let ron = (0..<layout.amplifierCount).map { (readNoise?[$0] ?? levels.readNoise[$0]) * gains[$0] }
        let t = frame.darkTime
        var row = [Float](repeating: 0, count: w)
        for start in stride(from: 0, to: h, by: bandRows) {
            let rows = start..<min(h, start + bandRows)
            let m = try masters(rows)
            if let bits = m.mask { for (k, b) in bits.enumerated() { mask[start * w + k] = b } }
            for y in rows {
                for x in 0..<w { row[x] = frame.raw(rawColumn[x], y) - Float(levels.levels[output[x]][y]) }
                if let crosstalk, layout.amplifierCount == 2, crosstalk.coefficients.count == 2 {
                    let half = layout.activeColumnsPerAmplifier
                    let c01 = Float(crosstalk.coefficients[0][1]), c10 = Float(crosstalk.coefficients[1][0])
                    for d in 0..<half {
                        let a = row[d], b = row[w - 1 - d]
                        row[w - 1 - d] = b - c01 * a
                        row[d] = a - c10 * b
                    }
                }
                let base = (y - start) * w
                for x in 0..<w {
                    let k = base + x, o = output[x], g = gains[o]
                    var adu = Double(row[x]) - Double(m.bias?[k] ?? 0)
                    if let linearity { adu = linearity.corrected(adu, output: o) }
                    let darkRate = Double(m.dark?[k] ?? 0)
                    adu -= darkRate * t
                    var e = adu * g
                    // Shot noise of what the pixel collected (signal and dark), read noise, and the masters'. The
                    // pixel's own value estimates its mean: unclipped, so the variance stays unbiased for faint
                    // pixels (clipping a noisy value at 0 would overstate it), and floored only where noise drove it
                    // far below zero.
                    var v = e + darkRate * t * g + ron[o] * ron[o]
                    v = max(v, 0.25 * ron[o] * ron[o])
                    if let bv = m.biasVariance { v += Double(bv[k]) * g * g }
                    if let dv = m.darkVariance { v += Double(dv[k]) * t * t * g * g }
                    if let f = m.flat {
                        let r = Double(f[k])
                        if r > 0 {
                            let fv = Double(m.flatVariance?[k] ?? 0)
                            v = v / (r * r) + e * e * fv / (r * r * r * r)
                            e /= r
                        }
                    }
                    electrons.pixels[y * w + x] = Float(e)
                    variance.pixels[y * w + x] = Float(v)
                }
            }
        }
        return DetrendedArm(electrons: electrons, variance: variance, mask: mask)
    }
}
