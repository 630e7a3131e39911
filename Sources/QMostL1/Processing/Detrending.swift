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

/// The detector corrections of seed 9.1.1–9.1.6 in their order: overscan, crosstalk, master bias, linearity,
/// dark scaled by the dark time, conversion to electrons with each output's gain, detector flat, bad-pixel mask.
/// The variance is propagated throughout: the read noise (from the overscan), the shot noise of the signal,
/// and the masters' own variances.
public enum Detrending {
    public static func apply(_ frame: ArmFrame, calibrations c: ArmCalibrations, biasVariance: Plane? = nil,
                             darkVariance: Plane? = nil, flatVariance: Plane? = nil) -> DetrendedArm {
        let layout = frame.layout
        let (overscanned, levels) = OverscanCorrection.corrected(frame)
        var p = overscanned
        if let x = c.crosstalk { p = x.apply(to: p, layout: layout) }
        if let b = c.bias { p = p.subtracting(b) }
        if let l = c.linearity { p = l.apply(to: p, layout: layout) }
        if let d = c.dark { p = p.subtracting(d, scale: Float(frame.darkTime)) }
        var electrons = p, variance = Plane(width: p.width, height: p.height)
        for (i, amp) in layout.amplifiers.enumerated() {
            let g = frame.gains[i], ron = (c.readNoise?[i] ?? levels.readNoise[i]) * g
            for y in 0..<p.height {
                for x in amp.trimmed {
                    let k = y * p.width + x
                    var e = Double(p.pixels[k]) * g
                    // Shot noise of what the pixel collected (signal and dark), read noise, and the masters'. The
                    // pixel's own value estimates its mean: unclipped, so the variance stays unbiased for faint
                    // pixels (clipping a noisy value at 0 would overstate it), and floored only where noise drove it
                    // far below zero.
                    var v = e + (c.dark.map { Double($0.pixels[k]) * frame.darkTime * g } ?? 0) + ron * ron
                    v = max(v, 0.25 * ron * ron)
                    if let bv = biasVariance { v += Double(bv.pixels[k]) * g * g }
                    if let dv = darkVariance { v += Double(dv.pixels[k]) * frame.darkTime * frame.darkTime * g * g }
                    if let f = c.flat {
                        let r = Double(f.pixels[k])
                        if r > 0 {
                            let fv = flatVariance.map { Double($0.pixels[k]) } ?? 0
                            v = v / (r * r) + e * e * fv / (r * r * r * r)
                            e /= r
                        }
                    }
                    electrons.pixels[k] = Float(e)
                    variance.pixels[k] = Float(v)
                }
            }
        }
        return DetrendedArm(electrons: electrons, variance: variance, mask: c.mask?.bits ?? [UInt8](repeating: 0, count: p.pixels.count))
    }
}
