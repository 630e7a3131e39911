import Foundation
import QMostCore

/// Combining spectra on aligned grids by inverse-variance weighting: the joined spectrum of an LRS exposure
/// (seed 9.1.17) and the OB, night and deep stacks of a target (seed 11.5) are both this operation.
public enum InverseVarianceCombination {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The grids do not share a bin size, or their bins are not aligned.
        case misalignedGrids(String)
        case nothingToCombine

        public var description: String {
            switch self {
            case .misalignedGrids(let why): "cannot combine: \(why)"
            case .nothingToCombine: "cannot combine: no spectra"
            }
        }
    }

    /// The grid covering every input: the common step, from the bluest first bin to the reddest last one.
    public static func union(_ grids: [SpectralGrid]) throws(Failure) -> SpectralGrid {
        guard let first = grids.first else { throw .nothingToCombine }
        let step = first.step
        for g in grids {
            guard abs(g.step - step) <= 1e-9 * step else { throw .misalignedGrids("bin sizes \(g.step) and \(step) Å differ") }
            let offset = (g.start - first.start) / step
            guard abs(offset - offset.rounded()) < 1e-6 else { throw .misalignedGrids("the grid starting at \(g.start) Å is not on the \(step) Å bins of \(first.start) Å") }
        }
        let start = grids.map(\.start).min()!, end = grids.map(\.end).max()!
        return SpectralGrid(start: start, step: step, count: Int(((end - start) / step).rounded()) + 1)
    }

    /// The inverse-variance weighted mean of `spectra` on the union of their grids; a bin no input covers with
    /// a good value is ``CalibratedSpectrum/noData`` with the inputs' bits. With `kappa`, a value more than
    /// κσ from the weighted mean of the others (a cosmic ray or artefact one exposure has) is left out, when at
    /// least three inputs cover the bin.
    public static func combine(_ spectra: [CalibratedSpectrum], kappa: Double? = nil) throws(Failure) -> CalibratedSpectrum {
        let grid = try union(spectra.map(\.grid))
        let offsets = spectra.map { Int((($0.grid.start - grid.start) / grid.step).rounded()) }
        var flux = [Float](repeating: 0, count: grid.count), variance = flux
        var mask = [UInt8](repeating: 0, count: grid.count)
        var values: [(f: Double, w: Double)] = []
        for i in 0..<grid.count {
            values.removeAll(keepingCapacity: true)
            var bits: UInt8 = 0
            for (s, o) in zip(spectra, offsets) {
                let j = i - o
                guard j >= 0, j < s.grid.count else { continue }
                if s.isGood(j) { values.append((Double(s.flux[j]), 1 / Double(s.variance[j]))) } else { bits |= s.mask[j] }
            }
            if let kappa, values.count >= 3 { values = clipped(values, kappa: kappa) }
            let sw = values.reduce(0) { $0 + $1.w }
            guard sw > 0 else {
                mask[i] = bits | CalibratedSpectrum.noData
                continue
            }
            flux[i] = Float(values.reduce(0) { $0 + $1.w * $1.f } / sw)
            variance[i] = Float(1 / sw)
        }
        return CalibratedSpectrum(grid: grid, flux: flux, variance: variance, mask: mask)
    }

    /// The values left after rejecting, one at a time, the value farthest from the weighted mean of the others
    /// while it is more than κσ away and three or more remain (leave-one-out, so an outlier cannot drag the mean
    /// it is tested against; one at a time, so one huge outlier cannot push its honest neighbours out with it).
    static func clipped(_ values: [(f: Double, w: Double)], kappa: Double) -> [(f: Double, w: Double)] {
        var kept = values
        while kept.count >= 3 {
            let sw = kept.reduce(0) { $0 + $1.w }, swf = kept.reduce(0) { $0 + $1.w * $1.f }
            var worst = -1, worstZ = 0.0
            for (k, v) in kept.enumerated() {
                let w = sw - v.w
                guard w > 0 else { continue }
                // σ of the difference: the value's own and the others' mean's.
                let z = abs(v.f - (swf - v.w * v.f) / w) / (1 / v.w + 1 / w).squareRoot()
                if z > worstZ { worstZ = z; worst = k }
            }
            guard worst >= 0, worstZ > kappa else { break }
            kept.remove(at: worst)
        }
        return kept
    }
}
