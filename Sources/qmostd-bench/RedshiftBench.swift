import Foundation
import QMostCore
import QMostL1
import QMostL2
import QMostSimulator
import QMostTesting

/// Issue 8's 4XP-Z figures: simulated joined LRS spectra (from truth, `L1SpectrumSimulation`) of emission-line and
/// passive galaxies, quasars and stars over a range of magnitudes, measured one after another on one core with the
/// real redrock templates: the time per spectrum, and per class σ (NMAD of Δz/(1+z), catastrophic failures left out)
/// and the catastrophic fraction (|Δz|/(1+z) > 0.003) where the median S/N per Å is above 2.
struct RedshiftBench {
    let quick: Bool

    struct Outcome {
        var kind: SourceKind
        var snrPerAngstrom: Double
        var error: Double
    }

    func run(in dir: String) throws -> [BenchResult] {
        guard let data = SharedData.directory else { throw BenchFailure("../shared/data is missing: the redrock templates are needed") }
        let finder = RedshiftFinder(templates: try RedrockTemplateFile.readAll(directory: "\(data)/redrock-templates"))
        let perKind = quick ? 15 : 100
        let kinds: [(SourceKind, ClosedRange<Double>, ClosedRange<Double>)] = [
            (.emissionLineGalaxy, 0.1...1.4, 20.5...23.0), (.passiveGalaxy, 0.1...0.9, 19.0...21.5),
            (.qso, 0.3...3.5, 19.5...22.0), (.fgkStar, 0...0, 16.0...19.5),
        ]
        var rng = SplitMix64(seed: 42)
        var outcomes: [Outcome] = [], seconds = 0.0, measured = 0
        print("redshift: \(perKind) simulated spectra per class, 4XP-Z with \(finder.templates.count) redrock templates ...")
        for (kind, zs, mags) in kinds {
            for i in 0..<perKind {
                let z = zs.lowerBound + (zs.upperBound - zs.lowerBound) * rng.uniform()
                let magnitude = mags.lowerBound + (mags.upperBound - mags.lowerBound) * rng.uniform()
                let velocity = kind == .fgkStar ? 200 * (rng.uniform() - 0.5) : 0
                let source = SourceSpec(kind: kind, redshift: z, radialVelocity: velocity, magnitude: magnitude, seed: UInt64(i + 1))
                let s = try L1SpectrumSimulation.simulate(source, on: L1SpectrumSimulation.lowResolutionGrid, mode: .low,
                                                          exposureTime: 1200, seed: rng.next())
                let spectrum = L2Spectrum(
                    file: "simulated", resolution: .low,
                    wavelength: s.wavelength.map { PhysicalConstants.vacuumWavelength(fromAir: $0) },
                    flux: s.flux.map { $0.isFinite ? $0 : 0 },
                    inverseVariance: s.error.map { $0 > 0 && $0.isFinite ? 1 / ($0 * $0) : 0 })
                let t0 = DispatchTime.now().uptimeNanoseconds
                let r = finder.measure(spectrum)
                seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                measured += 1
                let truth = source.stretch - 1
                outcomes.append(Outcome(kind: kind, snrPerAngstrom: spectrum.perAngstrom(r.medianSNRPerPixel),
                                        error: ((r.best?.redshift ?? .infinity) - truth) / (1 + truth)))
            }
            print("redshift: \(kind.rawValue) done")
        }
        print("redshift: class            n(S/N>2)  sigma_z/(1+z)  catastrophic  requirement")
        for (kind, _, _) in kinds {
            let good = outcomes.filter { $0.kind == kind && $0.snrPerAngstrom > 2 }
            let fine = good.map(\.error).filter { abs($0) <= 0.003 }
            let catastrophic = good.isEmpty ? 0 : Double(good.count - fine.count) / Double(good.count)
            let nmad = RobustStatistics.median(fine).map { RobustStatistics.madSigma(fine, around: $0) } ?? .nan
            let requirement = kind == .qso ? "sigma <= 3e-3" : kind == .fgkStar ? "-" : "sigma <= 1e-4"
            print("redshift: " + kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: " %8d  %13.2e  %11.1f%%  ", good.count, nmad, 100 * catastrophic) + requirement)
        }
        let milliseconds = 1000 * seconds / Double(measured)
        print(String(format: "redshift: %d spectra in %.1f s on one core, %.1f ms each", measured, seconds, milliseconds))
        return [BenchResult(name: "4XP-Z: one joined LRS spectrum (23,201 px)", value: milliseconds, unit: "ms", target: 50, lowerIsBetter: true)]
    }
}
