import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1
@testable import QMostSimulator

/// Cosmic-ray flagging (seed 9.1.7) during the profile extraction of a simulated science frame, against the
/// deposits the simulator recorded: the 2D prior along the dispersion and the residuals from the profile model.
struct CosmicRayTests {
    @Test func flagsNearlyEveryInjectedCosmicRayPixelAndFewOthers() throws {
        let r = ScienceNight.reduced, result = ScienceNight.extracted
        let deposits = try r.cosmicDeposits()
        let image = r.science
        // Pixels already masked (bad columns, hot pixels) are left out whatever hits them.
        let usable = deposits.filter { image.mask[$0.key] == 0 }
        var found = 0, significant = 0, significantFound = 0
        var missed: [(Double, Double)] = []
        for (k, e) in usable {
            let hit = result.mask[k] & BadPixelMask.cosmicRay != 0
            if hit { found += 1 }
            // The pixel's noise without the deposit: what it had to stand out from.
            let noise = max(Double(image.variance.pixels[k]) - e, 1).squareRoot()
            if e > 5 * noise {
                significant += 1
                if hit { significantFound += 1 } else { missed.append((e, e / noise)) }
            }
        }
        var falseFlags = 0, clean = 0
        for k in image.mask.indices where image.mask[k] == 0 && deposits[k] == nil {
            clean += 1
            if result.mask[k] & BadPixelMask.cosmicRay != 0 { falseFlags += 1 }
        }
        let recall = Double(found) / Double(max(usable.count, 1))
        let recallSignificant = Double(significantFound) / Double(max(significant, 1))
        let falseRate = Double(falseFlags) / Double(clean)
        print("measured: \(usable.count) injected cosmic-ray pixels (\(deposits.count - usable.count) more on masked pixels): \(found) flagged, recall \(recall); above 5σ of the pixel noise: \(significantFound) of \(significant), recall \(recallSignificant)")
        print("measured: \(falseFlags) false flags among \(clean) clean pixels, rate \(falseRate); extraction reported \(result.cosmicRays) flagged pixels")
        print("measured: missed above 5σ (e-, σ): \(missed.sorted { $0.1 > $1.1 }.prefix(12).map { String(format: "%.0f/%.1fσ", $0.0, $0.1) })")
        #expect(usable.count > 300, "only \(usable.count) deposits to test against")
        #expect(recall >= 0.95, "recall \(recall) of all injected pixels")
        #expect(recallSignificant >= 0.95, "recall \(recallSignificant) above 5σ")
        #expect(falseRate < 0.001, "false-flag rate \(falseRate)")
        #expect(result.cosmicRays == (result.mask.indices.filter { result.mask[$0] & BadPixelMask.cosmicRay != 0 }.count))
    }
}
