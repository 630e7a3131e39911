/// The 2D prior of the cosmic-ray flagging (seed 9.1.7: "the prior probabilities of which pixels are likely to be
/// affected … updated with the model fitting information"): a pixel is a candidate when it exceeds the median of
/// its four nearest neighbours along the dispersion (same row, columns x ± 1, x ± 2) by more than κ times the
/// noise of the difference. Continuum and profile change smoothly along a row; a track and an unresolved
/// emission line do not, and the extraction's residuals tell those two apart.
enum CosmicRayPrior {
    /// Sets bit 1 of `work` on the candidates of `image` (masked pixels never are).
    static func mark(_ image: DetrendedArm, kappa: Double, into work: inout [UInt8]) {
        let w = image.electrons.width, h = image.electrons.height
        guard w >= 5 else { return }
        let k2 = Float(kappa * kappa)
        image.electrons.pixels.withUnsafeBufferPointer { e in
            image.variance.pixels.withUnsafeBufferPointer { v in
                image.mask.withUnsafeBufferPointer { m in
                    work.withUnsafeMutableBufferPointer { out in
                        for y in 0..<h {
                            let row = y * w
                            for x in 0..<w where m[row + x] == 0 {
                                // Neighbours x−2, x−1, x+1, x+2, reflected inwards at the edges.
                                let a = x >= 2 ? x - 2 : x + 3, b = x >= 1 ? x - 1 : x + 4
                                let c = x + 1 < w ? x + 1 : x - 4, d = x + 2 < w ? x + 2 : x - 3
                                let ref = median4(e[row + a], e[row + b], e[row + c], e[row + d])
                                let excess = e[row + x] - ref
                                guard excess > 0 else { continue }
                                let noise = 1.5 * median4(v[row + a], v[row + b], v[row + c], v[row + d])
                                if excess * excess > k2 * noise { out[row + x] |= 1 }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The median of four values: the mean of the larger of the two minima and the smaller of the two maxima.
    @inline(__always)
    static func median4(_ a: Float, _ b: Float, _ c: Float, _ d: Float) -> Float {
        0.5 * (max(min(a, b), min(c, d)) + min(max(a, b), max(c, d)))
    }
}
