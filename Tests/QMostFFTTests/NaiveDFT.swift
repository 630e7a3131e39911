import Foundation
import QMostFFT

/// Textbook O(N²) transforms, the reference the FFT results are checked against.
enum NaiveDFT {
    static func forward(_ x: [Double]) -> [FFTComplex] {
        let n = x.count
        return (0...(n / 2)).map { k in
            var bin = FFTComplex(re: 0, im: 0)
            for (index, value) in x.enumerated() {
                // Reducing k·n mod N first keeps the angle small, so the reference stays accurate for large N.
                let angle = -2 * Double.pi * Double((k * index) % n) / Double(n)
                bin.re += value * cos(angle)
                bin.im += value * sin(angle)
            }
            return bin
        }
    }

    static func crossCorrelate(_ a: [Double], _ b: [Double], lag: Int) -> Double {
        a.indices.reduce(0) { sum, n in b.indices.contains(n + lag) ? sum + a[n] * b[n + lag] : sum }
    }
}

/// A reproducible pseudo-random signal, so failures can be replayed.
func testSignal(count: Int, seed: UInt64) -> [Double] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
}
