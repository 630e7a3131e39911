import Foundation

/// Spectra and templates made ready for the radial-velocity correlation (seed 10.1.1.2): divided by their
/// continuum, then "scaled to have a mean of 0 and standard deviation of 1".
enum VelocitySignal {
    /// Continuum blocks of 1.5% of λ, as 4XP-Z uses for stars: wide enough to pass over the Mg b and Ca
    /// triplet blends, narrow enough to follow the TiO bands' steps only loosely.
    static func continuumBlock(step: Double) -> Int { CorrelationPreparation.continuumBlock(.star, step: step) }

    /// Normalises `values` in place: divided by their block-median continuum, minus 1, then shifted and scaled
    /// to mean 0 and standard deviation 1 over the usable bins (weighted by `weights` when given). Unusable bins,
    /// and bins under a continuum that is not positive (noise on a faint spectrum), become 0 and unusable.
    /// Returns the continuum and the scale divided by last, so that weights can follow; nil when nothing is usable.
    @discardableResult
    static func normalise(_ values: inout [Double], usable: inout [Bool], weights: [Double]?, block: Int) -> (continuum: [Double], scale: Double)? {
        guard let continuum = CorrelationPreparation.continuum(values, usable: usable, block: block) else {
            values = [Double](repeating: 0, count: values.count)
            return nil
        }
        var sumW = 0.0, sumWS = 0.0
        for k in values.indices {
            guard usable[k], continuum[k] > 0 else { usable[k] = false; values[k] = 0; continue }
            values[k] = values[k] / continuum[k] - 1
            let w = weights.map { $0[k] * continuum[k] * continuum[k] } ?? 1
            sumW += w
            sumWS += w * values[k]
        }
        guard sumW > 0 else { return nil }
        let mean = sumWS / sumW
        var sumWSS = 0.0
        for k in values.indices where usable[k] {
            values[k] -= mean
            sumWSS += (weights.map { $0[k] * continuum[k] * continuum[k] } ?? 1) * values[k] * values[k]
        }
        let scale = (sumWSS / sumW).squareRoot()
        guard scale > 0 else { return nil }
        for k in values.indices where usable[k] { values[k] /= scale }
        return (continuum, scale)
    }

    /// A spectrum on a bank's grid: its usable pixels linearly interpolated at each bin centre between its first
    /// and last pixel (a bin across a gap wider than 2.5 pixels stays unusable), normalised, with each bin's
    /// inverse variance in normalised units scaled by the bin's share of a pixel, so that sums over bins count
    /// each pixel's information once.
    struct Prepared {
        /// Bank bin of `values[0]`.
        var start: Int
        var values: [Double]
        var weights: [Double]
        var usable: [Bool]
        var usableBins: Int
    }

    static func prepare(_ pixels: FitPixels, bank: VelocityTemplateBank) -> Prepared? {
        guard pixels.count >= 16 else { return nil }
        let wl = pixels.wavelength
        let start = max(Int((log(wl[0]) / bank.step).rounded(.up)), bank.firstBin)
        let end = min(Int((log(wl[pixels.count - 1]) / bank.step).rounded(.down)), bank.firstBin + bank.count - 1)
        guard end > start else { return nil }
        var spacings = zip(wl.dropFirst(), wl).map { $0 - $1 }
        spacings.sort()
        let typical = spacings[spacings.count / 2]
        let n = end - start + 1
        var values = [Double](repeating: 0, count: n), ivar = values, usable = [Bool](repeating: false, count: n)
        var p = 0
        for k in 0..<n {
            let lambda = exp(Double(start + k) * bank.step)
            while p + 2 < pixels.count && wl[p + 1] <= lambda { p += 1 }
            let gap = wl[p + 1] - wl[p]
            guard lambda >= wl[p], lambda <= wl[p + 1], gap <= 2.5 * typical else { continue }
            let f = (lambda - wl[p]) / gap
            values[k] = pixels.flux[p] * (1 - f) + pixels.flux[p + 1] * f
            let variance = (1 / pixels.weight[p]) * (1 - f) + (1 / pixels.weight[p + 1]) * f
            ivar[k] = lambda * bank.step / gap / variance
            usable[k] = true
        }
        guard let (continuum, scale) = normalise(&values, usable: &usable, weights: ivar, block: continuumBlock(step: bank.step)) else { return nil }
        var weights = [Double](repeating: 0, count: n)
        var count = 0
        for k in 0..<n where usable[k] {
            weights[k] = ivar[k] * continuum[k] * continuum[k] * scale * scale
            count += 1
        }
        return Prepared(start: start, values: values, weights: weights, usable: usable, usableBins: count)
    }
}
