import Foundation
import QMostCore

/// The Fabry–Pérot comb of one arm: its peaks, orders m at λ = P/m (P = 2nd·cosθ, Born & Wolf §7.6), located
/// in every fibre from the fibre's arc solution and fitted as pixel-integrated Gaussians of the LSF widened by
/// the peaks' own Airy width; the path P is then set by the arc lines (seed 9.1.12: the FP gives the relative
/// solution, the arc the absolute scale).
struct FabryPerotComb {
    var etalon: FabryPerot
    var model: ArmModel
    /// LSF σ (pixels) against column, from the arc.
    var lsf: (Double) -> Double
    var isolationFWHM: Double
    var isolationPixels: Double
    var minimumSignificance: Double
    var widthSignificance: Double
    var maximumPeaks: Int
    var widthFibres: Int
    var kappa: Double
    var degree: Int

    /// The peaks of each arc fibre (`rows[f]` its row in `fp`, nil when the FP frame lacks it), clipped
    /// against an FP-only polynomial per fibre. Wavelengths are on the nominal path.
    func measure(_ fp: ExtractedSpectra, rows: [Int?], arcSolutions: [[Double]?]) -> [[LinePoint]] {
        let n = fp.columns
        // Expected peaks per fibre from its arc solution.
        let expected: [[ExpectedLine]] = ParallelMap.map(rows.count) { f in
            guard rows[f] != nil, let c = arcSolutions[f] else { return [] }
            let solution = FibreWavelengthFit(slitPosition: 0, coefficients: c, lamrms: 0, arcLines: 0, fabryPerotPeaks: 0)
            let l0 = solution.wavelength(atColumn: 0), l1 = solution.wavelength(atColumn: Double(n - 1))
            guard l1 > l0 else { return [] }
            let peaks = etalon.peaks(in: l0...l1)
            var guess = 0.0
            var lines: [ExpectedLine] = peaks.map { p in
                let x = solution.column(atWavelength: p.wavelength, guess: guess)
                guess = x
                let intrinsic = etalon.peakFWHM(at: p.wavelength) / 2.354_820_045 / max(solution.dispersion(atColumn: x), 1e-6)
                let s = lsf(x)
                return ExpectedLine(key: p.order, x: x, intensity: 1, sigma: (s * s + intrinsic * intrinsic).squareRoot())
            }
            if lines.count > maximumPeaks {
                let stride = Double(lines.count) / Double(maximumPeaks)
                let chosen = Set((0..<maximumPeaks).map { Int((Double($0) + 0.5) * stride) })
                for i in lines.indices { lines[i].fitted = chosen.contains(i) }
            }
            return lines
        }
        var measurer = LineMeasurer(halfWindow: 3, isolationFWHM: isolationFWHM, isolationPixels: isolationPixels, blendFraction: 0.02,
                                    minimumSignificance: widthSignificance, maximumMove: 1.0)
        measurer.sharedAmplitude = true
        // The peaks' width over the expected one, from the strongest (the Airy width is only nominal).
        let sample = WavelengthCalibration.evenSample(rows.count, at: widthFibres).filter { rows[$0] != nil }
        let ratio = LineWidthScan(measurer: measurer).ratio(sample.map { f in
            let r = rows[f]!
            return .init(flux: fp.flux(fibre: r), variance: fp.variance(fibre: r), mask: fp.mask(fibre: r), expected: expected[f])
        }, columns: n)
        measurer.minimumSignificance = minimumSignificance
        return ParallelMap.map(rows.count) { f -> [LinePoint] in
            guard let r = rows[f], let c = arcSolutions[f] else { return [] }
            let scaled = expected[f].map { var e = $0; e.sigma *= Polynomial.evaluate(ratio, at: e.x); return e }
            let found = measurer.measure(scaled, flux: fp.flux(fibre: r), variance: fp.variance(fibre: r), mask: fp.mask(fibre: r))
            let solution = FibreWavelengthFit(slitPosition: 0, coefficients: c, lamrms: 0, arcLines: 0, fabryPerotPeaks: 0)
            let points = found.map {
                LinePoint(x: $0.x, wavelength: etalon.opticalPath / Double($0.key), error: $0.error * abs(solution.dispersion(atColumn: $0.x)), order: $0.key)
            }
            guard let fit = ClippedPolynomialFit(degree: min(degree, max(1, points.count - 3)), kappa: kappa)
                .fit(x: points.map(\.x), y: points.map(\.wavelength), errors: points.map(\.error)) else { return [] }
            return zip(points, fit.used).filter(\.1).map(\.0)
        }
    }

    /// The path P that makes the FP comb agree with the arc lines: every fibre's polynomial through its arc
    /// lines and its peaks at P/m has a χ² quadratic in the scale P/P₀, and the sum's minimum sets it.
    func path(arcPoints: [[LinePoint]], fpPoints: [[LinePoint]], degree: Int) -> Double {
        let p0 = etalon.opticalPath
        func chiSquare(_ epsilon: Double) -> Double {
            var total = 0.0
            for f in arcPoints.indices where !arcPoints[f].isEmpty && !fpPoints[f].isEmpty {
                let points = arcPoints[f] + fpPoints[f].map { var p = $0; p.wavelength *= 1 + epsilon; return p }
                let w = points.map { 1 / ($0.error * $0.error) }
                guard let c = Polynomial.fit(x: points.map(\.x), y: points.map(\.wavelength), weights: w, degree: degree) else { continue }
                for (p, wi) in zip(points, w) {
                    let r = p.wavelength - Polynomial.evaluate(c, at: p.x)
                    total += wi * r * r
                }
            }
            return total
        }
        let delta = 1e-5
        let a = chiSquare(-delta), b = chiSquare(0), c = chiSquare(delta)
        let curvature = a - 2 * b + c
        guard curvature > 0 else { return p0 }
        let epsilon = 0.5 * delta * (a - c) / curvature
        return p0 * (1 + epsilon)
    }
}
