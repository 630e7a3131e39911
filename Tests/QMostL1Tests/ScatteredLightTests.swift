import Foundation
import QMostCore
import QMostTesting
import Testing
@testable import QMostL1
@testable import QMostSimulator

/// The scattered-light map measured between the traced fibres of a simulated fibre flat follows the scattered
/// light the simulator put in (seed 9.1.8).
struct ScatteredLightTests {
    @Test func mapFromTheGapsBetweenFibresFollowsTheInjectedScatteredLight() throws {
        let (plane, simulator, arm) = try FibreTracingTests.flat(slitlets: 4, perSlitlet: 8, seed: 51)
        let optics = simulator.lighting(arm).optics
        let traces = FibreTracer(blockWidth: 16, matchRadius: 0.45 * optics.layout.pitch).trace(plane, nominalRows: optics.layout.fibres.map(\.nominalRow))
        let estimate = ScatteredLight(cellSize: 64, maskHalfWidth: 10).map(plane, traces: traces)
        // The injected scattered light: the same lamp through the same fibres, spread as the simulator spreads it.
        let exposure = simulator.plan.exposures.first { $0.kind == .fibreFlat }!
        let lamp = simulator.lighting(arm).fibreFlatLamp(exposureTime: exposure.exposureTime)
        let spectra = optics.layout.fibres.map { optics.columnSpectrum(slitPosition: $0.slitPosition, light: lamp, exposureTime: exposure.exposureTime) }
        var truth = [Float](repeating: 0, count: plane.width * plane.height)
        optics.addScatteredLight(to: &truth, columnSpectra: spectra)
        let gain = simulator.detector(arm).amplifiers.map(\.gain).reduce(0, +) / 2
        var ratios: [Double] = []
        for y in stride(from: 64, to: plane.height - 64, by: 16) {
            for x in stride(from: 64, to: plane.width - 64, by: 16) {
                ratios.append(Double(estimate[x, y]) * gain / Double(truth[y * plane.width + x]))
            }
        }
        let median = RobustStatistics.median(ratios)!
        let spread = RobustStatistics.madSigma(ratios, around: median)
        print("measured: scattered light estimate / injected: median \(median), scatter \(spread)")
        #expect(abs(median - 1) < 0.05, "estimate / injected: median \(median)")
        #expect(spread < 0.06, "estimate / injected: scatter \(spread)")
    }
}
