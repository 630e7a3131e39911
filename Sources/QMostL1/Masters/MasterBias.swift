import Foundation
import QMostCore
import QMostFITS

/// One arm of a master calibration: the image, its variance, and the statistics for its extension header.
public struct MasterArm: Sendable {
    public var arm: ArmName
    public var image: Plane
    public var variance: Plane?
    /// Header cards of the arm's extension (QC statistics).
    public var cards: [FITSCard]
}

/// `qmost_bias_combine` (seed 9.1.2): each bias is overscan-corrected and trimmed, and the stack is combined with
/// rejection against the read noise, leaving the repeatable two-dimensional structure of the zero level.
public enum MasterBias {
    public static func combine(_ frames: [ArmFrame]) -> MasterArm {
        precondition(!frames.isEmpty, "at least one bias")
        let corrected = frames.map { OverscanCorrection.corrected($0) }
        // Read noise per frame and output from the overscan; the noise model takes the worst output.
        let noise = corrected.flatMap(\.levels.readNoise).max() ?? 1
        let result = StackCombine.combine(corrected.map(\.plane), kappa: 5) { _ in noise }
        let levels = corrected.map(\.levels.meanLevel)
        var cards: [FITSCard] = [
            FITSCard(keyword: "EXTNAME", value: .string(frames[0].arm.headerName)),
            FITSCard(keyword: "BUNIT", value: .string("adu")),
            FITSCard(keyword: "NCOMBINE", value: .int(Int64(frames.count)), comment: "frames combined"),
            FITSCard(keyword: "HIERARCH QMOST QC REJECTED", value: .double(Double(result.rejected) / Double(result.mean.pixels.count * frames.count)),
                     comment: "fraction of values rejected"),
        ]
        cards += imageStatistics(result.mean, prefix: "BIAS")
        for output in 0..<frames[0].layout.amplifierCount {
            let mean = levels.map { $0[output] }.reduce(0, +) / Double(levels.count)
            let ron = corrected.map { $0.levels.readNoise[output] }.reduce(0, +) / Double(corrected.count)
            cards += [
                FITSCard(keyword: "HIERARCH QMOST QC OUT\(output + 1) LEVEL", value: .double(mean), comment: "mean overscan level [adu]"),
                FITSCard(keyword: "HIERARCH QMOST QC OUT\(output + 1) RON", value: .double(ron), comment: "read noise from the overscan [adu]"),
            ]
        }
        return MasterArm(arm: frames[0].arm, image: result.mean, variance: result.variance, cards: cards)
    }

    /// Mean, median and clipped rms of an image, as QC cards.
    static func imageStatistics(_ plane: Plane, prefix: String) -> [FITSCard] {
        // A regular subsample keeps the statistics cheap on a 38-million-pixel detector.
        let step = max(1, plane.pixels.count / 400_000)
        let sample = stride(from: 0, to: plane.pixels.count, by: step).map { Double(plane.pixels[$0]) }
        let clipped = RobustStatistics.clippedMean(sample)
        return [
            FITSCard(keyword: "HIERARCH QMOST QC \(prefix) MEAN", value: .double(clipped.mean)),
            FITSCard(keyword: "HIERARCH QMOST QC \(prefix) MEDIAN", value: .double(RobustStatistics.median(sample) ?? .nan)),
            FITSCard(keyword: "HIERARCH QMOST QC \(prefix) RMS", value: .double(clipped.sigma)),
        ]
    }
}
