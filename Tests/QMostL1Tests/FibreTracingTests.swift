import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1
@testable import QMostSimulator

/// Fibre traces found in simulated fibre flats follow the true traces, at the small scale's wide spacing and
/// at the full-scale pitch of 7 rows where the profiles overlap.
struct FibreTracingTests {
    /// Biases and a fibre flat of LRS-A with `layout`'s fibres on a 1024 × 1024 detector.
    static func flat(slitlets: Int, perSlitlet: Int, seed: UInt64) throws -> (plane: Plane, simulator: SpectrographSimulator, arm: ArmName) {
        let instrument = InstrumentModel.default.scaled(to: .small, slitlets: slitlets, fibresPerSlitlet: perSlitlet)
        let counts = NightPlan.Counts(biases: 3, darks: 0, ledLevels: [], fibreFlats: 1, arcs: 0, fabryPerots: 0, twilightFlats: 0,
                                      blockExposures: [], scienceExposureTime: 900, darkTime: 900)
        let plan = NightPlan(night: Night("2026-11-26")!, scale: .small, seed: seed, instrument: instrument, spectrographs: [.lrsA], counts: counts)
        let simulator = SpectrographSimulator(instrument: instrument, spectrograph: .lrsA, plan: plan)
        let arm = ArmName.green
        func read(_ exposure: PlannedExposure) -> ArmFrame {
            let rendered = try! simulator.render(exposure, arm: arm)
            let detector = simulator.detector(arm)
            let pixels = Readout(detector: detector).read(photons: rendered.photons, darkTime: rendered.darkTime, seed: simulator.readoutSeed(exposure, arm)).pixels
            return ArmFrame(arm: arm, raw: pixels.map { Float($0) }, layout: instrument.detector, gains: [1, 1],
                            exposureTime: exposure.exposureTime, darkTime: rendered.darkTime)
        }
        let bias = MasterBias.combine(plan.exposures.filter { $0.kind == .bias }.map(read)).image
        let flat = OverscanCorrection.corrected(read(plan.exposures.first { $0.kind == .fibreFlat }!)).plane.subtracting(bias)
        return (flat, simulator, arm)
    }

    func check(slitlets: Int, perSlitlet: Int, seed: UInt64) throws {
        let (plane, simulator, arm) = try Self.flat(slitlets: slitlets, perSlitlet: perSlitlet, seed: seed)
        let optics = simulator.lighting(arm).optics
        let layout = optics.layout
        let tracer = FibreTracer(blockWidth: 16, matchRadius: 0.45 * layout.pitch)
        let traces = tracer.trace(plane, nominalRows: layout.fibres.map(\.nominalRow))
        let lit = layout.fibres.filter { !optics.transmission.fibres[$0.slitPosition - 1].broken }.map(\.slitPosition)
        #expect(traces.map(\.slitPosition) == lit, "found \(traces.count) of \(lit.count) lit fibres")
        var worst = 0.0, sumSquares = 0.0, n = 0.0, widthErrors: [Double] = []
        for t in traces {
            let truth = optics.traceCoefficients(slitPosition: t.slitPosition)
            for x in stride(from: 40.0, through: Double(plane.width - 40), by: 8) {
                let d = t.row(at: x) - (truth[0] + x * (truth[1] + x * truth[2]))
                worst = max(worst, abs(d))
                sumSquares += d * d
                n += 1
                // The three-row fit sees the core broadened by the pixel (1/12 row²) and a little by the halo.
                let sigma = (max(t.sigma(at: x) * t.sigma(at: x) - 1.0 / 12, 0)).squareRoot()
                let trueSigma = optics.profile.coreSigma(t: optics.normalisedColumn(x), u: optics.slitCoordinate(t.slitPosition))
                widthErrors.append(sigma / trueSigma - 1)
            }
        }
        let rms = (sumSquares / n).squareRoot()
        print("measured: \(traces.count) of \(lit.count) fibres traced, rms \(rms), worst \(worst) rows, core width \(RobustStatistics.median(widthErrors)!)")
        #expect(rms < 0.03, "trace rms \(rms) rows")
        #expect(worst < 0.1, "worst trace error \(worst) rows")
        let medianWidth = RobustStatistics.median(widthErrors)!
        #expect(abs(medianWidth) < 0.08, "core width off by \(medianWidth)")
    }

    @Test func tracesFollowTheTruthAtTheSmallScaleSpacing() throws {
        try check(slitlets: 4, perSlitlet: 8, seed: 31)
    }

    @Test func tracesFollowTheTruthWhereProfilesOverlapAtSevenRows() throws {
        let layout = InstrumentModel.default.scaled(to: .small, slitlets: 6, fibresPerSlitlet: 20).fibreLayout
        #expect(layout.pitch < 7.5)
        try check(slitlets: 6, perSlitlet: 20, seed: 32)
    }
}
