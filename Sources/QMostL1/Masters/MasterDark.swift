import Foundation
import QMostCore
import QMostFITS

/// `qmost_dark_combine` (seed 9.1.3): shutter-closed exposures, overscan- and bias-corrected, combined with
/// rejection of cosmic rays and divided by the dark time, giving the dark current in ADU/s.
public enum MasterDark {
    public static func combine(_ frames: [ArmFrame], bias: Plane) -> MasterArm {
        precondition(!frames.isEmpty, "at least one dark")
        let corrected = frames.map { OverscanCorrection.corrected($0) }
        let t = frames.map(\.darkTime).reduce(0, +) / Double(frames.count)
        let ron = corrected.flatMap(\.levels.readNoise).max() ?? 1
        let gain = frames[0].gains.min() ?? 1
        // Counts (ADU) per frame scaled to the common dark time; σ from read noise and the dark's own shot noise.
        let planes = zip(corrected, frames).map { c, f in
            var p = c.plane.subtracting(bias)
            let scale = Float(t / max(f.darkTime, 1e-9))
            for i in p.pixels.indices { p.pixels[i] *= scale }
            return p
        }
        let result = StackCombine.combine(planes, kappa: 5) { v in (ron * ron + max(v, 0) / gain).squareRoot() }
        var rate = result.mean, variance = result.variance
        let inverse = Float(1 / max(t, 1e-9))
        for i in rate.pixels.indices {
            rate.pixels[i] *= inverse
            variance.pixels[i] *= inverse * inverse
        }
        var cards: [FITSCard] = [
            FITSCard(keyword: "EXTNAME", value: .string(frames[0].arm.headerName)),
            FITSCard(keyword: "BUNIT", value: .string("adu/s")),
            FITSCard(keyword: "NCOMBINE", value: .int(Int64(frames.count))),
            FITSCard(keyword: "HIERARCH QMOST QC DARK TIME", value: .double(t), comment: "mean dark time [s]"),
            FITSCard(keyword: "HIERARCH QMOST QC REJECTED", value: .double(Double(result.rejected) / Double(rate.pixels.count * frames.count))),
        ]
        cards += MasterBias.imageStatistics(rate, prefix: "DARK")
        return MasterArm(arm: frames[0].arm, image: rate, variance: variance, cards: cards)
    }
}
