import Foundation
import QMostCore

/// A master sky spectrum: the clipped mean of the sky fibres at each bin, on the flat-fielded scale where every
/// fibre of unit relative throughput sees the same sky (seed 9.1.14).
public struct MasterSky: Sendable, Equatable {
    public var grid: SpectralGrid
    /// Electrons per bin of a unit-throughput fibre.
    public var flux: [Float]
    /// Variance of `flux`: the kept fibres' variances summed over the square of their number.
    public var variance: [Float]
    /// Sky fibres kept at each bin (0 where none had data: flux and variance are zero there).
    public var fibresUsed: [Int]
    /// Bins on or near a bright sky line, where the per-fibre line scaling applies and residuals are largest.
    public var lineBins: [Bool]
    /// The sky continuum under the lines: a running mean over the bins off the lines.
    public var continuum: [Float]
}

/// What sky subtraction gives back: the sky-subtracted spectra, the spectra before subtraction (the product's
/// `FLUX_NOSS`), the master sky, each fibre's line scale, and any warnings.
public struct SkySubtracted: Sendable {
    public var spectra: RebinnedSpectra
    /// The flat-fielded spectra before the sky was subtracted.
    public var unsubtracted: RebinnedSpectra
    public var masterSky: MasterSky
    /// The factor applied to the master sky's lines for each fibre (1 where no line scaling was fitted).
    public var lineScales: [Double]
    /// Bins with data in their fibre but none in any sky fibre (the ends of the coverage); flagged
    /// ``RebinnedSpectra/outsideCoverage`` and zeroed.
    public var binsWithoutSky: Int
    public var warnings: [String]
}

/// Subtracts the sky measured in the sky fibres from every fibre of one flat-fielded arm (seed 9.1.14).
///
/// The spectra must have been divided by the fibre flat (``FibreFlatField/apply(to:)``), which scales the sky to each
/// fibre's throughput (seed 9.1.14: "internal scaling of the fibre throughput to determine the correct amount of sky
/// continuum to subtract"). Where the master sky has bright lines, each fibre's line strength relative to the master
/// may be fitted and applied to the lines only (seed 9.1.14: "compare the scale of the emission line peaks").
public struct SkySubtraction: Sendable {
    /// Rejection threshold, in each value's own σ, about the median of the sky fibres.
    public var kappa: Double
    /// Below this fraction of sky fibres a warning is returned (seed 9.1.14: "should not go below 5%").
    public var minimumSkyFraction: Double
    /// Fit and apply a per-fibre scale to the sky lines.
    public var lineScaling: Bool
    /// A bin is on a bright line where the master exceeds its continuum by this many single-fibre σ.
    public var lineThreshold: Double
    /// Bins each side of a line bin that are also treated as the line (the LSF's wings).
    public var lineDilation: Int
    /// Half-width in bins of the continuum's running mean.
    public var continuumHalfWidth: Int

    public init(kappa: Double = 4, minimumSkyFraction: Double = 0.05, lineScaling: Bool = true, lineThreshold: Double = 5,
                lineDilation: Int = 8, continuumHalfWidth: Int = 40) {
        self.kappa = kappa
        self.minimumSkyFraction = minimumSkyFraction
        self.lineScaling = lineScaling
        self.lineThreshold = lineThreshold
        self.lineDilation = lineDilation
        self.continuumHalfWidth = continuumHalfWidth
    }

    /// The master sky from the fibres `skyFibres` (row indices into `spectra`).
    public func masterSky(_ spectra: RebinnedSpectra, skyFibres: [Int]) -> MasterSky {
        let nb = spectra.grid.count
        var flux = [Float](repeating: 0, count: nb), variance = flux, used = [Int](repeating: 0, count: nb)
        var single = [Double](repeating: 0, count: nb)
        var values: [(v: Double, e: Double)] = []
        for i in 0..<nb {
            values.removeAll(keepingCapacity: true)
            for f in skyFibres where spectra.mask[f * nb + i] == 0 {
                values.append((Double(spectra.flux[f * nb + i]), Double(spectra.variance[f * nb + i])))
            }
            guard !values.isEmpty else { continue }
            // Clipped mean: about the median first, then about the mean of those kept. Each value is judged by its own
            // σ plus the fibres' robust spread, so that real differences between fibres (a line sampled at different
            // pixel phases) are not rejected while a cosmic-ray remnant in one fibre is.
            let v = values.map(\.v)
            var centre = RobustStatistics.median(v)!
            let spread = values.count >= 3 ? RobustStatistics.madSigma(v, around: centre) : 0
            var kept = values
            for _ in 0..<3 {
                let next = values.filter { abs($0.v - centre) <= kappa * ($0.e + spread * spread).squareRoot() }
                guard !next.isEmpty else { break }
                let converged = next.count == kept.count
                kept = next
                centre = kept.reduce(0) { $0 + $1.v } / Double(kept.count)
                if converged { break }
            }
            let n = Double(kept.count)
            flux[i] = Float(centre)
            let sumVar = kept.reduce(0) { $0 + $1.e }
            variance[i] = Float(sumVar / (n * n))
            single[i] = sumVar / n
            used[i] = kept.count
        }
        // Bright lines: the master above its continuum by lineThreshold single-fibre σ, then dilated.
        var onLine = [Bool](repeating: false, count: nb)
        var use = used.map { $0 > 0 }
        var continuum = [Double](repeating: 0, count: nb)
        for _ in 0..<3 {
            let c = SpectralSmoothing.runningMean(flux.map(Double.init), use: use, halfWidth: continuumHalfWidth, minimum: 5)
            continuum = c.map { $0 ?? 0 }
            var peak = [Bool](repeating: false, count: nb)
            for i in 0..<nb where used[i] > 0 && c[i] != nil {
                peak[i] = Double(flux[i]) - continuum[i] > lineThreshold * single[i].squareRoot()
            }
            onLine = [Bool](repeating: false, count: nb)
            for i in 0..<nb where peak[i] {
                for j in max(0, i - lineDilation)...min(nb - 1, i + lineDilation) { onLine[j] = true }
            }
            use = (0..<nb).map { used[$0] > 0 && !onLine[$0] }
        }
        return MasterSky(grid: spectra.grid, flux: flux, variance: variance, fibresUsed: used, lineBins: onLine,
                         continuum: continuum.map { Float($0) })
    }

