import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1
@testable import QMostSimulator

/// Profile extraction with the overlap solve (seed 9.1.11) against the simulator's truth: the fluxes of a
/// science frame reduced end to end, and the crosstalk between neighbours at the full-scale pitch.
struct ExtractionTests {
    @Test func scienceFluxesMatchTheTruthForBrightFibres() throws {
        let r = ScienceNight.reduced, result = ScienceNight.extracted
        var flagged = r.science
        flagged.mask = result.mask  // the boxcar for comparison, without the cosmic rays the extraction found
        let box = BoxcarExtraction(halfWidth: 10).extract(flagged, traces: r.traces, arm: r.arm)
        let truth = try r.truthElectrons()
        let w = result.spectra.columns, margin = 16
        var errors: [Double] = [], boxErrors: [Double] = [], pulls: [Double] = [], bright = 0
        for (f, trace) in r.traces.enumerated() {
            let t = truth[trace.slitPosition - 1]
            var extracted = 0.0, boxed = 0.0, expected = 0.0, sn: [Double] = []
            for x in margin..<(w - margin) where result.spectra.mask[f * w + x] == 0 && t[x] > 0 {
                let flux = Double(result.spectra.flux[f * w + x]), v = Double(result.spectra.variance[f * w + x])
                guard v > 0 else { continue }
                sn.append(flux / v.squareRoot())
                pulls.append((flux - Double(t[x])) / v.squareRoot())
                extracted += flux
                boxed += Double(box.flux[f * w + x])
                expected += Double(t[x])
            }
            guard let s = RobustStatistics.median(sn), s > 50 else { continue }
            bright += 1
            errors.append(abs(extracted / expected - 1))
            boxErrors.append(abs(boxed / expected - 1))
        }
        let median = RobustStatistics.median(errors) ?? .nan, worst = errors.max() ?? .nan
        let pull = RobustStatistics.clippedMean(pulls, kappa: 5)
        let profiles = ScienceNight.profiles
        print("measured: profile shapes \(profiles.shapes.map { String(format: "core %.3f halo %.3f × %.2f", $0.coreScale, $0.haloFraction, $0.haloRatio) }), reduced χ² \(profiles.chiSquare.map { String(format: "%.2f", $0) })")
        print("measured: \(bright) fibres with S/N > 50: median |extracted − true|/true \(median), worst \(worst); boxcar ±10 rows \(RobustStatistics.median(boxErrors) ?? .nan)")
        print("measured: per-column (extracted − true)/σ over all fibres: mean \(pull.mean), scatter \(pull.sigma) (\(pulls.count) values); \(result.cosmicRays) cosmic-ray pixels flagged")
        #expect(bright >= 3, "only \(bright) fibres above S/N 50")
        #expect(median <= 0.01, "median flux error \(median)")
        #expect(abs(pull.mean) < 0.15, "extracted fluxes biased by \(pull.mean) σ")
        #expect(abs(pull.sigma - 1) < 0.1, "extracted variance describes a scatter of \(pull.sigma) σ")
    }

    @Test func overlapSolveRemovesNeighbourCrosstalkAtTheFullScalePitch() throws {
        let instrument = InstrumentModel.default.scaled(to: .small, slitlets: 6, fibresPerSlitlet: 20)
        let frames = try FullPitchFlats(instrument: instrument, seed: 81)
        let layout = frames.optics.layout
        #expect(layout.pitch < 7.5)
        let traces = frames.traces
        #expect(frames.tracedDark.count >= 6, "\(frames.tracedDark.count) dark fibres between lit ones")
        let profiles = FibreProfiles.measure(flat: frames.lit, traces: traces)
        let profile = ProfileExtraction(profiles: profiles).extract(image: frames.dimmed, traces: traces, arm: frames.arm).spectra
        let boxcar = BoxcarExtraction(halfWidth: 0.5 * layout.pitch).extract(frames.dimmed, traces: traces, arm: frames.arm)
        let p = frames.crosstalk(profile), b = frames.crosstalk(boxcar)
        print("measured: dark-fibre flux / neighbours' at pitch \(layout.pitch): boxcar ±\(0.5 * layout.pitch) rows \(b), profile extraction \(p) (\(frames.tracedDark.count) dark fibres), reduction \(abs(b / p))×")
        print("measured: profile shapes \(profiles.shapes.map { String(format: "core %.3f halo %.3f × %.2f", $0.coreScale, $0.haloFraction, $0.haloRatio) })")
        #expect(b > 0.005, "the boxcar sees the neighbours (\(b))")
        #expect(abs(p) * 10 <= abs(b), "profile crosstalk \(p) vs boxcar \(b)")
    }

