import Foundation
import QMostCore
import QMostTesting
import Testing
@testable import QMostSimulator

/// The detector's injected bias level, read noise and gain come back out of simulated bias and LED-flat pairs,
/// measured the way a detector engineer would: overscan levels, the difference of two biases, and the photon
/// transfer of two flats (Janesick 2007, Photon Transfer, ch. 4).
@Suite(.serialized)
struct DetectorRecoveryTests {
    /// Two biases and one LED pair at 20 000 e-, with gains other than 1 e-/ADU so the gain is really measured.
    static let night: Simulated = {
        var base = InstrumentModel.default
        let gains = [1.6, 2.2, 1.9]
        base.lowResolutionArms = base.lowResolutionArms.enumerated().map { i, arm in
            var a = arm
            a.gain = gains[i]
            return a
        }
        let counts = NightPlan.Counts(biases: 2, darks: 0, ledLevels: [20_000], fibreFlats: 0, arcs: 0, fabryPerots: 0,
                                      twilightFlats: 0, blockExposures: [], scienceExposureTime: 900, darkTime: 900)
        return try! Simulated(night: Night("2026-11-21")!, seed: 99, spectrographs: [.lrsB], base: base, counts: counts)
    }()

    var geometry: DetectorGeometry { Self.night.simulator.instrument.detector }

    func detector(_ arm: ArmName) -> DetectorModel {
        DetectorModel(spectrograph: .lrsB, arm: Self.night.simulator.instrument.arm(.lrsB, arm), geometry: geometry)
    }

    /// Columns of an amplifier's active area to measure on: away from the bad columns and the amplifier seam.
    func goodColumns(_ amp: DetectorGeometry.AmplifierRegion, _ detector: DetectorModel) -> [Int] {
        let bad = Set(detector.badColumns.flatMap { b in (b.column - 1)...(b.column + 1) }.map { geometry.rawColumn(forActiveColumn: max(0, min(geometry.activeColumns - 1, $0))) })
        return amp.active.dropFirst(4).dropLast(4).filter { !bad.contains($0) }
    }

    /// Pixels of `a − b` (or `a` alone) over the amplifier's good columns with each row's mean removed.
    func rowCorrected(_ a: RawArm, minus b: RawArm?, columns: [Int]) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(columns.count * a.height)
        for y in 0..<a.height {
            let row = columns.map { a[$0, y] - (b?[$0, y] ?? 0) }
            let m = clippedStatistics(row).mean
            out += row.map { $0 - m }
        }
        return out
    }

    @Test func biasLevelOfEveryOutputIsRecoveredFromTheOverscan() throws {
        let biases = Self.night.frames(.bias, .lrsB)
        #expect(biases.count == 2)
        for frame in biases {
            for (a, arm) in ArmName.allCases.enumerated() {
                let raw = try RawArm(path: Self.night.path(frame), arm: arm)
                let d = detector(arm)
                for (i, amp) in geometry.amplifiers.enumerated() {
                    var values: [Double] = []
                    for y in 0..<raw.height { for x in amp.overscan { values.append(raw[x, y]) } }
                    let measured = clippedStatistics(values).mean
                    let injected = d.amplifiers[i].biasLevel + frame.readouts[a].frameBiasOffset
                    print("measured: bias \(arm) output \(i + 1): \(measured) ADU, injected \(injected)")
                    #expect(abs(measured - injected) / injected < 0.02, "\(arm) output \(i + 1)")
                    // Much better than 2% in fact: the overscan averages ~30 000 pixels.
                    #expect(abs(measured - injected) < 0.3, "\(arm) output \(i + 1): \(measured) vs \(injected)")
                }
            }
        }
    }

    @Test func readNoiseOfEveryOutputIsRecoveredFromTwoBiases() throws {
        let biases = Self.night.frames(.bias, .lrsB)
        for arm in ArmName.allCases {
            let b1 = try RawArm(path: Self.night.path(biases[0]), arm: arm), b2 = try RawArm(path: Self.night.path(biases[1]), arm: arm)
            let d = detector(arm)
            for (i, amp) in geometry.amplifiers.enumerated() {
                let diff = rowCorrected(b1, minus: b2, columns: goodColumns(amp, d))
                let sigmaADU = clippedStatistics(diff).std / 2.0.squareRoot()
                // The ADC's rounding adds 1/12 ADU² to every pixel (uniform quantisation noise), so the measured
                // noise is √(RON² + g²/12) in electrons; without that term the test would be 3–4% off at g ≈ 2.
                let g = d.amplifiers[i].gain
                let ron = (pow(sigmaADU * g, 2) - g * g / 12).squareRoot()
                let injected = d.amplifiers[i].readNoise
                print("measured: read noise \(arm) output \(i + 1): \(ron) e-, injected \(injected)")
                #expect(abs(ron - injected) / injected < 0.02, "\(arm) output \(i + 1): \(ron) e- vs \(injected) e-")
            }
        }
    }

    @Test func gainOfEveryOutputIsRecoveredByPhotonTransfer() throws {
        let biases = Self.night.frames(.bias, .lrsB), flats = Self.night.frames(.detectorFlat, .lrsB)
        #expect(flats.count == 2)
        for arm in ArmName.allCases {
            let b1 = try RawArm(path: Self.night.path(biases[0]), arm: arm), b2 = try RawArm(path: Self.night.path(biases[1]), arm: arm)
            let f1 = try RawArm(path: Self.night.path(flats[0]), arm: arm), f2 = try RawArm(path: Self.night.path(flats[1]), arm: arm)
            let d = detector(arm)
            for (i, amp) in geometry.amplifiers.enumerated() {
                let columns = goodColumns(amp, d)
                // Mean signal above bias, each frame's level taken from its own overscan.
                func level(_ f: RawArm) -> Double {
                    var v: [Double] = []
                    for y in 0..<f.height { for x in amp.overscan { v.append(f[x, y]) } }
                    return clippedStatistics(v).mean
                }
                func mean(_ f: RawArm) -> Double {
                    var v: [Double] = []
                    for y in 0..<f.height { for x in columns { v.append(f[x, y]) } }
                    return clippedStatistics(v, sigma: 6).mean - level(f)
                }
                let signal = 0.5 * (mean(f1) + mean(f2))
                let flatVariance = pow(clippedStatistics(rowCorrected(f1, minus: f2, columns: columns)).std, 2)
                let biasVariance = pow(clippedStatistics(rowCorrected(b1, minus: b2, columns: columns)).std, 2)
                let gain = 2 * signal / (flatVariance - biasVariance)
                let injected = d.amplifiers[i].gain
                print("measured: gain \(arm) output \(i + 1): \(gain) e-/ADU, injected \(injected)")
                #expect(abs(gain - injected) / injected < 0.02, "\(arm) output \(i + 1): \(gain) vs \(injected) e-/ADU")
                // The LED delivered its level (20 000 e- at the centre, 4% less at the corners), within the
                // non-linearity's 0.3%.
                #expect(abs(signal * injected / 20_000 - 0.985) < 0.03, "\(arm) output \(i + 1): \(signal * injected) e-")
            }
        }
    }
}
