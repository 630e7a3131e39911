import Foundation
import QMostCore
import QMostTesting
import Testing
@testable import QMostSimulator

/// Simulating with the measured 4MOST curves of `../shared/data/4most/instrument` instead of the analytic model:
/// the sky a fibre records is the measured sky (already at the instrument's resolution, so integrated over each
/// pixel but not blurred again), and the efficiency is the measured one.
struct MeasuredInstrumentTests {
    @Test func skyFibresRecordTheMeasuredSky() throws {
        let data = try #require(SharedData.directory, "../shared/data is missing")
        let curves = try MeasuredCurvesLoader.load(directory: "\(data)/4most/instrument")
        let base = InstrumentModel(measured: curves)
        let instrument = SimulationScale.small.instrument(from: base)
        let counts = NightPlan.Counts(biases: 0, darks: 0, ledLevels: [], fibreFlats: 0, arcs: 0, fabryPerots: 0,
                                      twilightFlats: 0, blockExposures: [1], scienceExposureTime: 600, darkTime: 600)
        let plan = NightPlan(night: Night("2026-11-23")!, scale: .small, seed: 8, instrument: instrument, spectrographs: [.lrsB], counts: counts)
        #expect(plan.blocks[0].moon == .dark)
        let simulator = SpectrographSimulator(instrument: instrument, spectrograph: .lrsB, plan: plan)
        let exposure = try #require(plan.exposures.first { $0.kind == .science })
        for arm in ArmName.allCases {
            let rendered = try simulator.render(exposure, arm: arm)
            let skies = try #require(rendered.skyElectrons)
            let optics = simulator.lighting(arm).optics
            let model = instrument.arm(.lrsB, arm)
            let (i, allocation) = try #require(simulator.allocations(block: 0).enumerated().first { $0.element.use == .sky })
            let sky = try #require(skies[i])
            let fibre = optics.transmission.fibres[allocation.slitPosition - 1]
            // The measured sky through the noise model, pixel by pixel, for this fibre's throughput.
            var ratios: [Double] = []
            for x in stride(from: 40, to: model.spectralPixels - 40, by: 7) {
                let l = optics.solutions[i].wavelength(atColumn: Double(x))
                let expected = instrument.expectedSignal(flambda: 0, wavelength: l, arm: model, exposureTime: exposure.exposureTime, moon: .dark).sky
                    * fibre.value(at: l) * optics.solutions[i].dispersion(atColumn: Double(x)) / model.dispersion
                if expected > 0 { ratios.append(sky[x] / expected) }
            }
            let median = ratios.sorted()[ratios.count / 2]
            // Point values and pixel averages differ where sky lines fall inside a (6× binned) pixel; the median
            // over the arm sits on the continuum.
            #expect(abs(median - 1) < 0.03, "\(arm): median ratio \(median)")
            // The measured efficiency is in the arm.
            #expect(model.throughput == curves.efficiency[arm])
        }
    }
}