    @Test func haloRefittedOnAFrameWithDarkFibresRemovesTheirNeighboursLight() throws {
        let instrument = InstrumentModel.default.scaled(to: .small, slitlets: 6, fibresPerSlitlet: 20)
        let frames = try FullPitchFlats(instrument: instrument, seed: 83)
        let traces = frames.traces
        // The flat's fit, with its halo made too faint and narrow: what a uniformly lit flat leaves undetermined.
        var wrong = FibreProfiles.measure(flat: frames.lit, traces: traces)
        wrong.shapes = wrong.shapes.map { ProfileShape(coreScale: $0.coreScale, haloFraction: 0.5 * $0.haloFraction, haloRatio: 1.6) }
        let refined = wrong.refined(on: frames.dimmed, traces: traces)
        func crosstalk(_ profiles: FibreProfiles) -> Double {
            frames.crosstalk(ProfileExtraction(profiles: profiles).extract(image: frames.dimmed, traces: traces, arm: frames.arm).spectra)
        }
        let before = crosstalk(wrong), after = crosstalk(refined)
        let truth = frames.optics.profile, shape = refined.shapes[0]
        print("measured: dark-fibre flux / neighbours' with a halo of \(wrong.shapes[0].haloFraction) × 1.6: \(before); refitted on the frame (halo \(shape.haloFraction) × \(shape.haloRatio), truth \(truth.haloFraction) × \(truth.haloWidthRatio)): \(after)")
        #expect(abs(before) > 1e-3, "the wrong halo leaves \(before) of the neighbours' light")
        #expect(abs(after) * 5 <= abs(before), "refitted crosstalk \(after) vs \(before)")
        #expect(abs(shape.haloFraction * shape.haloRatio - truth.haloFraction * truth.haloWidthRatio) < 0.3 * truth.haloFraction * truth.haloWidthRatio)
    }
}

/// A fibre flat at the full-scale pitch, and the same lamp with every tenth fibre dark, each read out and
/// corrected for bias and gain. The simulator's own scattered light is subtracted (what is measured here is the
/// extraction's crosstalk, not the background: at this pitch there are no gaps to measure it between fibres).
struct FullPitchFlats {
    let arm = ArmName.green
    let optics: ArmOptics
    let lit: DetrendedArm
    let dimmed: DetrendedArm
    let dark: [Int]
    /// The lit flat's traces.
    let traces: [FibreTrace]
    /// The dark fibres traced with both neighbours (lit) in the same slitlet.
    let tracedDark: [Int]

    init(instrument: InstrumentModel, seed: UInt64) throws {
        let counts = NightPlan.Counts(biases: 3, darks: 0, ledLevels: [], fibreFlats: 1, arcs: 0, fabryPerots: 0, twilightFlats: 0,
                                      blockExposures: [], scienceExposureTime: 900, darkTime: 900)
        let plan = NightPlan(night: Night("2026-11-30")!, scale: .small, seed: seed, instrument: instrument, spectrographs: [.lrsA], counts: counts)
        let simulator = SpectrographSimulator(instrument: instrument, spectrograph: .lrsA, plan: plan)
        let arm = self.arm
        let detector = simulator.detector(arm)
        let optics = simulator.lighting(arm).optics
        self.optics = optics
        func read(_ photons: [Float]?, _ exposure: PlannedExposure, salt: UInt64) -> ArmFrame {
            let pixels = Readout(detector: detector).read(photons: photons, darkTime: exposure.exposureTime,
                                                          seed: PixelHash.seed(simulator.readoutSeed(exposure, arm), salt)).pixels
            return ArmFrame(arm: arm, raw: pixels.map { Float($0) }, layout: instrument.detector, gains: detector.amplifiers.map(\.gain),
                            exposureTime: exposure.exposureTime, darkTime: exposure.exposureTime)
        }
        let bias = MasterBias.combine(plan.exposures.filter { $0.kind == .bias }.map { read(nil, $0, salt: 0) }).image
        let exposure = plan.exposures.first { $0.kind == .fibreFlat }!
        let lamp = simulator.lighting(arm).fibreFlatLamp(exposureTime: exposure.exposureTime)
        let fibres = optics.layout.fibres
        dark = fibres.map(\.slitPosition).filter { $0 % 10 == 5 }
        func detrended(darkFibres: Set<Int>, salt: UInt64) -> DetrendedArm {
            let spectra = fibres.map { f -> [Double]? in
                darkFibres.contains(f.slitPosition) ? nil : optics.columnSpectrum(slitPosition: f.slitPosition, light: lamp, exposureTime: exposure.exposureTime)
            }
            let photons = optics.image(columnSpectra: spectra)
            var scattered = [Float](repeating: 0, count: photons.count)
            optics.addScatteredLight(to: &scattered, columnSpectra: spectra)
            var d = Detrending.apply(read(photons, exposure, salt: salt), calibrations: ArmCalibrations(bias: bias))
            for i in scattered.indices { d.electrons.pixels[i] -= scattered[i] }
            return d
        }
        lit = detrended(darkFibres: [], salt: 1)
        dimmed = detrended(darkFibres: Set(dark), salt: 2)
        traces = FibreTracer(blockWidth: 16, matchRadius: 0.45 * optics.layout.pitch).trace(lit.electrons, nominalRows: fibres.map(\.nominalRow))
        let traced = Set(traces.map(\.slitPosition))
        tracedDark = dark.filter { traced.contains($0 - 1) && traced.contains($0 + 1) && traced.contains($0) }
    }

    /// The mean over ``tracedDark`` of each dark fibre's median flux over its neighbours' mean, from `s` extracted
    /// from ``dimmed`` with ``traces``.
    func crosstalk(_ s: ExtractedSpectra) -> Double {
        let index = Dictionary(uniqueKeysWithValues: traces.enumerated().map { ($0.element.slitPosition, $0.offset) })
        let w = s.columns
        let perFibre = tracedDark.map { d -> Double in
            let f = index[d]!, a = index[d - 1]!, b = index[d + 1]!
            let ratios = (16..<(w - 16)).map { x in Double(s.flux[f * w + x]) / (0.5 * Double(s.flux[a * w + x] + s.flux[b * w + x])) }
            return RobustStatistics.median(ratios)!
        }
        return perFibre.reduce(0, +) / Double(perFibre.count)
    }
}
