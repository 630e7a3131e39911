import Foundation
import QMostCore

/// Cosmic-ray hits on one detector during one exposure: muon tracks through the depleted silicon.
///
/// Events arrive at ``ratePerSquareCentimetrePerMinute`` over the exposure plus readout; each comes in at a
/// zenith angle drawn from the cos² muon distribution, crosses the ``depletionDepth`` and deposits
/// ``electronsPerMicron`` along its path (a minimum-ionising particle in silicon, 80 e-/µm; Groom 2004,
/// Exp. Astron. 14, 45) times a Landau-like fluctuation, spread over the pixels the track crosses.
/// ASSUMPTION: 2 events/cm²/min at Paranal for thick CCDs (ESO FORS2/MUSE reports 1.5–3).
public enum CosmicRays {
    public static let ratePerSquareCentimetrePerMinute = 2.0
    /// Depleted thickness of a deep-depletion e2v CCD in µm.
    public static let depletionDepth = 40.0
    public static let electronsPerMicron = 80.0
    /// Seconds of readout during which hits still accumulate.
    public static let readoutTime = 50.0

    /// One pixel's deposit.
    public struct Deposit: Sendable, Equatable {
        public var column: Int
        public var row: Int
        public var electrons: Double
    }

    /// The deposits of every event during `seconds` of integration on `geometry`, deterministic for `seed`,
    /// and the number of events.
    public static func hits(geometry: DetectorGeometry, seconds: Double, seed: UInt64) -> (events: Int, deposits: [Deposit]) {
        var rng = Deviates(seed: seed)
        let widthCm = Double(geometry.activeColumns) * geometry.pixelSizeX * 1e-4
        let heightCm = Double(geometry.activeRows) * geometry.pixelSizeY * 1e-4
        let mean = ratePerSquareCentimetrePerMinute * widthCm * heightCm * (seconds + readoutTime) / 60
        let events = Int(rng.poisson(mean))
        var deposits: [Deposit] = []
        deposits.reserveCapacity(events * 6)
        for _ in 0..<events {
            // cos² zenith distribution: cos θ = U^(1/3).
            let cosTheta = max(pow(rng.uniform(), 1.0 / 3), 0.05)
            let tanTheta = (1 - cosTheta * cosTheta).squareRoot() / cosTheta
            let azimuth = 2 * Double.pi * rng.uniform()
            let projected = min(depletionDepth * tanTheta, 1500)  // µm on the detector plane
            let landau = 0.8 - log(rng.uniform()) * 0.35
            let total = electronsPerMicron * depletionDepth / cosTheta * landau
            let x0 = rng.uniform() * Double(geometry.activeColumns), y0 = rng.uniform() * Double(geometry.activeRows)
            let dx = projected * cos(azimuth) / geometry.pixelSizeX, dy = projected * sin(azimuth) / geometry.pixelSizeY
            let steps = max(1, Int((max(abs(dx), abs(dy)) * 2).rounded(.up)))
            var cells: [Int: Double] = [:]
            for s in 0..<steps {
                let f = (Double(s) + 0.5) / Double(steps)
                let x = Int((x0 + f * dx).rounded(.down)), y = Int((y0 + f * dy).rounded(.down))
                guard x >= 0, y >= 0, x < geometry.activeColumns, y < geometry.activeRows else { continue }
                cells[y * geometry.activeColumns + x, default: 0] += total / Double(steps)
            }
            for (key, e) in cells.sorted(by: { $0.key < $1.key }) {
                deposits.append(Deposit(column: key % geometry.activeColumns, row: key / geometry.activeColumns, electrons: e))
            }
        }
        return (events, deposits)
    }
}
