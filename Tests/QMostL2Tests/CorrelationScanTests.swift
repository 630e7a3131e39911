import Foundation
@testable import QMostL2
import Testing

/// The pieces of the 4XP-Z cross-correlation scan: the χ² gain from the normal equations, the running pair sums
/// that give the normal matrix over any overlap, and the mean Lyman-α forest.
struct CorrelationScanTests {
    /// √(rᵀM⁻¹r) with the sign of the first coefficient, against a direct solve of M a = r.
    @Test func gainMatchesDirectSolve() throws {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        for n in 1...6 {
            // M = A Aᵀ + n·I is symmetric positive definite.
            let a = (0..<(n * n)).map { _ in next() }
            var m = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0..<n {
                    var sum: Double = i == j ? Double(n) : 0
                    for k in 0..<n { sum += a[i * n + k] * a[j * n + k] }
                    m[i * n + j] = sum
                }
            }
            let r = (0..<n).map { _ in next() }
            let solution = try #require(LinearSolve.symmetricPositiveDefinite(m, r, size: n))
            let gain = zip(solution, r).reduce(0) { $0 + $1.0 * $1.1 }
            var lower = [Double](repeating: 0, count: n * n), scratch = [Double](repeating: 0, count: n)
            let root = try #require(CorrelationGain.signedRoot(matrix: m, rhs: r, size: n, lower: &lower, solution: &scratch))
            #expect(abs(root * root - gain) < 1e-10 * max(1, gain))
            #expect((root < 0) == (solution[0] < 0))
        }
    }

    /// A matrix that is not positive definite gives no gain rather than a wrong one.
    @Test func singularMatrixGivesNothing() {
        var lower = [Double](repeating: 0, count: 4), scratch = [Double](repeating: 0, count: 2)
        #expect(CorrelationGain.signedRoot(matrix: [1, 1, 1, 1], rhs: [1, 2], size: 2, lower: &lower, solution: &scratch) == nil)
    }

    /// The normal matrix over bins lo..<hi from the running sums equals the sum of the products over those bins.
    @Test func pairSumsGiveOverlapProducts() {
        let first: [Double] = (0..<50).map { sin(Double($0) / 3) }
        let second: [Double] = (0..<50).map { cos(Double($0) / 5) }
        let third: [Double] = (0..<50).map { Double($0 % 7) - 3 }
        let components = [first, second, third]
        let basis = CorrelationBasis(start: 100, count: 50, components: components)
        for (lo, hi) in [(0, 50), (10, 20), (33, 34), (5, 5)] {
            for c in 0..<3 {
                for d in c..<3 {
                    let base = basis.pair(c, d) * (basis.count + 1)
                    let fromSums = basis.pairSums[base + hi] - basis.pairSums[base + lo]
                    var direct = 0.0
                    for k in lo..<hi { direct += components[c][k] * components[d][k] }
                    #expect(abs(fromSums - direct) < 1e-9)
                }
            }
        }
    }

    /// Kamble et al. (2020): τ_eff = 5.54e-3 (1+z)^3.182, so ⟨F⟩ ≈ 0.74 at z = 2.5 and ≈ 0.40 at z = 4; no forest
    /// redward of Lyα at z = 0.
    @Test func meanForestTransmission() {
        #expect(LymanForest.meanTransmission(observed: 1200) == 1)
        let atTwoAndAHalf = LymanForest.meanTransmission(observed: 1215.67 * 3.5)
        let atFour = LymanForest.meanTransmission(observed: 1215.67 * 5)
        #expect(abs(atTwoAndAHalf - exp(-5.54e-3 * pow(3.5, 3.182))) < 1e-12)
        #expect(atTwoAndAHalf > 0.72 && atTwoAndAHalf < 0.77)
        #expect(atFour > 0.37 && atFour < 0.42)
    }
}
