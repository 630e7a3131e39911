import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1
@testable import QMostSimulator

/// A science frame corrected with masters made from the same night: electrons as the simulator expected them,
/// and a propagated variance that describes the residuals (seed 9.1.1–9.1.6, "variance propagated throughout").
struct DetrendingTests {
    @Test func scienceFrameComesOutInExpectedElectronsWithHonestVariance() throws {
        let counts = NightPlan.Counts(biases: 3, darks: 2, ledLevels: [4000, 20000], fibreFlats: 0, arcs: 0, fabryPerots: 0,
                                      twilightFlats: 0, blockExposures: [1], scienceExposureTime: 900, darkTime: 900)
        let night = try Simulated(night: Night("2026-11-28")!, seed: 61, counts: counts)
        let arm = ArmName.green
        let biases = try night.arms(.bias, arm), darks = try night.arms(.dark, arm), leds = try night.arms(.detectorFlat, arm)
        let bias = MasterBias.combine(biases)
        let dark = MasterDark.combine(darks, bias: bias.image)
        let bright = leds.filter { abs($0.exposureTime - 8) < 0.01 }
        let gains = PhotonTransfer.gains(biases: (biases[0], biases[1]), flats: (bright[0], bright[1]))
        let d = night.detector(arm)
        for o in 0..<2 { #expect(abs(gains[o] / d.amplifiers[o].gain - 1) < 0.02, "output \(o + 1): \(gains[o]) vs \(d.amplifiers[o].gain)") }
        let flat = DetectorFlat.combine(bright, bias: bias.image, dark: dark.image)
        let linearity = LinearityFit.fit(leds, bias: bias.image, dark: dark.image)
        // Linearised first, the LED pair gives the gains to a few per mille (unlinearised they come out ~0.7% high).
        let ron = OverscanCorrection.corrected(biases[0]).levels.readNoise
        let linearGains = PhotonTransfer.gains(flats: (bright[0], bright[1]), bias: bias.image, readNoise: ron, linearity: linearity)
        print("measured: linearised photon-transfer gains \(linearGains), injected \(d.amplifiers.map(\.gain))")
        for o in 0..<2 { #expect(abs(linearGains[o] / d.amplifiers[o].gain - 1) < 0.004, "output \(o + 1): \(linearGains[o]) vs \(d.amplifiers[o].gain)") }
        let mask = BadPixelMask.make(flat: flat.image, dark: dark.image, bias: bias.image)
        var science = try #require(try night.arms(.science, arm).first)
        science.gains = gains
        let calibrations = ArmCalibrations(bias: bias.image, dark: dark.image, flat: flat.image, linearity: linearity,
                                           crosstalk: CrosstalkCorrection(coefficients: d.crosstalk), mask: mask,
                                           readNoise: PhotonTransfer.readNoise(biases: (biases[0], biases[1])))
        let result = Detrending.apply(science, calibrations: calibrations, biasVariance: bias.variance, darkVariance: dark.variance,
                                      flatVariance: flat.variance)

        // What the simulator expected on the detector, and where its cosmic rays fell.
        let simulator = SpectrographSimulator(instrument: night.simulator.instrument, spectrograph: .lrsA, plan: night.simulator.plan)
        let exposure = night.frames(.science)[0].exposure
        let expected = try #require(try simulator.render(exposure, arm: arm).photons)
        let hits = try withFITSFile(night.directory.file("truth/cosmics/\(night.frames(.science)[0].fileName)")) { file -> Set<Int> in
            try file.moveTo(extname: "COSMICS_\(arm.headerName)")
            let xs = try file.readColumn("X", as: Int32.self).values, ys = try file.readColumn("Y", as: Int32.self).values
            var s = Set<Int>()
            let w = night.simulator.instrument.detector.activeColumns
            for (x, y) in zip(xs, ys) { for dy in -1...1 { for dx in -1...1 { s.insert((Int(y) + dy) * w + Int(x) + dx) } } }
            return s
        }
        var z: [Double] = [], bright20 = 0
        for i in stride(from: 0, to: expected.count, by: 3) where result.mask[i] == 0 && !hits.contains(i) {
            let v = Double(result.variance.pixels[i])
            guard v > 0 else { continue }
            z.append((Double(result.electrons.pixels[i]) - Double(expected[i])) / v.squareRoot())
            if expected[i] > 1000 { bright20 += 1 }
        }
        let stats = RobustStatistics.clippedMean(z, kappa: 5)
        print("measured: detrended residuals mean \(stats.mean) σ, scatter \(stats.sigma) of the propagated σ over \(z.count) pixels; gains \(gains), injected \(d.amplifiers.map(\.gain))")
        #expect(bright20 > 500, "the comparison includes \(bright20) bright pixels")
        #expect(abs(stats.mean) < 0.05, "residuals are biased by \(stats.mean) σ")
        #expect(abs(stats.sigma - 1) < 0.04, "residuals scatter by \(stats.sigma) of the propagated σ")
    }
}
