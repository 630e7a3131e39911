import Foundation
import QMostCore

/// Flux-conserving rebinning of extracted spectra onto a common linear grid (seed 9.1.12: "rebin the final
/// spectra onto a ... linear wavelength scale"): each pixel's electrons are shared among the bins in
/// proportion to the overlap of its edges in λ (from the fibre's solution at x ± ½) with theirs, so every
/// electron lands in exactly one place ("drizzling" with a full-pixel drop, Fruchter & Hook 2002, PASP 114,
/// 144). The variance goes with the square of each share; mask bits go to every bin a pixel touches.
public enum Rebinning {
    /// `spectra` on `grid`, each fibre through its solution in `solutions` (fibres without one come out wholly
    /// ``RebinnedSpectra/outsideCoverage``).
    public static func rebin(_ spectra: ExtractedSpectra, solutions: WavelengthSolutions, onto grid: SpectralGrid) -> RebinnedSpectra {
        let nFibres = spectra.slitPositions.count, nBins = grid.count, nPix = spectra.columns
        var flux = [Float](repeating: 0, count: nFibres * nBins)
        var variance = flux
        var mask = [UInt8](repeating: RebinnedSpectra.outsideCoverage, count: flux.count)
        var edges = [Double](repeating: 0, count: nPix + 1)
        var f = [Double](repeating: 0, count: nBins), v = f
        var m = [UInt8](repeating: 0, count: nBins)
        let firstEdge = grid.start - 0.5 * grid.step, inverseStep = 1 / grid.step
        for fibre in 0..<nFibres {
            guard let solution = solutions.fibre(slitPosition: spectra.slitPositions[fibre]) else { continue }
            for j in 0...nPix { edges[j] = solution.wavelength(atColumn: Double(j) - 0.5) }
            // A solution must increase along the pixels to be used.
            guard zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else { continue }
            for i in 0..<nBins { f[i] = 0; v[i] = 0; m[i] = 0 }
            let base = fibre * nPix
            spectra.flux.withUnsafeBufferPointer { fx in
                spectra.variance.withUnsafeBufferPointer { vx in
                    spectra.mask.withUnsafeBufferPointer { mx in
                        for j in 0..<nPix {
                            let lo = edges[j], hi = edges[j + 1]
                            let first = max(0, Int(((lo - firstEdge) * inverseStep).rounded(.down)))
                            let last = min(nBins - 1, Int(((hi - firstEdge) * inverseStep).rounded(.down)))
                            guard first <= last else { continue }
                            let inverseWidth = 1 / (hi - lo)
                            let e = Double(fx[base + j]), s2 = Double(vx[base + j]), bits = mx[base + j]
                            for i in first...last {
                                let binLo = firstEdge + Double(i) * grid.step
                                let share = (min(hi, binLo + grid.step) - max(lo, binLo)) * inverseWidth
                                guard share > 0 else { continue }
                                f[i] += share * e
                                v[i] += share * share * s2
                                m[i] |= bits
                            }
                        }
                    }
                }
            }
            // Bins wholly inside the fibre's coverage; the rest are flagged and emptied.
            let lowest = max(0, Int(((edges[0] - firstEdge) * inverseStep).rounded(.up)))
            let beyond = min(nBins, Int(((edges[nPix] - firstEdge) * inverseStep).rounded(.down)))
            guard lowest < beyond else { continue }
            let out = fibre * nBins
            for i in lowest..<beyond {
                flux[out + i] = Float(f[i])
                variance[out + i] = Float(v[i])
                mask[out + i] = m[i]
            }
        }
        return RebinnedSpectra(arm: spectra.arm, grid: grid, slitPositions: spectra.slitPositions, flux: flux, variance: variance, mask: mask)
    }
}
