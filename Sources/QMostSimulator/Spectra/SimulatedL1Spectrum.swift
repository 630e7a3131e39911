import Foundation
import QMostCore

/// A calibrated L1 spectrum made straight from a source's truth, without rendering frames: what the L2 modules
/// are measured on by the thousand.
public struct SimulatedL1Spectrum: Sendable {
    public var source: SourceSpec
    /// Air wavelengths (Å), the L1 convention.
    public var wavelength: [Double]
    /// Noisy flux density and its 1σ error (erg/s/cm²/Å).
    public var flux: [Double]
    public var error: [Double]
    /// The noiseless flux density.
    public var model: [Double]

    /// Median S/N per pixel of the noiseless model.
    public var medianSNRPerPixel: Double {
        let v = zip(model, error).compactMap { $1 > 0 ? $0 / $1 : nil }.sorted()
        return v.isEmpty ? 0 : v[v.count / 2]
    }
}

/// Observes a source the way an L1 spectrum would show it (datamodel §6.3, as the 4FS ETC does): the model is
/// blurred by the arm's Gaussian line-spread function, rebinned onto the L1 grid, and given the noise of the
/// source, sky, dark current and read noise through the arm with the best efficiency at each wavelength; the
/// telluric bands raise the noise where they absorb, and the flux is above the atmosphere, as after L1.
public enum L1SpectrumSimulation {
    /// The joined LRS grid: 3700–9500 Å at 0.25 Å (23,201 bins, as the 4MOST L1 sample).
    public static let lowResolutionGrid: [Double] = (0...23_200).map { 3700 + 0.25 * Double($0) }

    /// One HRS arm's grid: its coverage at 0.05 Å.
    public static func highResolutionGrid(_ arm: ArmName) -> [Double] {
        let r = ArmModel.highResolutionRange(arm)
        let first = (r.lowerBound / 0.05).rounded(.down), last = (r.upperBound / 0.05).rounded(.up)
        return (0...Int(last - first)).map { (first + Double($0)) * 0.05 }
    }

    /// Simulates `source` on `grid` (air Å) in `mode` for `exposureTime` s; the noise is drawn from `seed`.
    public static func simulate(
        _ source: SourceSpec, on grid: [Double], mode: ResolutionMode, exposureTime: Double, moon: MoonCondition = .dark,
        airmass: Double = InstrumentModel.referenceAirmass, instrument: InstrumentModel = .default, seed: UInt64
    ) throws -> SimulatedL1Spectrum {
        let arms = instrument.arms(mode)
        let fine = try source.modelSpectrum(covering: grid[0]...grid[grid.count - 1], medium: .air)
        // The fine model is log-uniform (SourceSpec.modelVelocityStep), so a Gaussian of constant velocity width
        // is a constant number of samples; R varies slowly, so blocks of 512 samples share one kernel.
        let lambda = fine.wavelengths, values = fine.flux
        var blurred = [Double](repeating: 0, count: values.count)
        let block = 512
        for start in stride(from: 0, to: values.count, by: block) {
            let mid = lambda[min(start + block / 2, lambda.count - 1)]
            let arm = bestArm(arms, at: mid, instrument: instrument, airmass: airmass)
            let sigma = speedOfLightKms / (2.354_820_045 * arm.resolvingPower(at: mid)) / SourceSpec.modelVelocityStep
            let reach = max(1, Int((4 * sigma).rounded(.up)))
            var kernel = (-reach...reach).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
            let total = kernel.reduce(0, +)
            for k in kernel.indices { kernel[k] /= total }
            for i in start..<min(start + block, values.count) {
                var sum = 0.0
                for (k, w) in kernel.enumerated() {
                    let j = min(max(i + k - reach, 0), values.count - 1)
                    sum += w * values[j]
                }
                blurred[i] = sum
            }
        }
        let model = try Spectrum(wavelengths: lambda, flux: blurred, medium: .air).resampled(onto: grid).flux
        var random = SplitMix64(seed: seed)
        var flux = model, error = model
        for i in grid.indices {
            let bin = i + 1 < grid.count ? grid[i + 1] - grid[i] : grid[i] - grid[i - 1]
            let arm = bestArm(arms, at: grid[i], instrument: instrument, airmass: airmass)
            let signal = instrument.expectedSignal(flambda: max(model[i], 0), wavelength: grid[i], arm: arm,
                                                   exposureTime: exposureTime, moon: moon, airmass: airmass)
            let pixels = bin / arm.dispersion
            let perFlux = instrument.electronsPerFlux(arm: arm, wavelength: grid[i], airmass: airmass) * exposureTime * pixels
            guard perFlux > 0 else { error[i] = .infinity; flux[i] = .nan; continue }
            error[i] = (signal.variance * pixels).squareRoot() / perFlux
            flux[i] = model[i] + error[i] * random.normal()
        }
        return SimulatedL1Spectrum(source: source, wavelength: grid, flux: flux, error: error, model: model)
    }

    /// The arm of `arms` collecting the most electrons per unit flux at `wavelength` (the one the joined
    /// spectrum relies on there).
    static func bestArm(_ arms: [ArmModel], at wavelength: Double, instrument: InstrumentModel, airmass: Double) -> ArmModel {
        arms.max { a, b in
            (a.covers(wavelength) ? instrument.electronsPerFlux(arm: a, wavelength: wavelength, airmass: airmass, includeTelluric: false) : -1)
                < (b.covers(wavelength) ? instrument.electronsPerFlux(arm: b, wavelength: wavelength, airmass: airmass, includeTelluric: false) : -1)
        }!
    }
}
