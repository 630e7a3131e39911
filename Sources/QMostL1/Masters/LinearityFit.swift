import Foundation
import QMostCore

/// The detector's non-linearity from the LED sequence (seed 9.1.4): each output's mean signal against the
/// LED's on-time is fitted by S = c₁t + c₂t² (no constant: bias and dark are removed), so the recorded signal
/// is S' = S(1 + βS) with β = c₂/c₁² (ADU⁻¹), and the correction inverts that exactly.
public struct LinearityFit: Sendable, Equatable {
    /// β per output in ADU⁻¹.
    public var beta: [Double]
    /// Signal range (ADU) the fit saw, per output.
    public var maximumSignal: [Double]
    public var points: Int

    /// Fits the sequence `frames` (LED flats of different on-times) after overscan, `bias` and `dark` correction,
    /// using the central half of each output's columns and rows.
    public static func fit(_ frames: [ArmFrame], bias: Plane, dark: Plane?) -> LinearityFit? {
        guard frames.count >= 3, Set(frames.map(\.exposureTime)).count >= 2 else { return nil }
        let layout = frames[0].layout
        var signals = [[Double]](repeating: [], count: layout.amplifierCount)
        for f in frames {
            var p = OverscanCorrection.corrected(f).plane.subtracting(bias)
            if let dark { p = p.subtracting(dark, scale: Float(f.darkTime)) }
            for (i, amp) in layout.amplifiers.enumerated() {
                let xs = amp.trimmed.lowerBound + amp.trimmed.count / 4..<amp.trimmed.upperBound - amp.trimmed.count / 4
                let ys = layout.activeRows / 4..<(3 * layout.activeRows / 4)
                var values: [Double] = []
                values.reserveCapacity(xs.count * ys.count / 4)
                for y in stride(from: ys.lowerBound, to: ys.upperBound, by: 2) { for x in stride(from: xs.lowerBound, to: xs.upperBound, by: 2) { values.append(Double(p[x, y])) } }
                signals[i].append(RobustStatistics.clippedMean(values, kappa: 4).mean)
            }
        }
        let t = frames.map(\.exposureTime)
        var beta: [Double] = []
        for s in signals {
            // Least squares for S = c1 t + c2 t²: the 2×2 normal equations.
            var a11 = 0.0, a12 = 0.0, a22 = 0.0, b1 = 0.0, b2 = 0.0
            for (ti, si) in zip(t, s) {
                a11 += ti * ti
                a12 += ti * ti * ti
                a22 += ti * ti * ti * ti
                b1 += ti * si
                b2 += ti * ti * si
            }
            let det = a11 * a22 - a12 * a12
            guard det != 0 else { return nil }
            let c1 = (b1 * a22 - b2 * a12) / det, c2 = (a11 * b2 - a12 * b1) / det
            beta.append(c2 / (c1 * c1))
        }
        return LinearityFit(beta: beta, maximumSignal: signals.map { $0.max() ?? 0 }, points: frames.count)
    }

    /// The linear signal of a recorded one on `output`: the root of βS² + S − S' = 0 near S'.
    @inline(__always)
    public func corrected(_ recorded: Double, output: Int) -> Double {
        let b = beta[output]
        guard b != 0 else { return recorded }
        let discriminant = 1 + 4 * b * recorded
        return discriminant > 0 ? (-1 + discriminant.squareRoot()) / (2 * b) : recorded
    }

    /// Applies the correction to an overscan-corrected (and bias-subtracted) plane.
    public func apply(to plane: Plane, layout: DetectorGeometry) -> Plane {
        var out = plane
        for (i, amp) in layout.amplifiers.enumerated() {
            for y in 0..<plane.height {
                for x in amp.trimmed { out[x, y] = Float(corrected(Double(plane[x, y]), output: i)) }
            }
        }
        return out
    }
}
