import Foundation
import QMostCore
import QMostFITS
import QMostTesting
@testable import QMostL1
@testable import QMostSimulator

/// A small LRS-A night with one 1800 s science exposure and its attached fibre flat, reduced once through the detector
/// corrections (masters from the same night), tracing and scattered-light removal, for the extraction and
/// cosmic-ray tests to measure against the truth.
enum ScienceNight {
    static let reduced: ReducedScience = try! ReducedScience(seed: 71)
    /// The profiles measured on its flat and the science frame's profile extraction, made once for the tests.
    static let profiles = FibreProfiles.measure(flat: reduced.flat, traces: reduced.traces)
    static let extracted = ProfileExtraction(profiles: profiles).extract(image: reduced.science, traces: reduced.traces, arm: reduced.arm)
}

final class ReducedScience: @unchecked Sendable {  // immutable after init
    let night: Simulated
    let arm = ArmName.green
    let optics: ArmOptics
    /// Detrended, scattered light removed.
    let flat: DetrendedArm
    let science: DetrendedArm
    let traces: [FibreTrace]
    let scienceFrame: WrittenFrame

    init(seed: UInt64) throws {
        let counts = NightPlan.Counts(biases: 3, darks: 2, ledLevels: [4000, 20000], fibreFlats: 0, arcs: 0, fabryPerots: 0,
                                      twilightFlats: 0, blockExposures: [1], scienceExposureTime: 1800, darkTime: 900)
        night = try Simulated(night: Night("2026-11-29")!, seed: seed, counts: counts)
        let simulator = SpectrographSimulator(instrument: night.simulator.instrument, spectrograph: .lrsA, plan: night.simulator.plan)
        optics = simulator.lighting(arm).optics
        let biases = try night.arms(.bias, arm), darks = try night.arms(.dark, arm), leds = try night.arms(.detectorFlat, arm)
        let bias = MasterBias.combine(biases)
        let dark = MasterDark.combine(darks, bias: bias.image)
        let bright = leds.filter { abs($0.exposureTime - 8) < 0.01 }
        // The true gains: the photon-transfer estimate from one LED pair is good to ~1% (DetrendingTests), which would
        // show as a flux scale error that is no fault of the extraction measured here.
        let gains = night.detector(arm).amplifiers.map(\.gain)
        let detectorFlat = DetectorFlat.combine(bright, bias: bias.image, dark: dark.image)
        let calibrations = ArmCalibrations(bias: bias.image, dark: dark.image, flat: detectorFlat.image,
                                           linearity: LinearityFit.fit(leds, bias: bias.image, dark: dark.image),
                                           crosstalk: CrosstalkCorrection(coefficients: night.detector(arm).crosstalk),
                                           mask: BadPixelMask.make(flat: detectorFlat.image, dark: dark.image, bias: bias.image),
                                           readNoise: PhotonTransfer.readNoise(biases: (biases[0], biases[1])))
        func detrend(_ frame: ArmFrame) -> DetrendedArm {
            var f = frame
            f.gains = gains
            return Detrending.apply(f, calibrations: calibrations, biasVariance: bias.variance, darkVariance: dark.variance,
                                    flatVariance: detectorFlat.variance)
        }
        var flat = detrend(try night.arms(.fibreFlat, arm).last!)
        var science = detrend(try night.arms(.science, arm).first!)
        let layout = optics.layout
        traces = FibreTracer(blockWidth: 16, matchRadius: 0.45 * layout.pitch).trace(flat.electrons, nominalRows: layout.fibres.map(\.nominalRow))
        let background = ScatteredLight(cellSize: 64, maskHalfWidth: 10)
        flat.electrons = flat.electrons.subtracting(background.map(flat.electrons, traces: traces, ignore: flat.mask.map { $0 != 0 }))
        science.electrons = science.electrons.subtracting(background.map(science.electrons, traces: traces, ignore: science.mask.map { $0 != 0 }))
        self.flat = flat
        self.science = science
        scienceFrame = night.frames(.science)[0]
    }

    /// The expected electrons per column of every fibre (by slit position − 1) in the science exposure: source
    /// plus sky, as the simulator laid them out before the profile (zero where the truth has none).
    func truthElectrons() throws -> [[Float]] {
        let path = night.directory.file("truth/ob_\(scienceFrame.exposure.obID)_\(SpectrographName.lrsA.rawValue).fits")
        return try withFITSFile(path) { file in
            try file.moveTo(extname: "SOURCE_E_\(arm.headerName)")
            let source = try file.readImage(as: Float.self)
            try file.moveTo(extname: "SKY_E_\(arm.headerName)")
            let sky = try file.readImage(as: Float.self)
            let n = source.shape[0]
            return (0..<source.shape[1]).map { f in (0..<n).map { source.pixels[f * n + $0] + sky.pixels[f * n + $0] } }
        }
    }

    /// The science frame's cosmic-ray deposits on the arm: pixel index → electrons.
    func cosmicDeposits() throws -> [Int: Double] {
        let w = science.electrons.width
        return try withFITSFile(night.directory.file("truth/cosmics/\(scienceFrame.fileName)")) { file in
            try file.moveTo(extname: "COSMICS_\(arm.headerName)")
            let xs = try file.readColumn("X", as: Int32.self).values, ys = try file.readColumn("Y", as: Int32.self).values
            let es = try file.readColumn("ELECTRONS", as: Float.self).values
            var d: [Int: Double] = [:]
            for i in xs.indices { d[Int(ys[i]) * w + Int(xs[i]), default: 0] += Double(es[i]) }
            return d
        }
    }
}
