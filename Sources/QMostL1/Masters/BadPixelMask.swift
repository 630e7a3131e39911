import Foundation
import QMostFITS

/// Which pixels cannot be trusted (seed 9.1.5), as bits so that later stages can tell why.
public struct BadPixelMask: Sendable, Equatable {
    /// Responds well below the flat's level (dead pixels, charge traps).
    public static let lowResponse: UInt8 = 1
    /// Responds well above it.
    public static let highResponse: UInt8 = 2
    /// Dark current far above the detector's (hot pixels).
    public static let hot: UInt8 = 4
    /// Zero level far from the master bias's (hot or leaking columns).
    public static let biasDefect: UInt8 = 8
    /// Hit by a cosmic ray in this exposure (set by the extraction, seed 9.1.7).
    public static let cosmicRay: UInt8 = 16

    public let width: Int
    public let height: Int
    public var bits: [UInt8]

    /// Response outside [1 − `responseLimit`, 1 + `responseLimit`] in the normalised flat, dark current more than
    /// `kappa` σ (MAD) above the median, and a zero level more than `kappa` σ from the master bias's median.
    public static func make(flat: Plane?, dark: Plane?, bias: Plane?, responseLimit: Float = 0.3, kappa: Double = 10) -> BadPixelMask {
        let any = flat ?? dark ?? bias
        precondition(any != nil, "at least one master")
        let w = any!.width, h = any!.height
        var bits = [UInt8](repeating: 0, count: w * h)
        if let flat {
            for i in flat.pixels.indices {
                if flat.pixels[i] < 1 - responseLimit { bits[i] |= lowResponse }
                if flat.pixels[i] > 1 + responseLimit { bits[i] |= highResponse }
            }
        }
        func outliers(_ plane: Plane, bit: UInt8, upperOnly: Bool) {
            let step = max(1, plane.pixels.count / 400_000)
            let sample = stride(from: 0, to: plane.pixels.count, by: step).map { Double(plane.pixels[$0]) }
            let median = RobustStatistics.median(sample) ?? 0
            let sigma = max(RobustStatistics.madSigma(sample, around: median), 1e-12)
            for i in plane.pixels.indices {
                let d = Double(plane.pixels[i]) - median
                if upperOnly ? d > kappa * sigma : abs(d) > kappa * sigma { bits[i] |= bit }
            }
        }
        if let dark { outliers(dark, bit: hot, upperOnly: true) }
        if let bias { outliers(bias, bit: biasDefect, upperOnly: false) }
        return BadPixelMask(width: w, height: h, bits: bits)
    }

    /// Pixels flagged for any reason.
    public var flaggedCount: Int { bits.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
}
