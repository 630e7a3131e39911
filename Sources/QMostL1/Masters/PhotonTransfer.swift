import Foundation
import QMostCore

/// Each output's conversion gain from a pair of biases and a pair of flats at one level (the photon-transfer
/// method, Janesick 2007 ch. 4): g = 2 S / (σ²(F₁−F₂) − σ²(B₁−B₂)) in e-/ADU, S the mean signal in ADU above
/// bias. Differences cancel the fixed patterns (pixel response, bias structure); each row's offset is removed
/// from the differences first, and the statistics are 4σ-clipped against cosmic rays and hot pixels.
public enum PhotonTransfer {
    /// Each output's read noise in ADU from the difference of two biases (σ/√2, rows' offsets removed): unlike the
    /// overscan's scatter it is free of the fixed bias pattern, which the master bias removes from every frame.
    public static func readNoise(biases: (ArmFrame, ArmFrame)) -> [Double] {
        let b1 = OverscanCorrection.corrected(biases.0).plane, b2 = OverscanCorrection.corrected(biases.1).plane
        return biases.0.layout.amplifiers.map { amp in
            let columns = Array(amp.trimmed.dropFirst(4).dropLast(4))
            var d: [Double] = []
            for y in 0..<b1.height {
                let row = columns.map { Double(b1[$0, y] - b2[$0, y]) }
                let m = RobustStatistics.clippedMean(row, kappa: 4).mean
                d += row.map { $0 - m }
            }
            return RobustStatistics.clippedMean(d, kappa: 4).sigma / 2.0.squareRoot()
        }
    }

    public static func gains(biases: (ArmFrame, ArmFrame), flats: (ArmFrame, ArmFrame)) -> [Double] {
        let b1 = OverscanCorrection.corrected(biases.0).plane, b2 = OverscanCorrection.corrected(biases.1).plane
        let f1 = OverscanCorrection.corrected(flats.0).plane, f2 = OverscanCorrection.corrected(flats.1).plane
        let layout = flats.0.layout
        return layout.amplifiers.map { amp in
            let columns = Array(amp.trimmed.dropFirst(4).dropLast(4))
            func rowCorrectedDifference(_ a: Plane, _ b: Plane) -> [Double] {
                var out: [Double] = []
                out.reserveCapacity(columns.count * a.height)
                for y in 0..<a.height {
                    let row = columns.map { Double(a[$0, y] - b[$0, y]) }
                    let m = RobustStatistics.clippedMean(row, kappa: 4).mean
                    out += row.map { $0 - m }
                }
                return out
            }
            func mean(_ a: Plane, _ b: Plane) -> Double {
                var v: [Double] = []
                for y in stride(from: 0, to: a.height, by: 2) { for x in columns { v.append(Double(a[x, y] - b[x, y])) } }
                return RobustStatistics.clippedMean(v, kappa: 6).mean
            }
            let signal = 0.5 * (mean(f1, b1) + mean(f2, b2))
            let flatVariance = pow(RobustStatistics.clippedMean(rowCorrectedDifference(f1, f2), kappa: 4).sigma, 2)
            let biasVariance = pow(RobustStatistics.clippedMean(rowCorrectedDifference(b1, b2), kappa: 4).sigma, 2)
            return 2 * signal / (flatVariance - biasVariance)
        }
    }

    /// Each output's gain from a pair of LED flats at one level, corrected with the master `bias` and linearised
    /// with `linearity` first: a non-linear response shrinks the variance twice as much as the signal (at 20 000
    /// e- and β = −1.2×10⁻⁷/e- the gain would come out 0.7% high). The read-noise term is each output's `readNoise`
    /// (ADU) from the master bias, a small part of the flats' variance at LED levels.
    public static func gains(flats: (ArmFrame, ArmFrame), bias: Plane, readNoise: [Double], linearity: LinearityFit?) -> [Double] {
        let layout = flats.0.layout
        func linear(_ f: ArmFrame) -> Plane {
            var p = OverscanCorrection.corrected(f).plane.subtracting(bias)
            if let linearity { p = linearity.apply(to: p, layout: layout) }
            return p
        }
        let f1 = linear(flats.0), f2 = linear(flats.1)
        return layout.amplifiers.enumerated().map { o, amp in
            let columns = Array(amp.trimmed.dropFirst(4).dropLast(4))
            // A full-size output has 19 million pixels; every fourth row keeps the variance good to 0.1% and the
            // clipped statistics' sorting affordable.
            let step = f1.height > 2048 ? 4 : 1
            var difference: [Double] = [], level: [Double] = []
            difference.reserveCapacity(columns.count * f1.height / step)
            for y in stride(from: 0, to: f1.height, by: step) {
                let row = columns.map { Double(f1[$0, y] - f2[$0, y]) }
                let m = RobustStatistics.clippedMean(row, kappa: 4).mean
                difference += row.map { $0 - m }
                for x in columns { level.append(0.5 * Double(f1[x, y] + f2[x, y])) }
            }
            let signal = RobustStatistics.clippedMean(level, kappa: 6).mean
            let variance = pow(RobustStatistics.clippedMean(difference, kappa: 4).sigma, 2)
            return 2 * signal / (variance - 2 * readNoise[o] * readNoise[o])
        }
    }
}
