import Foundation
import QMostCore
import QMostFFT

/// One stellar template of the radial-velocity module (seed 10.1.1.2), ready to correlate: blurred to the
/// spectrograph's resolution, divided by its continuum and scaled to mean 0 and standard deviation 1 on the
/// bank's log-wavelength grid, and transformed once so that each spectrum costs one product and one inverse
/// transform per template.
public struct VelocityTemplate: Sendable {
    /// `STAR-K`, from the template file.
    public let name: String
    /// Bin `bank.firstBin + k`: the normalised template (its leading eigen-spectrum).
    let values: [Double]
    /// Its transform, zero-padded to the bank's correlation length.
    let transform: [FFTComplex]
    /// The further eigen-spectra divided by the leading one's continuum and high-passed: to first order in
    /// their coefficients, a mix of the components normalises to `values` plus a mix of these, so a linear fit
    /// tailors the template to the star.
    let variations: [[Double]]
}

/// Stellar templates of one resolution mode on one log-wavelength grid (seed 10.1.1.2: "template spectra …
/// in low and high resolutions"), each a redrock star template's leading eigen-spectrum (its mean shape).
public struct VelocityTemplateBank: Sendable {
    public let mode: ResolutionMode
    /// Bin n is centred on ln λ = n·step (vacuum Å); the bank covers bins `firstBin ..< firstBin + count`.
    public let step: Double
    public let firstBin: Int
    public let count: Int
    /// The largest |velocity| searched (km/s) and the padded correlation length that keeps those lags unwrapped.
    public let maximumVelocity: Double
    let correlationLength: Int
    /// The resolving power at the middle of the coverage, which sets the CCF's width.
    public let typicalResolvingPower: Double
    public let templates: [VelocityTemplate]

    /// Bin widths: a third of the finest pixel of each mode (LRS 0.25 Å at 3700 Å is 20 km/s, HRS 0.05 Å at
    /// 6800 Å 2.2 km/s), so a peak is sampled finely enough for a three-point fit to find its centre.
    public static func defaultStep(_ mode: ResolutionMode) -> Double { mode == .low ? 2e-5 : 5e-6 }

    /// The wavelengths each mode's spectra can cover (vacuum Å).
    public static func coverage(_ mode: ResolutionMode) -> ClosedRange<Double> { mode == .low ? 3650...9600 : 3900...6850 }

    /// Stars the module measures: redrock's A, B, F, G, K and M templates. White dwarfs and cataclysmic variables
    /// are left to their own codes, as the seed leaves white dwarfs to theirs.
    public static let subtypes: Set<String> = ["A", "B", "F", "G", "K", "M"]

    /// A bank from the star templates among `pca` (others are ignored), blurred to `instrument`'s resolving power
    /// in `mode`.
    public init(_ pca: [PCATemplate], mode: ResolutionMode, instrument: InstrumentModel = .default,
                maximumVelocity: Double = 1000, step: Double? = nil) {
        self.mode = mode
        self.step = step ?? Self.defaultStep(mode)
        self.maximumVelocity = maximumVelocity
        let range = Self.coverage(mode)
        let margin = Int((log1p(maximumVelocity / PhysicalConstants.speedOfLightKmPerSecond) / self.step).rounded(.up)) + 2
        firstBin = Int((log(range.lowerBound) / self.step).rounded(.down)) - margin
        count = Int((log(range.upperBound) / self.step).rounded(.up)) + margin - firstBin
        correlationLength = FFT.fastSize(atLeast: count + 2 * margin)
        let arms = instrument.arms(mode)
        let middle = exp(0.5 * (log(range.lowerBound) + log(range.upperBound)))
        typicalResolvingPower = (arms.first { $0.covers(middle) } ?? arms.first)?.resolvingPower(at: middle) ?? 5000
        let stars = pca.filter { $0.spectralClass == .star && Self.subtypes.contains($0.subtype.uppercased()) }
        let (first, n, stepLog, length) = (firstBin, count, self.step, correlationLength)
        let block = VelocitySignal.continuumBlock(step: stepLog)
        templates = stars.map { t in
            let components = (0..<t.componentCount).map { c in
                let blurred = Self.blurred(t, component: c, arms: arms)
                return (0..<n).map { k -> Double in
                    let lambda = exp(Double(first + k) * stepLog)
                    return t.restRange.contains(lambda) ? Self.interpolate(blurred, t, at: lambda) : .nan
                }
            }
            var values = components[0]
            var usable = values.map(\.isFinite)
            let normalised = VelocitySignal.normalise(&values, usable: &usable, weights: nil, block: block)
            let variations = components.dropFirst().map { component -> [Double] in
                guard let (continuum, scale) = normalised else { return [Double](repeating: 0, count: n) }
                let divided = (0..<n).map { usable[$0] ? component[$0] / continuum[$0] / scale : 0 }
                return CorrelationPreparation.subtractContinuum(divided, usable: usable, block: block)
            }
            return VelocityTemplate(name: t.name, values: values,
                                    transform: FFT.forward(values + [Double](repeating: 0, count: length - n)), variations: variations)
        }
    }

