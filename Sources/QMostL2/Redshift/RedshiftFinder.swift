import Foundation
import QMostFFT
import QMostL1

/// Tunables of 4XP-Z; the defaults follow seed 10.2.1.2.3 and 10.2.2 where they give numbers.
public struct RedshiftSettings: Sendable, Equatable {
    /// Step of the log-wavelength cross-correlation grid (Δ ln λ; 1e-4 is 30 km/s, finer than a 4MOST LRS
    /// resolution element of ~55 km/s).
    public var logStep = 1e-4
    /// CCF peaks followed per class ("the 5 most significant peaks for each template type").
    public var peaksPerClass = 5
    /// Solutions refined and reported ("the 5 best solutions ... are kept").
    public var solutionsKept = 5
    /// Terms of the Chebyshev polynomial fitted with the components (T0…T2).
    public var chebyshevTerms = 3
    /// Bad-pixel fraction above which the flag is raised (seed: 230 of 23,201, 1%).
    public var badPixelFraction = 0.01
    /// Median S/N per Å below which the flag is raised. The seed puts it at 0.5 per pixel "to be determined during
    /// validation"; 2 per Å (1 per 0.25 Å pixel) is where the bench verifies the redshift requirements, so a
    /// spectrum below it has no verified redshift.
    public var lowSNRPerAngstrom = 2.0
    /// Δχ² to the second solution below which two solutions count as similar (redrock's 9).
    public var similarDeltaChiSquare = 9.0
    /// Reduced χ² above which the best fit counts as poor.
    public var highReducedChiSquare = 2.0
    /// CCF significance (σ) below which the best solution is flagged (seed: 3σ).
    public var minimumCorrelationSignificance = 3.0
    /// Solutions of one class closer than this (km/s) are the same solution.
    public var distinctVelocity = 1000.0
    /// Eigen-spectra each class is cross-correlated with. The seed uses only the first; here the scan fits the
    /// whole basis at every lag (its height is the χ² that fit gains), since the first galaxy component alone missed
    /// the true redshift of real LRGs.
    public var correlationComponents: [SpectralClass: Int] = [.galaxy: PCATemplate.lanes, .qso: PCATemplate.lanes, .star: PCATemplate.lanes]

    public init() {}
}

/// 4XP-Z, the xPCA redshift finder of seed 10.2.1.2.3: a fast cross-correlation of the spectrum with each
/// template's first component on an oversampled log-λ grid picks the 5 strongest peaks per class; the PCA
/// components plus a low-order Chebyshev polynomial are then fitted by χ² on the spectrum's own linear grid on a
/// refined redshift grid around the best of them; the solutions are ranked by χ² (with the prior, if any), and
/// the error comes from the curvature of χ² in redshift.
public struct RedshiftFinder: Sendable {
    public let templates: [PCATemplate]
    public let settings: RedshiftSettings
    let grid: LogWavelengthGrid
    /// Each template's correlation basis, over its whole rest range.
    let correlationTemplates: [CorrelationBasis]

    public init(templates: [PCATemplate], settings: RedshiftSettings = RedshiftSettings()) {
        precondition(!templates.isEmpty, "4XP-Z needs at least one template")
        self.templates = templates
        self.settings = settings
        grid = LogWavelengthGrid(step: settings.logStep)
        correlationTemplates = templates.map { [grid] t in
            CorrelationPreparation.template(t, rest: t.restRange, grid: grid,
                                            block: CorrelationPreparation.continuumBlock(t.spectralClass, step: grid.step),
                                            components: settings.correlationComponents[t.spectralClass] ?? 1)
        }
    }

    /// A CCF peak: a template at a (fractional) lag.
    struct Candidate {
        var template: Int
        var lag: Double
        /// √(χ² gained) by the scan's fit at the lag, and that above the scan's median in robust σ.
        var height: Double
        var significance: Double
        var fit: TemplateFit?
        var score: Double
    }

