import Foundation
import QMostCore
import QMostFFT

/// The 4GP radial-velocity module (seed 10.1.1.2): the spectrum and every stellar template, continuum-divided
/// and scaled to mean 0 and standard deviation 1, are cross-correlated (FFTW); each CCF's peak is fitted over
/// the three samples around its maximum and turned into a velocity; the velocity is the mean over templates
/// weighted by each CCF's maximum, put in the heliocentric frame; and the best template's CCF is searched for
/// several components (seed 10.1.1.4).
public struct RadialVelocityFinder: Sendable {
    public let banks: [ResolutionMode: VelocityTemplateBank]
    /// Below this median S/N per pixel the result is flagged ``VelocityFlags/lowSNR``.
    public var lowSNRThreshold = 3.0
    /// Below this CCF peak (a correlation coefficient) the result is flagged ``VelocityFlags/weakCorrelation``.
    public var weakCorrelationThreshold = 0.15
    /// Templates whose CCF peak is below this fraction of the best one's are left out of the mean: a B star's
    /// few Balmer lines, correlated with a G star, peak lower and pull the mean by 10 km/s.
    public var relativePeakCut = 0.9
    /// Templates whose untailored CCF peak is below this fraction of the best untailored one are not tailored.
    public var tailoringCut = 0.75
    /// How far (km/s) from the best peak the multiplicity check looks for companions.
    public var componentWindow = 200.0

    /// Banks of both resolutions from the star templates among `templates` (redrock's `rrtemplate-STAR-*`).
    public init(templates: [PCATemplate], instrument: InstrumentModel = .default, maximumVelocity: Double = 1000) {
        var banks: [ResolutionMode: VelocityTemplateBank] = [:]
        for mode in ResolutionMode.allCases {
            banks[mode] = VelocityTemplateBank(templates, mode: mode, instrument: instrument, maximumVelocity: maximumVelocity)
        }
        self.banks = banks
    }

    /// The radial velocity of `spectrum`, with its templates of its own resolution.
    public func measure(_ spectrum: L2Spectrum) -> RadialVelocityResult {
        let pixels = FitPixels(spectrum, chebyshevTerms: 1)
        let snr = spectrum.medianSNRPerPixel
        var result = RadialVelocityResult(velocity: nil, error: nil, flags: [], bestTemplate: nil, templates: [], components: [],
                                          heliocentricCorrection: 0, medianSNRPerPixel: snr, usablePixels: pixels.count,
                                          pixels: spectrum.count)
        if snr < lowSNRThreshold { result.flags.insert(.lowSNR) }
        if 2 * pixels.count < spectrum.count { result.flags.insert(.fewUsablePixels) }
        switch spectrum.frame {
        case .heliocentric: break
        case .topocentric(let correction?): result.heliocentricCorrection = correction
        case .topocentric(nil): result.flags.insert(.notHeliocentric)
        }
        guard let bank = banks[spectrum.resolution], !bank.templates.isEmpty,
              let prepared = VelocitySignal.prepare(pixels, bank: bank), prepared.usableBins >= 64 else {
            result.flags.insert(.undeterminedError)
            return result
        }
        let peaks = correlate(prepared, bank: bank)
        guard let best = peaks.max(by: { $0.measurement.peak < $1.measurement.peak }), best.measurement.peak > 0 else {
            result.flags.insert([.weakCorrelation, .undeterminedError])
            return result
        }
        result.templates = peaks.map(\.measurement)
        result.bestTemplate = best.measurement.template
        if best.measurement.peak < weakCorrelationThreshold { result.flags.insert(.weakCorrelation) }
        if best.atEdge { result.flags.insert(.peakAtSearchEdge) }

        // The mean weighted by the CCF maxima (seed 10.1.1.2); its error the weighted mean of the templates' own
        // errors and their weighted scatter (template mismatch) in quadrature.
        let used = peaks.map(\.measurement).filter { $0.peak >= relativePeakCut * best.measurement.peak && $0.error.isFinite }
        let totalWeight = used.reduce(0) { $0 + $1.peak }
        let correction = result.heliocentricCorrection
        func heliocentric(_ v: Double) -> Double { v + correction + v * correction / PhysicalConstants.speedOfLightKmPerSecond }
        if totalWeight > 0 {
            let mean = used.reduce(0) { $0 + $1.peak * $1.velocity } / totalWeight
            let statistical = used.reduce(0) { $0 + $1.peak * $1.error } / totalWeight
            let scatter = used.count > 1
                ? (used.reduce(0) { $0 + $1.peak * ($1.velocity - mean) * ($1.velocity - mean) } / totalWeight).squareRoot() : 0
            result.velocity = heliocentric(mean)
            result.error = (statistical * statistical + scatter * scatter).squareRoot()
            // Templates of neighbouring types differ by a few percent of the line width at any S/N; beyond a
            // quarter of the line-spread σ (LRS 5, HRS 1.6 km/s) and their own errors, they disagree.
            if scatter > max(3 * statistical, 0.25 * lineSpreadVelocity(bank)) { result.flags.insert(.templatesDisagree) }
        } else {
            result.velocity = heliocentric(best.measurement.velocity)
            result.flags.insert(.undeterminedError)
        }
        // Smoothed over half the line-spread σ before differentiating: noise, not a second star, is narrower. Two
        // stars closer than the line-spread FWHM are beyond what the CCF can split.
        let lsfBins = lineSpreadVelocity(bank) / (PhysicalConstants.speedOfLightKmPerSecond * bank.step)
        // Companions are sought within ±`componentWindow` of the peak: further out, a CCF of a few strong lines
        // has aliases (one line of the star on another of the template) as tall as a faint companion.
        let reach = Int((componentWindow / (PhysicalConstants.speedOfLightKmPerSecond * bank.step)).rounded())
        let window = max(0, best.top - reach)...min(best.ccf.count - 1, best.top + reach)
        let lags = CorrelationComponents.find(Array(best.ccf[window]), smoothing: 0.5 * lsfBins, separation: 2.354_820_045 * lsfBins)
        result.components = lags.map { heliocentric(bank.velocity(ofShift: Double(bank.maximumLag - window.lowerBound) - $0)) }
        if lags.count > 1 { result.flags.insert(.multipleComponents) }
        return result
    }