    /// Component `c` of the template blurred by a Gaussian of the arm's resolving power at each wavelength (the
    /// template's own, finer, resolution neglected).
    static func blurred(_ t: PCATemplate, component c: Int, arms: [ArmModel]) -> [Double] {
        let n = t.count
        let raw = (0..<n).map { t.component(c, sample: $0) }
        // The leading eigen-spectrum's sign is arbitrary: orient it so the flux is positive (the others' signs
        // are absorbed by their fitted coefficients).
        let sign = c == 0 && raw.reduce(0, +) < 0 ? -1.0 : 1.0
        var out = [Double](repeating: 0, count: n)
        var kernel: [Double] = []
        var i = 0
        // Blocks of 256 samples share one kernel: R changes slowly along an arm.
        while i < n {
            let end = min(i + 256, n)
            let mid = t.wavelength(ofSample: (i + end) / 2)
            let arm = arms.first { $0.covers(mid) } ?? arms.min { abs($0.wavelengthRange.lowerBound - mid) < abs($1.wavelengthRange.lowerBound - mid) }
            let width = abs(t.wavelength(ofSample: min((i + end) / 2 + 1, n - 1)) - t.wavelength(ofSample: max((i + end) / 2 - 1, 0))) / 2
            let sigma = arm.map { mid / ($0.resolvingPower(at: mid) * 2.354_820_045) / max(width, 1e-6) } ?? 0
            let reach = Int((4 * sigma).rounded(.up))
            kernel = (-reach...reach).map { reach == 0 ? 1 : exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
            let total = kernel.reduce(0, +)
            for s in i..<end {
                var sum = 0.0
                for (k, w) in kernel.enumerated() { sum += w * raw[min(max(s + k - reach, 0), n - 1)] }
                out[s] = sign * sum / total
            }
            i = end
        }
        return out
    }

    /// Linear interpolation of samples on `t`'s grid at rest wavelength λ inside it.
    static func interpolate(_ samples: [Double], _ t: PCATemplate, at lambda: Double) -> Double {
        let x: Double
        switch t.sampling {
        case .linear(let start, let step): x = (lambda - start) / step
        case .log10(let start, let step): x = (log10(lambda) - start) / step
        }
        let i = min(max(Int(x), 0), t.count - 2)
        let f = x - Double(i)
        return samples[i] * (1 - f) + samples[i + 1] * f
    }

    /// The velocity (km/s) of a spectrum shifted `bins` redwards: (1 + v/c) = e^(bins·step), the Doppler factor
    /// written as a wavelength ratio, as redshifts are.
    public func velocity(ofShift bins: Double) -> Double { PhysicalConstants.speedOfLightKmPerSecond * expm1(bins * step) }

    /// The lags searched, ±`maximumVelocity`.
    var maximumLag: Int { Int((log1p(maximumVelocity / PhysicalConstants.speedOfLightKmPerSecond) / step).rounded(.up)) }
}