    /// Measures the redshift of `spectrum`.
    public func measure(_ spectrum: L2Spectrum, prior: RedshiftPrior? = nil) -> RedshiftResult {
        let pixels = FitPixels(spectrum, chebyshevTerms: settings.chebyshevTerms)
        let bad = pixels.maskedPixels + pixels.outlierPixels
        let snr = spectrum.medianSNRPerPixel
        var flags: RedshiftFlags = []
        if Double(bad) > settings.badPixelFraction * Double(pixels.totalPixels) { flags.insert(.manyBadPixels) }
        if spectrum.perAngstrom(snr) < settings.lowSNRPerAngstrom { flags.insert(.lowSNR) }
        func finish(_ kept: [RedshiftSolution], delta: Double) -> RedshiftResult {
            RedshiftResult(best: kept.first, alternatives: Array(kept.dropFirst()), flags: flags, deltaChiSquare: delta,
                           medianSNRPerPixel: snr, badPixels: bad, pixels: pixels.totalPixels)
        }
        guard pixels.count > 10 * (PCATemplate.lanes + settings.chebyshevTerms) else {
            flags.formUnion([.fewCorrelationPeaks, .illDefinedMinimum, .undeterminedError])
            return finish([], delta: .infinity)
        }

        // Cross-correlation peaks per class: the highest of each template's distinct peaks.
        let observed = pixels.wavelength[0]...pixels.wavelength[pixels.count - 1]
        var candidates: [Candidate] = []
        for spectralClass in SpectralClass.allCases {
            var signal: CorrelationSignal?
            var peaks: [Candidate] = []
            for (index, t) in templates.enumerated() where t.spectralClass == spectralClass {
                guard let zRange = t.redshifts(covering: observed) else { continue }
                let s = signal ?? CorrelationPreparation.spectrum(pixels, grid: grid, block: CorrelationPreparation.continuumBlock(spectralClass, step: grid.step))
                signal = s
                peaks += correlationPeaks(s, template: index, redshifts: zRange)
            }
            peaks.sort { $0.height > $1.height }
            candidates += peaks.prefix(settings.peaksPerClass)
        }
        if candidates.count < settings.peaksPerClass { flags.insert(.fewCorrelationPeaks) }
        guard !candidates.isEmpty else {
            flags.formUnion([.illDefinedMinimum, .undeterminedError])
            return finish([], delta: .infinity)
        }

        // χ² at each peak; the best few, and the best of each class, refined.
        for i in candidates.indices {
            let t = templates[candidates[i].template], z = grid.redshift(ofLag: candidates[i].lag)
            candidates[i].fit = pixels.fit(t, redshift: z)
            if candidates[i].fit == nil { flags.insert(.fitNotConverged) }
            candidates[i].score = (candidates[i].fit?.chiSquare ?? .infinity) + (prior?.penalty(z, t.spectralClass) ?? 0)
        }
        candidates.sort { $0.score < $1.score }
        var chosen = Array(candidates.filter { $0.fit != nil }.prefix(settings.solutionsKept))
        for spectralClass in SpectralClass.allCases {
            if let best = candidates.first(where: { $0.fit != nil && templates[$0.template].spectralClass == spectralClass }),
               !chosen.contains(where: { $0.template == best.template && $0.lag == best.lag }) {
                chosen.append(best)
            }
        }
        var refined: [(solution: RedshiftSolution, score: Double, flags: RedshiftFlags)] = []
        for c in chosen {
            guard let r = refine(c, pixels: pixels, prior: prior) else { continue }
            if let j = refined.firstIndex(where: { same($0.solution, r.solution) }) {
                if r.score < refined[j].score { refined[j] = r }
            } else {
                refined.append(r)
            }
        }
        guard !refined.isEmpty else {
            flags.formUnion([.fitNotConverged, .illDefinedMinimum, .undeterminedError])
            return finish([], delta: .infinity)
        }
        refined.sort { $0.score < $1.score }
        refined = Array(refined.prefix(settings.solutionsKept))
        let bestScore = refined[0].score
        let weights = refined.map { exp(-0.5 * ($0.score - bestScore)) }
        let total = weights.reduce(0, +)
        var kept = refined.map(\.solution)
        for i in kept.indices { kept[i].confidence = weights[i] / total }
        flags.formUnion(refined[0].flags)
        let delta = refined.count > 1 ? refined[1].score - bestScore : .infinity
        if delta < settings.similarDeltaChiSquare { flags.insert(.similarSolutions) }
        if kept[0].reducedChiSquare > settings.highReducedChiSquare { flags.insert(.highReducedChiSquare) }
        if !(kept[0].correlationSignificance >= settings.minimumCorrelationSignificance) { flags.insert(.lowCorrelationSignificance) }
        return finish(kept, delta: delta)
    }

    /// Whether two solutions are one: the same class within ``RedshiftSettings/distinctVelocity``.
    func same(_ a: RedshiftSolution, _ b: RedshiftSolution) -> Bool {
        a.spectralClass == b.spectralClass
            && abs(log((1 + a.redshift) / (1 + b.redshift))) * 299_792.458 < settings.distinctVelocity
    }

