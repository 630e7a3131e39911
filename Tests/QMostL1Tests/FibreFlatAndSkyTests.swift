import Foundation
import QMostCore
import Testing
@testable import QMostL1

/// The fibre flat (seed 9.1.13) and sky subtraction (seed 9.1.14) on a simulated night reduced file to file through
/// L1 part 1, measured against the simulator's truth.
@Suite(.serialized) struct FibreFlatAndSkyTests {
    let night = FlatAndSkyNight.reduced

    /// The rms over fibres and sampled bins of the measured response over `truth`, each bin's ratios normalised to
    /// their mean over the fibres (the field's overall level is arbitrary).
    func ratioScatter(_ field: FibreFlatField, fibres: [Int], truth: (Int, Double) -> Double) -> (rms: Double, points: Int) {
        let nb = field.grid.count
        var sum = 0.0, n = 0
        for i in stride(from: 0, to: nb, by: 25) {
            let ratios = fibres.compactMap { f -> Double? in
                let r = Double(field.response[f * nb + i])
                return r > 0 ? r / truth(f, field.grid.wavelength(ofBin: i)) : nil
            }
            guard ratios.count == fibres.count else { continue }
            let mean = ratios.reduce(0, +) / Double(ratios.count)
            for q in ratios { sum += (q / mean - 1) * (q / mean - 1); n += 1 }
        }
        return (n > 0 ? (sum / Double(n)).squareRoot() : .nan, n)
    }

    @Test func fibreFlatRecoversTheRelativeThroughputAndTwilightRemovesTheScreen() throws {
        let screenLit = FibreFlatField.measure(fibreFlat: night.dayFlat)
        let field = FibreFlatField.measure(fibreFlat: night.dayFlat, twilight: night.twilight, attached: night.exposures[0].attachedFlat)
        let slits = field.slitPositions
        // Every fibre that passes light has a response; the broken ones have none.
        for (f, s) in slits.enumerated() where night.broken[s - 1] {
            #expect(!screenLit.usable[f] && !field.usable[f], "broken fibre at slit \(s)")
        }
        let fibres = slits.indices.filter { field.usable[$0] }
        #expect(fibres.count > slits.count * 3 / 4, "\(fibres.count) of \(slits.count) fibres have a twilight-normalised response")
        func t(_ f: Int, _ w: Double) -> Double { night.trueThroughput(slit: slits[f], at: w) }
        let flatVsScreen = ratioScatter(screenLit, fibres: fibres) { t($0, $1) * night.screen[slits[$0] - 1] }
        let flatVsThroughput = ratioScatter(screenLit, fibres: fibres, truth: t)
        let twilightVsThroughput = ratioScatter(field, fibres: fibres, truth: t)
        let spread = ratioScatter(field, fibres: fibres) { _, _ in 1 }
        print(String(format: "measured: fibre flat %d fibres x %d bins; true throughput spread %.2f%% rms", fibres.count,
                     twilightVsThroughput.points / max(fibres.count, 1), 100 * spread.rms))
        print(String(format: "measured: screen-lit flat / (THROUGHPUT x colour x SCREEN) scatter %.3f%% rms; / THROUGHPUT x colour %.3f%% rms",
                     100 * flatVsScreen.rms, 100 * flatVsThroughput.rms))
        print(String(format: "measured: twilight-normalised flat / (THROUGHPUT x colour) scatter %.3f%% rms", 100 * twilightVsThroughput.rms))
        // The lamp flat measures throughput times screen; the twilight takes the screen out.
        #expect(flatVsScreen.rms < 0.005)
        #expect(flatVsThroughput.rms > 0.015)
        #expect(twilightVsThroughput.rms < 0.006)
        #expect(spread.rms > 0.02, "the fibres do differ, so the check has something to see")
        // The simulated OB configuration does not tilt the spines, so the attached flat's shape agrees with the daytime one.
        let dayOnly = FibreFlatField.measure(fibreFlat: night.dayFlat, twilight: night.twilight)
        let agreement = ratioScatter(field, fibres: fibres) { f, w in
            Double(dayOnly.response[f * field.grid.count + Int(((w - field.grid.start) / field.grid.step).rounded())])
        }
        print(String(format: "measured: with the OB-attached flat's shape / with the daytime flat's: %.3f%% rms", 100 * agreement.rms))
        #expect(agreement.rms < 0.004)
    }

