import Foundation
import QMostCore

/// One arm's CCD and its readout electronics as simulated: per-amplifier bias, gain and read noise, crosstalk,
/// non-linearity, pixel response non-uniformity, bad columns, hot pixels and dark current.
///
/// Everything here is fixed for a detector (derived from the spectrograph and arm names, not the night's seed),
/// so every night of one installation sees the same CCDs, as master calibrations assume. The numbers are
/// ASSUMPTIONS typical of e2v 231-series CCDs on ESO NGC controllers; 4MOST's are not public (datamodel §8).
public struct DetectorModel: Sendable, Equatable {
    /// One readout amplifier.
    public struct Amplifier: Sendable, Equatable {
        /// Bias offset in ADU.
        public var biasLevel: Double
        /// Conversion gain in e-/ADU.
        public var gain: Double
        /// Read noise in electrons.
        public var readNoise: Double
    }

    /// A column whose pixels misbehave from `startRow` to the top of the detector (a charge trap or a hot column).
    public struct BadColumn: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable {
            /// Traps charge: the pixels keep only ``DetectorModel/coldColumnResponse`` of the signal.
            case cold
            /// Leaks charge: every pixel gains ``DetectorModel/hotColumnCharge`` electrons per readout.
            case hot
        }
        public var column: Int
        public var startRow: Int
        public var kind: Kind
    }

    /// A pixel with a high dark current.
    public struct HotPixel: Sendable, Equatable {
        public var column: Int
        public var row: Int
        /// Dark current in e-/s.
        public var darkCurrent: Double
    }

    public let geometry: DetectorGeometry
    /// Amplifiers in ``DetectorGeometry/amplifiers`` order.
    public let amplifiers: [Amplifier]
    /// Crosstalk from amplifier i into amplifier j: the victim pixel read at the same time gains
    /// `crosstalk[i][j]` × the source pixel's signal (ADU above bias). Diagonal zero.
    public let crosstalk: [[Double]]
    /// Quadratic non-linearity: recorded electrons e' = e·(1 + β·e), β in 1/e-.
    public let nonLinearity: Double
    /// Pixel-to-pixel response non-uniformity, rms.
    public let responseScatter: Double
    /// Uniform dark current in e-/s/pixel (the arm model's, scaled to the pixel size).
    public let darkCurrent: Double
    /// Amplifier glow: extra dark current (e-/s) at the readout corners, falling off over ``glowScale`` columns.
    public let glowCurrent: Double
    public let glowScale: Double
    public let badColumns: [BadColumn]
    public let hotPixels: [HotPixel]
    /// Per-frame bias offset rms (ADU), the same for the whole frame.
    public let frameBiasScatter: Double
    /// Row-to-row bias jitter rms (ADU), removed by overscan correction.
    public let rowBiasScatter: Double
    /// Fixed-pattern bias structure rms (ADU), removed by a master bias.
    public let biasPatternScatter: Double
    /// Seed of the fixed patterns (response, bias structure).
    public let patternSeed: UInt64
    /// Full well (e-).
    public let fullWell: Double

    /// Response of a cold (trap) column.
    public static let coldColumnResponse = 0.35
    /// Charge (e-) a hot column adds to every pixel.
    public static let hotColumnCharge = 40.0

    /// The detector of `spectrograph`'s `arm` with `model`'s electronics on `geometry`.
    public init(spectrograph: SpectrographName, arm: ArmModel, geometry: DetectorGeometry) {
        let seed = PixelHash.stable("4MOST \(spectrograph.rawValue) \(arm.arm.rawValue) CCD")
        var random = SplitMix64(seed: seed)
        self.geometry = geometry
        self.patternSeed = seed
        // Each output differs by a few per cent in gain and read noise and some tens of ADU in offset.
        self.amplifiers = geometry.amplifiers.indices.map { i in
            Amplifier(
                biasLevel: arm.biasLevel + 23 * Double(i) + (random.uniform() - 0.5) * 20,
                gain: arm.gain * (1 + 0.03 * (random.uniform() - 0.5)),
                readNoise: arm.readNoise * (1 + 0.06 * (random.uniform() - 0.5)))
        }
        let n = geometry.amplifierCount
        self.crosstalk = (0..<n).map { i in (0..<n).map { j in i == j ? 0 : (i < j ? 3.2e-4 : -1.8e-4) } }
        self.nonLinearity = -1.2e-7
        self.responseScatter = 0.008
        // Dark current per physical area: a scaled pixel is wider and collects proportionally more.
        let area = geometry.pixelSizeX * geometry.pixelSizeY / (15 * 15)
        self.darkCurrent = ArmModel.defaultDarkCurrentPerHour / 3600 * area
        self.glowCurrent = 0.004 * area
        self.glowScale = 300 / (geometry.pixelSizeX / 15)
        self.frameBiasScatter = 1.5
        self.rowBiasScatter = 0.4
        self.biasPatternScatter = 0.6
        self.fullWell = arm.fullWell

        // Defects per detector area: 3 bad columns and 2e-5 of the pixels hot at full size.
        let fullArea = Double(DetectorGeometry.full.activeColumns * DetectorGeometry.full.activeRows) * 225
        let areaFraction = Double(geometry.activeColumns * geometry.activeRows) * geometry.pixelSizeX * geometry.pixelSizeY / fullArea
        let columnCount = max(2, Int((3 * areaFraction * 3).rounded()))
        self.badColumns = (0..<columnCount).map { k in
            BadColumn(
                column: 8 + Int(random.uniform() * Double(geometry.activeColumns - 16)),
                startRow: Int(random.uniform() * 0.6 * Double(geometry.activeRows)),
                kind: k % 2 == 0 ? .cold : .hot)
        }
        let hotCount = max(10, Int(2e-5 * Double(geometry.activeColumns * geometry.activeRows)))
        self.hotPixels = (0..<hotCount).map { _ in
            HotPixel(
                column: Int(random.uniform() * Double(geometry.activeColumns)),
                row: Int(random.uniform() * Double(geometry.activeRows)),
                darkCurrent: 0.02 * pow(100, random.uniform()) * area)
        }
    }

    /// The fixed response (flat-field) factor of active pixel (x, y), including cold columns.
    @inline(__always)
    public func response(x: Int, y: Int) -> Double {
        1 + responseScatter * PixelHash.normal(seed: patternSeed, x: x, y: y)
    }

    /// The fixed bias structure (ADU) at raw column `x`, row `y`.
    @inline(__always)
    public func biasPattern(rawColumn x: Int, y: Int) -> Double {
        biasPatternScatter * PixelHash.normal(seed: patternSeed ^ 0xB1A5, x: x, y: y)
    }

    /// Dark current (e-/s) of active pixel (x, y) from the uniform level and amplifier glow (hot pixels and
    /// columns are added separately).
    @inline(__always)
    public func darkRate(x: Int, y: Int) -> Double {
        darkCurrent + glowCurrent * glowAlongRows(x: x) * glowAlongColumns(y: y)
    }

    /// The glow's fall-off with the distance (columns) from the nearer output; outputs sit at the bottom outer
    /// corners. The glow is taken as separable, e^(−|dx|/s)·e^(−|dy|/s), which keeps it one multiplication per
    /// pixel (ASSUMPTION: the shape of real amplifier glow varies from chip to chip anyway).
    @inline(__always)
    public func glowAlongRows(x: Int) -> Double {
        let half = geometry.activeColumns / geometry.amplifierCount
        let dx = geometry.amplifierCount == 2 && x >= half ? geometry.activeColumns - 1 - x : x
        return exp(-Double(dx) / glowScale)
    }

    /// The glow's fall-off with the row.
    @inline(__always)
    public func glowAlongColumns(y: Int) -> Double { exp(-Double(y) / glowScale) }
}