    /// The local maxima of the correlation of `signal` with template `index` at lags inside `redshifts`, with
    /// their significance: height above the median in robust σ of the heights over those lags and 500 bins
    /// either side (so a star's narrow velocity range still has a background to measure against).
    func correlationPeaks(_ signal: CorrelationSignal, template index: Int, redshifts: ClosedRange<Double>) -> [Candidate] {
        let t = correlationTemplates[index]
        let lagMin = Int(grid.lag(ofRedshift: redshifts.lowerBound).rounded(.up))
        let lagMax = Int(grid.lag(ofRedshift: redshifts.upperBound).rounded(.down))
        guard lagMax >= lagMin else { return [] }
        let margin = 500
        // Template bins m = n − lag for n in the signal and lag in the widened range.
        let from = max(t.start, signal.start - (lagMax + margin)), to = min(t.end, signal.end - (lagMin - margin))
        guard to > from else { return [] }
        let slices = t.components.map { Array($0[(from - t.start)..<(to - t.start)]) }
        let ccfs = FFT.linearCrossCorrelate(signal.values, each: slices)
        // c[k] = Σ_i s[i] b[i + k]: bin n = signal.start + i meets m = from + i + k = n − lag. These are the
        // right-hand sides r of the normal equations of a fit of the components at that lag; the normal matrix M is
        // the mean weight times the components' products summed over the template bins the spectrum overlaps. The
        // height is √(rᵀM⁻¹r), the square root of the χ² the fit gains, signed by the first component's amplitude
        // (a negative mean galaxy is no galaxy). Computed once over the widened range: `heights[lag − first]`.
        let n = ccfs.count
        let first = lagMin - margin
        var matrix = [Double](repeating: 0, count: n * n), lower = matrix, rhs = [Double](repeating: 0, count: n), y = rhs
        let minimumOverlap = max(10, (signal.end - signal.start) / 5)
        let heights: [Double?] = (first...(lagMax + margin)).map { lag in
            let k = signal.start - from - lag
            guard let c0 = ccfs.first, c0.lags.contains(k) else { return nil }
            let lo = max(t.start, signal.start - lag) - t.start, hi = min(t.end, signal.end - lag) - t.start
            guard hi - lo >= minimumOverlap else { return nil }
            for c in 0..<n {
                rhs[c] = ccfs[c][lag: k]
                for d in c..<n {
                    let base = t.pair(c, d) * (t.count + 1)
                    matrix[c * n + d] = signal.meanWeight * (t.pairSums[base + hi] - t.pairSums[base + lo])
                }
            }
            return CorrelationGain.signedRoot(matrix: matrix, rhs: rhs, size: n, lower: &lower, solution: &y)
        }
        // Every fourth lag: the heights are correlated over a resolution element (~2 lags), so the others add
        // sorting, not information, to the background's median and spread.
        let background = stride(from: 0, to: heights.count, by: 4).compactMap { heights[$0] }
        guard background.count >= 5, let median = RobustStatistics.median(background) else { return [] }
        let sigma = RobustStatistics.madSigma(background, around: median)
        guard sigma > 0 else { return [] }
        func height(_ lag: Int) -> Double { heights[lag - first] ?? -.infinity }
        var maxima: [Int] = []
        for lag in lagMin...lagMax {
            let c = height(lag)
            if c > median && c > height(lag - 1) && c >= height(lag + 1) { maxima.append(lag) }
        }
        // Distinct peaks only: a broad quasar peak has many noise maxima, which would crowd out the other
        // redshifts; a maximum within the exclusion of a higher one is the same peak.
        maxima.sort { height($0) > height($1) }
        let exclusion = Int((exclusionVelocity(templates[index].spectralClass) / 299_792.458 / grid.step).rounded())
        var kept: [Int] = []
        for lag in maxima where kept.count < settings.peaksPerClass {
            if !kept.contains(where: { abs($0 - lag) <= exclusion }) { kept.append(lag) }
        }
        return kept.map { lag in
            // The vertex of the parabola through the peak and its neighbours, for the first fit.
            let l = height(lag - 1), c = height(lag), r = height(lag + 1)
            let curvature = l - 2 * c + r
            let offset = l.isFinite && r.isFinite && curvature < 0 ? min(0.5, max(-0.5, 0.5 * (l - r) / curvature)) : 0
            return Candidate(template: index, lag: Double(lag) + offset, height: c, significance: (c - median) / sigma, fit: nil, score: .infinity)
        }
    }

    /// Velocity within which two CCF maxima of one template are one peak: ``RedshiftSettings/distinctVelocity``,
    /// three times that for quasars, whose lines are thousands of km/s wide.
    func exclusionVelocity(_ spectralClass: SpectralClass) -> Double {
        spectralClass == .qso ? 3 * settings.distinctVelocity : settings.distinctVelocity
    }