    /// The line-spread σ in km/s at the bank's typical resolving power.
    func lineSpreadVelocity(_ bank: VelocityTemplateBank) -> Double {
        PhysicalConstants.speedOfLightKmPerSecond / (2.354_820_045 * bank.typicalResolvingPower)
    }

    /// Each template's CCF over ±`maximumVelocity` (as correlation coefficients), its fitted peak and error. The
    /// template is first its leading eigen-spectrum; at that CCF's peak its further eigen-spectra are fitted to
    /// the spectrum, and the CCF is taken again with the template so tailored: redrock's star templates are
    /// PCAs of many stars, and the leading component alone is a mean star whose blends can pull a peak by km/s.
    func correlate(_ s: VelocitySignal.Prepared, bank: VelocityTemplateBank) -> [(measurement: TemplateVelocity, ccf: [Double], top: Int, atEdge: Bool)] {
        let length = bank.correlationLength
        let offset = s.start - bank.firstBin
        var weighted = [Double](repeating: 0, count: length)
        var spectrumNorm = 0.0
        for k in s.values.indices where s.usable[k] {
            weighted[offset + k] = s.weights[k] * s.values[k]
            spectrumNorm += s.weights[k] * s.values[k] * s.values[k]
        }
        let spectrumTransform = FFT.forward(weighted)
        let plain = bank.templates.map { t in Self.peak(spectrumTransform, spectrumNorm, s, template: t.values, transform: t.transform, offset: offset, bank: bank) }
        let bestPlain = plain.map { $0.ccf[$0.top] }.max() ?? 0
        return zip(bank.templates, plain).map { t, first in
            var peak = first
            var values = t.values
            // Only templates that could enter the mean are tailored (tailoring costs two more transforms): one far
            // below the best before tailoring stays out of reach after it.
            if !t.variations.isEmpty, !peak.atEdge, peak.ccf[peak.top] >= tailoringCut * bestPlain, let tailored = tailor(t, to: s, lag: peak.top - bank.maximumLag, offset: offset) {
                let refined = Self.peak(spectrumTransform, spectrumNorm, s, template: tailored,
                                        transform: FFT.forward(tailored + [Double](repeating: 0, count: length - tailored.count)), offset: offset, bank: bank)
                if refined.ccf[refined.top] >= peak.ccf[peak.top] { (peak, values) = (refined, tailored) }
            }
            let lag = Double(peak.top - bank.maximumLag) + peak.shift
            let error = velocityError(s, template: values, lag: peak.top - bank.maximumLag, offset: offset, bank: bank)
            return (TemplateVelocity(template: t.name, velocity: bank.velocity(ofShift: -lag), error: error, peak: peak.ccf[peak.top]),
                    peak.ccf, peak.top, peak.atEdge)
        }
    }