    /// Subtracts the master sky of `skyFibres` (row indices into `spectra`, which must be flat-fielded) from every fibre.
    public func subtract(_ spectra: RebinnedSpectra, skyFibres: [Int]) -> SkySubtracted {
        let nf = spectra.slitPositions.count, nb = spectra.grid.count
        var warnings: [String] = []
        let fraction = nf > 0 ? Double(skyFibres.count) / Double(nf) : 0
        if fraction < minimumSkyFraction {
            warnings.append(String(format: "%@: only %d of %d fibres (%.1f%%) are sky fibres, under the %.0f%% the sky subtraction needs",
                                   spectra.arm.headerName, skyFibres.count, nf, 100 * fraction, 100 * minimumSkyFraction))
        }
        let master = masterSky(spectra, skyFibres: skyFibres)
        let lineCount = master.lineBins.filter { $0 }.count
        var scales = [Double](repeating: 1, count: nf)
        if lineScaling && lineCount >= 10 {
            for f in 0..<nf { scales[f] = lineScale(spectra, fibre: f, master: master) }
        }
        var out = spectra
        var noSky = 0
        for f in 0..<nf {
            for i in 0..<nb {
                let k = f * nb + i
                guard master.fibresUsed[i] > 0 else {
                    if spectra.mask[k] == 0 { noSky += 1 }  // ends of the coverage the sky fibres do not reach
                    out.mask[k] |= RebinnedSpectra.outsideCoverage
                    out.flux[k] = 0
                    out.variance[k] = 0
                    continue
                }
                let line = master.lineBins[i] ? Double(master.flux[i] - master.continuum[i]) : 0
                let s = scales[f]
                let sky = Double(master.flux[i]) + (s - 1) * line
                // The continuum part carries the master's variance at unit scale, the line part at its own scale.
                let skyVar = Double(master.variance[i]) * (master.lineBins[i] ? s * s : 1)
                out.flux[k] = Float(Double(spectra.flux[k]) - sky)
                out.variance[k] = Float(Double(spectra.variance[k]) + skyVar)
            }
        }
        return SkySubtracted(spectra: out, unsubtracted: spectra, masterSky: master, lineScales: scales, binsWithoutSky: noSky,
                             warnings: warnings)
    }

    /// The least-squares scale of the master's lines to the fibre's own: per line (a run of line bins) the master's
    /// flux above its continuum against the fibre's above the fibre's continuum off the lines, summed over the run so
    /// that the pixel phase at which each fibre samples the line does not matter; variance-weighted over the lines.
    /// 1 when there is no line or the fit is not significant to 5%, clamped to [0.5, 2].
    func lineScale(_ spectra: RebinnedSpectra, fibre f: Int, master: MasterSky) -> Double {
        let nb = spectra.grid.count
        let values = (0..<nb).map { Double(spectra.flux[f * nb + $0]) }
        let off = (0..<nb).map { spectra.mask[f * nb + $0] == 0 && !master.lineBins[$0] }
        let own = SpectralSmoothing.runningMean(values, use: off, halfWidth: continuumHalfWidth, minimum: 5)
        var sxy = 0.0, sxx = 0.0
        var i = 0
        while i < nb {
            guard master.lineBins[i] else { i += 1; continue }
            var x = 0.0, y = 0.0, variance = 0.0, whole = true
            while i < nb && master.lineBins[i] {
                if spectra.mask[f * nb + i] == 0, master.fibresUsed[i] > 0, let c = own[i] {
                    x += Double(master.flux[i] - master.continuum[i])
                    y += values[i] - c
                    variance += Double(spectra.variance[f * nb + i] + master.variance[i])
                } else {
                    whole = false
                }
                i += 1
            }
            guard whole, variance > 0, x > 0 else { continue }
            sxy += x * y / variance
            sxx += x * x / variance
        }
        guard sxx > 0 else { return 1 }
        let s = sxy / sxx, sigma = 1 / sxx.squareRoot()
        guard s.isFinite, sigma < 0.05 else { return 1 }
        return min(max(s, 0.5), 2)
    }
}
