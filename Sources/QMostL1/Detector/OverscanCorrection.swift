import Foundation
import QMostCore

/// The DC bias level of each output from its prescan and overscan columns, row by row, and the trimmed,
/// level-subtracted image of the active pixels (seed 9.1.2: "using the overscan areas to determine an
/// appropriate offset value").
public enum OverscanCorrection {
    /// Per output and row, the 3σ-clipped mean of the prescan and overscan pixels (ADU), and the output's read
    /// noise estimated from them (ADU, the clipped σ across all rows after each row's level is removed).
    public struct Levels: Sendable, Equatable {
        /// `levels[output][row]`.
        public var levels: [[Double]]
        public var readNoise: [Double]
        /// The mean level per output over all rows.
        public var meanLevel: [Double] { levels.map { $0.reduce(0, +) / Double($0.count) } }
    }

    public static func levels(of frame: ArmFrame) -> Levels {
        let g = frame.layout
        var levels: [[Double]] = [], noise: [Double] = []
        for amp in g.amplifiers {
            let columns = Array(amp.prescan) + Array(amp.overscan)
            var perRow = [Double](repeating: 0, count: g.rawRows)
            var residuals: [Double] = []
            residuals.reserveCapacity(g.rawRows * columns.count)
            for y in 0..<g.rawRows {
                let values = columns.map { Double(frame.raw($0, y)) }
                let level = RobustStatistics.clippedMean(values).mean
                perRow[y] = level
                for v in values { residuals.append(v - level) }
            }
            // Each row's mean absorbs a 1/n share of its own noise: scale the scatter back.
            let n = Double(columns.count)
            let scatter = RobustStatistics.clippedMean(residuals).sigma * (n / (n - 1)).squareRoot()
            levels.append(perRow)
            noise.append(scatter)
        }
        return Levels(levels: levels, readNoise: noise)
    }

    /// The active pixels (trimmed) minus each output's row level, in ADU.
    public static func corrected(_ frame: ArmFrame, levels: Levels) -> Plane {
        let g = frame.layout
        var plane = Plane(width: g.activeColumns, height: g.activeRows)
        for (i, amp) in g.amplifiers.enumerated() {
            let offset = amp.trimmed.lowerBound - amp.active.lowerBound
            for y in 0..<g.activeRows {
                let level = Float(levels.levels[i][y])
                for x in amp.active { plane[x + offset, y] = frame.raw(x, y) - level }
            }
        }
        return plane
    }

    /// Both in one step.
    public static func corrected(_ frame: ArmFrame) -> (plane: Plane, levels: Levels) {
        let l = levels(of: frame)
        return (corrected(frame, levels: l), l)
    }
}
