import Foundation
import QMostCore

/// The plain sum of the pixels within a fixed half-width of each fibre's trace, the edge pixels weighted by the
/// fraction of them inside the aperture. It ignores the neighbours' light, which is why the profile extraction
/// (seed 9.1.11) replaces it; it stays as the reference the overlap solve is measured against and as a quick
/// look for bright lamp frames.
public struct BoxcarExtraction: Sendable {
    /// Rows either side of the trace centre.
    public var halfWidth: Double

    public init(halfWidth: Double) { self.halfWidth = halfWidth }

    /// Sums `electrons` (and `variance`) along every trace; masked pixels are skipped and flagged.
    public func extract(_ image: DetrendedArm, traces: [FibreTrace], arm: ArmName) -> ExtractedSpectra {
        let w = image.electrons.width, h = image.electrons.height
        var flux = [Float](repeating: 0, count: traces.count * w)
        var variance = flux, mask = [UInt8](repeating: 0, count: flux.count)
        for (f, trace) in traces.enumerated() {
            for x in 0..<w {
                let centre = trace.row(at: Double(x))
                let lo = centre - halfWidth, hi = centre + halfWidth
                // Pixel y covers [y − 0.5, y + 0.5).
                let first = max(0, Int((lo + 0.5).rounded(.down))), last = min(h - 1, Int((hi + 0.5).rounded(.down)))
                var s = 0.0, v = 0.0, bits: UInt8 = 0, used = 0
                if first <= last {
                    for y in first...last {
                        let weight = min(hi, Double(y) + 0.5) - max(lo, Double(y) - 0.5)
                        guard weight > 0 else { continue }
                        let k = y * w + x
                        if image.mask[k] != 0 { bits |= ExtractedSpectra.maskedPixel; continue }
                        s += weight * Double(image.electrons.pixels[k])
                        v += weight * weight * Double(image.variance.pixels[k])
                        used += 1
                    }
                }
                if used == 0 { bits |= ExtractedSpectra.noData }
                flux[f * w + x] = Float(s)
                variance[f * w + x] = Float(v)
                mask[f * w + x] = bits
            }
        }
        return ExtractedSpectra(arm: arm, slitPositions: traces.map(\.slitPosition), columns: w, flux: flux,
                                variance: variance, mask: mask)
    }
}
