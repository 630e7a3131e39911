import Foundation

/// A line expected in a spectrum: where the current solution puts it (pixels), how bright it should be
/// relative to the others, and a key naming it (a lamp-list index or an FP order).
struct ExpectedLine {
    var key: Int
    var x: Double
    var intensity: Double
    /// Gaussian σ (pixels) the line should have there.
    var sigma: Double
    /// Whether to fit it (false: only a neighbour of the fitted ones).
    var fitted = true
}

/// A fitted line position.
struct MeasuredLine {
    var key: Int
    var x: Double
    var error: Double
    var significance: Double
    var sigmaScale: Double
    var sigmaScaleError: Double
    var chiSquare: Double
    var reducedChiSquare: Double
}

/// How expected lines are picked and fitted in one spectrum: blends (a neighbour closer than the isolation
/// distance and brighter than `blendFraction` of the line) are skipped; resolved neighbours inside the fit
/// window are fitted with the line, their offsets held (seed 9.1.12; the isolation rule of arc-line
/// selection, e.g. Kerber et al. 2008, ApJS 178, 374 for ThAr).
struct LineMeasurer {
    /// Pixels either side of the line that the fit uses (at least).
    var halfWindow: Int
    /// Closest allowed neighbour, in LSF FWHMs and in pixels (the larger applies).
    var isolationFWHM: Double
    var isolationPixels: Double
    var blendFraction: Double
    var minimumSignificance: Double
    var maximumMove: Double
    var fitSigma = false
    var slopedBackground = false
    var sharedAmplitude = false

    func measure(_ expected: [ExpectedLine], flux: ArraySlice<Float>, variance: ArraySlice<Float>, mask: ArraySlice<UInt8>) -> [MeasuredLine] {
        let lines = expected.sorted { $0.x < $1.x }
        let f = Array(flux), v = Array(variance), m = Array(mask)
        let n = f.count
        var out: [MeasuredLine] = []
        f.withUnsafeBufferPointer { fb in
            v.withUnsafeBufferPointer { vb in
                m.withUnsafeBufferPointer { mb in
                    for (i, line) in lines.enumerated() where line.fitted {
                        let s = line.sigma
                        let h = max(halfWindow, Int((3 * s + 1).rounded(.up)))
                        let first = Int(line.x.rounded()) - h, last = Int(line.x.rounded()) + h
                        guard first >= 0, last < n else { continue }
                        let separation = max(isolationPixels, isolationFWHM * 2.354_820_045 * s)
                        let reach = Double(h) + 3 * s + 0.5
                        var components = [LineProfileFit.Component(offset: 0, sigma: s)]
                        var blended = false
                        var j = i - 1
                        while j >= 0 && line.x - lines[j].x <= reach {
                            if line.x - lines[j].x < separation && lines[j].intensity >= blendFraction * line.intensity { blended = true }
                            components.append(.init(offset: lines[j].x - line.x, sigma: lines[j].sigma))
                            j -= 1
                        }
                        j = i + 1
                        while j < lines.count && lines[j].x - line.x <= reach {
                            if lines[j].x - line.x < separation && lines[j].intensity >= blendFraction * line.intensity { blended = true }
                            components.append(.init(offset: lines[j].x - line.x, sigma: lines[j].sigma))
                            j += 1
                        }
                        guard !blended else { continue }
                        // Only pixels free of masks near the line centre give a trustworthy position.
                        let core = Int((line.x - 1).rounded(.down))...Int((line.x + 1).rounded(.up))
                        guard core.allSatisfy({ $0 < 0 || $0 >= n || mb[$0] & ExtractedSpectra.noData == 0 }) else { continue }
                        var fitter = LineProfileFit(components: components)
                        fitter.fitSigma = fitSigma
                        fitter.slopedBackground = slopedBackground
                        fitter.sharedAmplitude = sharedAmplitude
                        guard let r = fitter.fit(flux: fb, variance: vb, mask: mb, first: first, last: last, start: line.x, maximumMove: maximumMove),
                              r.amplitudeErrors[0] > 0, r.centreError.isFinite, r.centreError > 0 else { continue }
                        let significance = r.amplitudes[0] / r.amplitudeErrors[0]
                        guard significance >= minimumSignificance else { continue }
                        out.append(MeasuredLine(key: line.key, x: r.centre, error: r.centreError, significance: significance,
                                                sigmaScale: r.sigmaScale, sigmaScaleError: r.sigmaScaleError, chiSquare: r.chiSquare, reducedChiSquare: r.reducedChiSquare))
                    }
                }
            }
        }
        return out
    }
}