    @Test func applyingTheFlatDividesFluxAndPropagatesVariance() throws {
        let field = FibreFlatField.measure(fibreFlat: night.dayFlat, twilight: night.twilight)
        let science = night.exposures[0].science
        let out = field.apply(to: science)
        var checked = 0
        for k in stride(from: 0, to: out.flux.count, by: 97) {
            let r = field.response[k]
            if r > 0 {
                #expect(abs(out.flux[k] * r - science.flux[k]) <= 1e-4 * max(1, abs(science.flux[k])))
                #expect(abs(out.variance[k] * r * r - science.variance[k]) <= 1e-4 * max(1, science.variance[k]))
                checked += 1
            } else {
                #expect(out.mask[k] & FibreFlatField.noResponse != 0 && out.flux[k] == 0)
            }
        }
        #expect(checked > 100)
    }

    /// Seed 9.1.14's must-show: with each sky fibre subtracted by a master sky made without it, what is left is noise.
    @Test func leaveOneOutSkyFibresAreConsistentWithNoise() throws {
        let subtraction = SkySubtraction()
        var chi2 = 0.0, pull = 0.0, n = 0, lineChi2 = 0.0, lineN = 0, perFibre: [Double] = [], lineBins = 0, bins = 0
        var pairChi2 = 0.0, pairN = 0, bareChi2 = 0.0
        for exposure in night.exposures {
            let field = FibreFlatField.measure(fibreFlat: night.dayFlat, twilight: night.twilight, attached: exposure.attachedFlat)
            let flat = field.apply(to: exposure.science)
            let sky = exposure.skyRows.filter { field.usable[$0] }
            #expect(sky.count >= 3, "\(sky.count) sky fibres")
            let nb = flat.grid.count
            bins += sky.count * nb
            // The inputs' own consistency: two flat-fielded sky fibres differenced, no master involved.
            let lines = subtraction.masterSky(flat, skyFibres: sky).lineBins
            for (a, b) in zip(sky, sky.dropFirst()) {
                for i in 0..<nb where !lines[i] && flat.mask[a * nb + i] == 0 && flat.mask[b * nb + i] == 0 {
                    let d = Double(flat.flux[a * nb + i] - flat.flux[b * nb + i])
                    pairChi2 += d * d / Double(flat.variance[a * nb + i] + flat.variance[b * nb + i]); pairN += 1
                }
            }
            for k in sky {
                let result = subtraction.subtract(flat, skyFibres: sky.filter { $0 != k })
                lineBins = result.masterSky.lineBins.filter { $0 }.count
                var c = 0.0, m = 0
                for i in 0..<nb {
                    let j = k * nb + i
                    guard result.spectra.mask[j] == 0, result.spectra.variance[j] > 0 else { continue }
                    let r2 = Double(result.spectra.flux[j] * result.spectra.flux[j]) / Double(result.spectra.variance[j])
                    if result.masterSky.lineBins[i] {
                        lineChi2 += r2; lineN += 1
                    } else {
                        c += r2; m += 1
                        bareChi2 += Double(result.spectra.flux[j] * result.spectra.flux[j])
                            / Double(result.spectra.variance[j] - result.masterSky.variance[i])
                        pull += Double(result.spectra.flux[j]) / Double(result.spectra.variance[j]).squareRoot()
                    }
                }
                chi2 += c; n += m
                perFibre.append(c / Double(max(m, 1)))
            }
        }
        let meanChi2 = chi2 / Double(max(n, 1)), meanPull = pull / Double(max(n, 1))
        let sorted = perFibre.sorted()
        print(String(format: "measured: leave-one-out sky fibres (%d in %d exposures): chi2/bin %.3f over %d bins off the %d bright-line bins; mean pull %+.3f; per fibre %.2f-%.2f",
                     perFibre.count, night.exposures.count, meanChi2, n, lineBins, meanPull, sorted.first ?? .nan, sorted.last ?? .nan))
        print(String(format: "measured: on bright sky lines chi2/bin %.2f over %d bins", lineChi2 / Double(max(lineN, 1)), lineN))
        print(String(format: "measured: the same without the master sky's variance: chi2/bin %.3f", bareChi2 / Double(max(n, 1))))
        print(String(format: "measured: pairs of sky fibres differenced directly: chi2/bin %.3f over %d bins", pairChi2 / Double(max(pairN, 1)), pairN))
        #expect(abs(meanChi2 - 1) < 0.2)
        // The master sky (clipping, its variance) adds nothing beyond what the inputs' own variance describes.
        #expect(abs(meanChi2 - pairChi2 / Double(max(pairN, 1))) < 0.05)
        #expect(abs(meanPull) < 0.1, "the sky is neither over- nor under-subtracted")
        #expect(sorted.allSatisfy { abs($0 - 1) < 0.4 }, "every sky fibre: \(perFibre)")
        #expect(n > bins / 2)
    }

