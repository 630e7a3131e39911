import Foundation
import QMostCore

/// How well each fibre of a spectrograph transmits: its throughput relative to the model's, a gentle colour
/// term, whether it is broken, and how the calibration screen lights it.
///
/// Fibres differ by a few per cent in transmission (connectors, focal-ratio degradation) and a few fibres of any
/// large system are broken; the daytime calibration screen does not light the focal surface evenly, which is why
/// fibre flats are renormalised with twilight flats (seed 9.1.13). ASSUMPTION: 4% rms throughput, ±3% per
/// 1000 Å colour, 0.5% broken (at least one at the small scale), screen non-uniformity 3% smooth plus 1%.
public struct FibreTransmission: Sendable, Equatable {
    /// One fibre's properties, by slit position.
    public struct Fibre: Sendable, Equatable {
        /// Throughput relative to the instrument model's at 6500 Å (0 for a broken fibre).
        public var throughput: Double
        /// Fractional change of the throughput per 1000 Å.
        public var colour: Double
        /// Broken fibres pass no light (FIBINFO status 0, disabled).
        public var broken: Bool
        /// Relative illumination by the calibration screen (fibre flats, arcs, FP).
        public var screen: Double

        /// The fibre's relative throughput at `wavelength` (Å).
        @inline(__always)
        public func value(at wavelength: Double) -> Double {
            throughput * (1 + colour * (wavelength - 6500) / 1000)
        }
    }

    /// By slit position − 1.
    public let fibres: [Fibre]

    /// The fibres of `spectrograph` laid out as `layout`, deterministic for the spectrograph.
    public init(spectrograph: SpectrographName, layout: FibreLayout) {
        var rng = Deviates(seed: PixelHash.stable("4MOST \(spectrograph.rawValue) fibres"))
        let science = layout.fibres.filter { $0.role == .science }.map(\.slitPosition)
        let brokenCount = max(1, Int((0.005 * Double(science.count)).rounded()))
        var broken = Set<Int>()
        while broken.count < brokenCount {
            broken.insert(science[Int(rng.uniform() * Double(science.count)) % science.count])
        }
        self.fibres = layout.fibres.map { f in
            let u = layout.slitIndexCoordinate(f.slitPosition)
            let isBroken = broken.contains(f.slitPosition)
            let t = min(max(1 + 0.04 * rng.normal(), 0.8), 1.1)
            return Fibre(
                throughput: isBroken ? 0 : t, colour: 0.03 * rng.normal(), broken: isBroken,
                screen: (1 + 0.03 * sin(1.7 * u + 0.4)) * (1 + 0.01 * rng.normal()))
        }
    }
}
