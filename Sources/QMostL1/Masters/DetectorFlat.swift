import Foundation
import QMostCore
import QMostFITS

/// `qmost_detector_flat_analyse` (seed 9.1.6): LED exposures, corrected for overscan, bias and dark, combined
/// with rejection and divided by their smooth illumination, leaving the pixel-to-pixel response (mean 1) and
/// its variance.
///
/// The illumination is the median of blocks of ``blockSize`` pixels, interpolated bilinearly, taken within each
/// output separately because the outputs' gains differ.
public enum DetectorFlat {
    public static let blockSize = 32

    public static func combine(_ frames: [ArmFrame], bias: Plane, dark: Plane?) -> MasterArm {
        precondition(!frames.isEmpty, "at least one LED flat")
        let layout = frames[0].layout
        let corrected = frames.map { OverscanCorrection.corrected($0) }
        let planes = zip(frames, corrected).map { f, c -> Plane in
            var p = c.plane.subtracting(bias)
            if let dark { p = p.subtracting(dark, scale: Float(f.darkTime)) }
            return p
        }
        let ron = corrected.flatMap(\.levels.readNoise).max() ?? 1
        let gain = frames[0].gains.min() ?? 1
        let result = StackCombine.combine(planes, kappa: 5) { v in (ron * ron + max(v, 0) / gain).squareRoot() }
        let smooth = illumination(result.mean, layout: layout)
        var flat = result.mean, variance = result.variance
        for i in flat.pixels.indices {
            let s = smooth.pixels[i]
            flat.pixels[i] = s > 0 ? flat.pixels[i] / s : 0
            variance.pixels[i] = s > 0 ? variance.pixels[i] / (s * s) : 0
        }
        var cards: [FITSCard] = [
            FITSCard(keyword: "EXTNAME", value: .string(frames[0].arm.headerName)),
            FITSCard(keyword: "BUNIT", value: .string("")),
            FITSCard(keyword: "NCOMBINE", value: .int(Int64(frames.count))),
            FITSCard(keyword: "HIERARCH QMOST QC FLAT LEVEL", value: .double(Double(smooth.pixels.reduce(0, +)) / Double(smooth.pixels.count)),
                     comment: "mean illumination [adu]"),
        ]
        cards += MasterBias.imageStatistics(flat, prefix: "FLAT")
        return MasterArm(arm: frames[0].arm, image: flat, variance: variance, cards: cards)
    }

    /// The smooth illumination of `plane`: block medians per output, bilinearly interpolated.
    static func illumination(_ plane: Plane, layout: DetectorGeometry) -> Plane {
        var out = Plane(width: plane.width, height: plane.height)
        for amp in layout.amplifiers {
            let x0 = amp.trimmed.lowerBound, width = amp.trimmed.count
            let nx = max(1, width / blockSize), ny = max(1, plane.height / blockSize)
            var grid = [Double](repeating: 0, count: nx * ny)
            for by in 0..<ny {
                for bx in 0..<nx {
                    var values: [Double] = []
                    let xa = x0 + bx * width / nx, xb = x0 + (bx + 1) * width / nx
                    let ya = by * plane.height / ny, yb = (by + 1) * plane.height / ny
                    values.reserveCapacity((xb - xa) * (yb - ya))
                    for y in ya..<yb { for x in xa..<xb { values.append(Double(plane[x, y])) } }
                    grid[by * nx + bx] = RobustStatistics.median(values) ?? 0
                }
            }
            let smooth = CoarseGrid(nx: nx, ny: ny, values: grid).interpolated(width: width, height: plane.height)
            for y in 0..<plane.height { for x in 0..<width { out[x0 + x, y] = smooth[y * width + x] } }
        }
        return out
    }
}