    /// The CCF of the spectrum (transformed, weighted) with one template over ±`maximumLag`, its maximum, and the
    /// sub-sample offset of the parabola through the maximum and its two neighbours.
    static func peak(_ spectrumTransform: [FFTComplex], _ spectrumNorm: Double, _ s: VelocitySignal.Prepared, template: [Double],
                     transform: [FFTComplex], offset: Int, bank: VelocityTemplateBank) -> (ccf: [Double], top: Int, shift: Double, atEdge: Bool) {
        let length = bank.correlationLength, reach = bank.maximumLag
        var templateNorm = 0.0
        for k in s.values.indices where s.usable[k] { templateNorm += s.weights[k] * template[offset + k] * template[offset + k] }
        var product = [FFTComplex](repeating: FFTComplex(re: 0, im: 0), count: spectrumTransform.count)
        for i in product.indices {
            let x = spectrumTransform[i], y = transform[i]
            product[i] = FFTComplex(re: x.re * y.re + x.im * y.im, im: x.re * y.im - x.im * y.re)
        }
        let circular = FFT.inverse(product, count: length)
        let norm = (spectrumNorm * templateNorm).squareRoot()
        // circular[L] = Σ w s[k] t[k + L]: a star receding by s bins matches at L = -s.
        let ccf = (-reach...reach).map { (lag: Int) -> Double in norm > 0 ? circular[(lag + length) % length] / norm : 0 }
        var top = reach
        for i in ccf.indices where ccf[i] > ccf[top] { top = i }
        let atEdge = top == 0 || top == ccf.count - 1
        var shift = 0.0
        if !atEdge {
            let (a, b, c) = (ccf[top - 1], ccf[top], ccf[top + 1])
            let curvature = a - 2 * b + c
            if curvature < 0 { shift = 0.5 * (a - c) / curvature }
        }
        return (ccf, top, shift, atEdge)
    }

    /// The template's leading eigen-spectrum plus its variations fitted (weighted least squares) to the spectrum at
    /// `lag`, renormalised to mean 0 and standard deviation 1; nil when the fit is singular.
    func tailor(_ t: VelocityTemplate, to s: VelocitySignal.Prepared, lag: Int, offset: Int) -> [Double]? {
        let basis = [t.values] + t.variations
        let m = basis.count
        var normal = [Double](repeating: 0, count: m * m), rhs = [Double](repeating: 0, count: m)
        for k in s.values.indices where s.usable[k] {
            let j = offset + k + lag
            guard j >= 0, j < t.values.count else { continue }
            let w = s.weights[k]
            for a in 0..<m {
                let ba = w * basis[a][j]
                rhs[a] += ba * s.values[k]
                for b in a..<m { normal[a * m + b] += ba * basis[b][j] }
            }
        }
        for a in 0..<m { for b in 0..<a { normal[a * m + b] = normal[b * m + a] } }
        guard let beta = LinearSolve.symmetricPositiveDefinite(normal, rhs, size: m), beta[0] > 0 else { return nil }
        var tailored = [Double](repeating: 0, count: t.values.count)
        var sum = 0.0, sumSquares = 0.0, used = 0
        for j in tailored.indices where t.values[j] != 0 {
            var v = 0.0
            for a in 0..<m { v += beta[a] * basis[a][j] }
            tailored[j] = v
            sum += v
            sumSquares += v * v
            used += 1
        }
        guard used > 1 else { return nil }
        let mean = sum / Double(used), sd = (sumSquares / Double(used) - mean * mean).squareRoot()
        guard sd > 0 else { return nil }
        for j in tailored.indices where t.values[j] != 0 { tailored[j] = (tailored[j] - mean) / sd }
        return tailored
    }

    /// The velocity error from the information in the spectrum about a shift of the scaled template (the χ²
    /// curvature of `s ≈ a·t(lag)` with the bins' inverse variances): σ_lag² = 1 / Σ w (a·dt/dlag)².
    func velocityError(_ s: VelocitySignal.Prepared, template t: [Double], lag: Int, offset: Int, bank: VelocityTemplateBank) -> Double {
        var tt = 0.0, st = 0.0, information = 0.0
        for k in s.values.indices where s.usable[k] {
            let j = offset + k + lag
            guard j > 0, j + 1 < t.count else { continue }
            tt += s.weights[k] * t[j] * t[j]
            st += s.weights[k] * s.values[k] * t[j]
        }
        guard tt > 0 else { return .infinity }
        let amplitude = st / tt
        for k in s.values.indices where s.usable[k] {
            let j = offset + k + lag
            guard j > 0, j + 1 < t.count else { continue }
            let slope = amplitude * 0.5 * (t[j + 1] - t[j - 1])
            information += s.weights[k] * slope * slope
        }
        guard information > 0 else { return .infinity }
        return PhysicalConstants.speedOfLightKmPerSecond * bank.step / information.squareRoot()
    }
}