    /// The χ² minimum near a CCF peak: half-bin steps until the minimum is bracketed, quarter steps around it,
    /// and a parabola through the central five; σ_z from its curvature (Δχ² = 1).
    func refine(_ c: Candidate, pixels: FitPixels, prior: RedshiftPrior?) -> (solution: RedshiftSolution, score: Double, flags: RedshiftFlags)? {
        let t = templates[c.template]
        let d = grid.step
        guard let zRange = t.redshifts(covering: pixels.wavelength[0]...pixels.wavelength[pixels.count - 1]) else { return nil }
        let uRange = log1p(zRange.lowerBound)...log1p(zRange.upperBound)
        var memo: [Double: TemplateFit] = [:]
        var flags: RedshiftFlags = []
        func score(_ u: Double) -> Double {
            let u = min(max(u, uRange.lowerBound), uRange.upperBound)
            if memo[u] == nil {
                guard let f = pixels.fit(t, redshift: expm1(u)) else { flags.insert(.fitNotConverged); return .infinity }
                memo[u] = f
            }
            return memo[u]!.chiSquare + (prior?.penalty(expm1(u), t.spectralClass) ?? 0)
        }
        var centre = c.lag * d
        if let f = c.fit { memo[centre] = f }
        // The scan put the peak within a bin of the minimum: half-bin steps downhill until it is bracketed
        // (two-bin steps for a quasar's wide valley), then halved to a quarter bin. A walk that leaves the
        // peak's neighbourhood has not found this peak's minimum.
        let qso = t.spectralClass == .qso
        let reach = (qso ? 40 : 8) * d
        var h = (qso ? 2 : 0.5) * d, bracketed = false
        let origin = centre
        while abs(centre - origin) <= reach {
            let here = score(centre), left = score(centre - h), right = score(centre + h)
            if here <= left && here <= right {
                bracketed = true
                break
            }
            centre += left < right ? -h : h
        }
        if !bracketed { flags.insert(.illDefinedMinimum) }
        while h > 0.25 * d {
            h /= 2
            let left = score(centre - h), right = score(centre + h), here = score(centre)
            if left < here && left <= right { centre -= h } else if right < here { centre += h }
        }
        let offsets = [-0.5, -0.25, 0, 0.25, 0.5].map { $0 * d }
        let values = offsets.map { score(centre + $0) }
        guard values.allSatisfy(\.isFinite) else { return nil }
        // Least-squares parabola v = a x² + b x + c over the five points (x in units of d).
        let xs = offsets.map { $0 / d }
        var s = [Double](repeating: 0, count: 5), sv = [Double](repeating: 0, count: 3)
        for (x, v) in zip(xs, values) {
            var p = 1.0
            for k in 0..<5 { s[k] += p; p *= x }
            sv[0] += v; sv[1] += v * x; sv[2] += v * x * x
        }
        let m = [s[4], s[3], s[2], s[3], s[2], s[1], s[2], s[1], s[0]]
        var best = centre + offsets[values.indices.min { values[$0] < values[$1] }!]
        var curvature = Double.nan
        if let abc = LinearSolve.symmetricPositiveDefinite(m, [sv[2], sv[1], sv[0]], size: 3), abc[0] > 0 {
            let vertex = -abc[1] / (2 * abc[0])
            curvature = abc[0] / (d * d)
            if abs(vertex) <= 0.5 {
                let u = centre + vertex * d
                if score(u) <= values.min()! { best = u }
            } else {
                flags.insert(.illDefinedMinimum)
            }
        } else {
            flags.insert(.illDefinedMinimum)
        }
        let bestScore = score(best)
        guard let fit = memo[min(max(best, uRange.lowerBound), uRange.upperBound)] else { return nil }
        let z = expm1(best)
        var error = curvature > 0 ? (1 + z) / curvature.squareRoot() : .nan
        if !(error.isFinite && error > 0) { flags.insert(.undeterminedError); error = .nan }
        let depth = min(score(centre - d), score(centre + d)) - bestScore
        let dof = max(1, pixels.count - t.componentCount - pixels.chebyshevTerms)
        let solution = RedshiftSolution(
            redshift: z, error: error, spectralClass: t.spectralClass, subtype: t.subtype, template: t.name,
            chiSquare: fit.chiSquare, reducedChiSquare: fit.chiSquare / Double(dof), valleyDepth: depth,
            correlationSignificance: c.significance, confidence: 0)
        return (solution, bestScore, flags)
    }
}
