import Foundation
import QMostCore

/// Random deviates for the detector simulation: exact Poisson counts and paired Box–Muller normals on top of
/// ``SplitMix64``, fast enough for tens of millions of pixels per arm.
struct Deviates {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// A uniform deviate in (0, 1).
    @inline(__always)
    mutating func uniform() -> Double { generator.uniform() }

    /// A standard normal deviate by table look-up of the inverse CDF (2¹⁴ cells, linear within a cell) with
    /// the two outermost cells sampled exactly by Marsaglia's tail method (Marsaglia 1964, Technometrics 6,
    /// 101), so the distribution keeps its full tails at a few nanoseconds a draw.
    @inline(__always)
    mutating func normal() -> Double {
        let r = generator.next()
        let i = Int(r >> 50)
        let f = Double((r >> 18) & 0xFFFF_FFFF) * (1.0 / 4_294_967_296)
        if i == 0 || i == NormalQuantiles.cells - 1 {
            let a = NormalQuantiles.tailStart
            while true {
                let x = (a * a - 2 * log(generator.uniform())).squareRoot()
                if generator.uniform() * x < a { return i == 0 ? -x : x }
            }
        }
        let q = NormalQuantiles.table
        return q[i] + f * (q[i + 1] - q[i])
    }

    /// An exact Poisson deviate: sequential inversion below a mean of 10, Hörmann's transformed rejection
    /// with squeeze (PTRS; W. Hörmann 1993, Insurance: Math. Econ. 12, 39) above.
    mutating func poisson(_ mean: Double) -> Double {
        guard mean > 0 else { return 0 }
        if mean < 10 {
            var k = 0.0, p = FastMath.expNegative(mean), cumulative = p
            let u = generator.uniform()
            while u > cumulative && k < 200 {
                k += 1
                p *= mean / k
                cumulative += p
            }
            return k
        }
        let slam = mean.squareRoot(), logLam = log(mean)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = generator.uniform() - 0.5
            let v = generator.uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return k }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invAlpha) - log(a / (us * us) + b) <= -mean + k * logLam - FastMath.logFactorial(k) { return k }
        }
    }
}

/// Stateless hashing of pixel coordinates into deviates, for fixed detector patterns that must be the same in
/// every frame without storing a full-size map.
enum PixelHash {
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A deviate of mean 0 and variance 1, approximately normal (Irwin–Hall sum of four 16-bit uniforms), for
    /// pixel (x, y) of the pattern `seed`.
    @inline(__always)
    static func normal(seed: UInt64, x: Int, y: Int) -> Double {
        let h = mix(seed ^ (UInt64(truncatingIfNeeded: y) << 32 | UInt64(truncatingIfNeeded: x)))
        let s = Double(h & 0xFFFF) + Double((h >> 16) & 0xFFFF) + Double((h >> 32) & 0xFFFF) + Double(h >> 48)
        // Four uniforms on [0, 65535]: mean 2·65535, variance 4·(65536² − 1)/12.
        return (s - 2 * 65535) / (65536 / 3.0.squareRoot())
    }

    /// A seed derived from a base and a sequence of words.
    static func seed(_ base: UInt64, _ words: UInt64...) -> UInt64 {
        words.reduce(mix(base)) { mix($0 ^ $1) }
    }

    /// A stable 64-bit hash of a string (FNV-1a), for per-detector seeds.
    static func stable(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}

/// Quantiles Φ⁻¹(i/2¹⁴) of the standard normal for ``Deviates/normal()``.
enum NormalQuantiles {
    static let cells = 16_384
    /// Φ⁻¹(1 − 1/2¹⁴): beyond it the tail is sampled exactly.
    static let tailStart = inverse(1 - 1 / Double(cells))
    static let table: [Double] = (0...cells).map { i in
        i == 0 ? -tailStart : (i == cells ? tailStart : inverse(Double(i) / Double(cells)))
    }

    /// Φ⁻¹(p) by bisection on erfc to full double precision (used only to build the table).
    static func inverse(_ p: Double) -> Double {
        var lo = -12.0, hi = 12.0
        for _ in 0..<80 {
            let mid = 0.5 * (lo + hi)
            if 0.5 * erfc(-mid / 2.0.squareRoot()) < p { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }
}

/// Look-up tables for the transcendental functions the Poisson sampler calls per pixel.
enum FastMath {
    static let expSteps = 2048.0
    /// e^(−i/2048) for i = 0…10·2048 + 1.
    static let expTable: [Double] = (0...Int(10 * expSteps) + 1).map { exp(-Double($0) / expSteps) }
    /// ln k! for k < 4096.
    static let logFactorials: [Double] = (0..<4096).map { lgamma(Double($0) + 1) }

    /// e^(−x) for 0 ≤ x < 10, linear between samples 1/2048 apart (relative error below 3e-8).
    @inline(__always)
    static func expNegative(_ x: Double) -> Double {
        let t = x * expSteps
        let i = Int(t)
        let f = t - Double(i)
        return expTable[i] + f * (expTable[i + 1] - expTable[i])
    }

    /// ln k! (exact from the table below 4096, lgamma above).
    @inline(__always)
    static func logFactorial(_ k: Double) -> Double {
        k < 4096 ? logFactorials[Int(k)] : lgamma(k + 1)
    }
}