    @Test func subtractionKeepsTheUnsubtractedSpectrumScalesLinesAndWarnsOnTooFewSkyFibres() throws {
        let exposure = night.exposures[0]
        let field = FibreFlatField.measure(fibreFlat: night.dayFlat, twilight: night.twilight, attached: exposure.attachedFlat)
        let flat = field.apply(to: exposure.science)
        let sky = exposure.skyRows.filter { field.usable[$0] }
        let result = SkySubtraction().subtract(flat, skyFibres: sky)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        #expect(result.unsubtracted == flat)
        let nb = flat.grid.count
        // Off the lines the subtracted sky is the master; its variance adds to the fibre's.
        var checked = 0
        for k in stride(from: 0, to: flat.flux.count, by: 101) where result.spectra.mask[k] == 0 && !result.masterSky.lineBins[k % nb] {
            let i = k % nb
            #expect(abs(result.spectra.flux[k] + result.masterSky.flux[i] - flat.flux[k]) <= 1e-3 * max(1, abs(flat.flux[k])))
            #expect(abs(result.spectra.variance[k] - flat.variance[k] - result.masterSky.variance[i]) <= 1e-3 * max(1, flat.variance[k]))
            checked += 1
        }
        #expect(checked > 100)
        print("measured: \(result.binsWithoutSky) bins at the ends of the coverage have no sky fibre (flagged)")
        // The simulated sky is the same over the field, so after the fibre flat every fibre's lines scale by ~1.
        let fitted = result.lineScales.enumerated().filter { field.usable[$0.offset] && $0.element != 1 }.map(\.element)
        let deviations = fitted.map { abs($0 - 1) }.sorted()
        let median = deviations.isEmpty ? Double.nan : deviations[deviations.count / 2]
        print(String(format: "measured: sky line scales fitted for %d fibres, median |s - 1| = %.4f, worst %.4f; %d master-sky line bins",
                     fitted.count, median, deviations.last ?? .nan, result.masterSky.lineBins.filter { $0 }.count))
        #expect(fitted.count > sky.count)
        #expect(median < 0.03)
        // A sky fibre whose lines are made 20% brighter than the others' gets a line scale of ~1.2, and its lines are then
        // subtracted as well as the unscaled fibres' are.
        let k = sky[0], others = Array(sky.dropFirst())
        let reference = SkySubtraction().masterSky(flat, skyFibres: others)
        var brighter = flat
        for i in 0..<nb where reference.lineBins[i] && flat.mask[k * nb + i] == 0 {
            brighter.flux[k * nb + i] += 0.2 * (reference.flux[i] - reference.continuum[i])
        }
        func lineResidual(_ r: SkySubtracted) -> Double {
            (0..<nb).reduce(0.0) { r.masterSky.lineBins[$1] && r.spectra.mask[k * nb + $1] == 0 ? $0 + Double(r.spectra.flux[k * nb + $1]) : $0 }
        }
        let scaled = SkySubtraction().subtract(brighter, skyFibres: others)
        let unscaled = SkySubtraction(lineScaling: false).subtract(brighter, skyFibres: others)
        let plain = SkySubtraction().subtract(flat, skyFibres: others)
        print(String(format: "measured: lines made 1.2x brighter in one sky fibre: fitted scale %.3f (%.3f unaltered); summed line residual %.0f e- scaled, %.0f e- unscaled, %.0f e- unaltered",
                     scaled.lineScales[k], plain.lineScales[k], lineResidual(scaled), lineResidual(unscaled), lineResidual(plain)))
        #expect(abs(scaled.lineScales[k] / plain.lineScales[k] - 1.2) < 0.03)
        #expect(abs(lineResidual(scaled)) < 0.3 * abs(lineResidual(unscaled)))
        // One sky fibre out of the whole slit is under the seed's 5%.
        let few = SkySubtraction().subtract(flat, skyFibres: Array(sky.prefix(1)))
        #expect(few.warnings.contains { $0.contains("sky fibres") })
        print("measured: with 1 sky fibre: \(few.warnings)")
    }
}
