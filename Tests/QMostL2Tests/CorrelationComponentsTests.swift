import Foundation
@testable import QMostL2
import QMostCore
import Testing

/// DOE's successive derivatives (seed 10.1.1.4, Merle et al. 2017) on CCFs of known make-up.
struct CorrelationComponentsTests {
    static func gaussians(_ centres: [Double], heights: [Double], sigma: Double, count: Int = 201, noise: Double = 0, seed: UInt64 = 1) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var ccf = [Double](repeating: 0.02, count: count)
        for i in 0..<count {
            for (centre, height) in zip(centres, heights) {
                let x = (Double(i) - centre) / sigma
                ccf[i] += height * exp(-0.5 * x * x)
            }
            ccf[i] += noise * rng.normal()
        }
        return ccf
    }

    @Test func aSinglePeakIsOneComponent() {
        let found = CorrelationComponents.find(Self.gaussians([100.3], heights: [0.8], sigma: 6, noise: 0.005), smoothing: 1.5, separation: 8)
        #expect(found.count == 1 && abs(found[0] - 100.3) < 0.5, "\(found)")
    }

    /// Two components 1.8σ apart make one hump without a dip between them; the curvature still splits them.
    @Test func aBlendWithoutTwoMaximaIsTwoComponents() {
        let ccf = Self.gaussians([94, 105], heights: [0.6, 0.45], sigma: 6)
        let maxima = (1..<(ccf.count - 1)).filter { ccf[$0] > ccf[$0 - 1] && ccf[$0] >= ccf[$0 + 1] }
        #expect(maxima.count == 1, "the blend has a single maximum")
        let found = CorrelationComponents.find(ccf, smoothing: 1, separation: 8).sorted()
        #expect(found.count == 2 && abs(found[0] - 94) < 2.5 && abs(found[1] - 105) < 2.5, "\(found)")
    }

    /// A faint bump below the height floor, and a shoulder within the separation, are not stars.
    @Test func faintBumpsAndShouldersAreNotComponents() {
        let faint = CorrelationComponents.find(Self.gaussians([100, 140], heights: [0.8, 0.1], sigma: 6), smoothing: 1, separation: 8)
        #expect(faint.count == 1, "\(faint)")
        let shoulder = CorrelationComponents.find(Self.gaussians([100, 106], heights: [0.8, 0.5], sigma: 6), smoothing: 1, separation: 8)
        #expect(shoulder.count == 1, "\(shoulder)")
    }
}
