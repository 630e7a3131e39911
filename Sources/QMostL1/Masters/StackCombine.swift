import Dispatch
import Foundation
import QMostCore

/// Combines a stack of frames pixel by pixel with rejection against a noise model: each value further than κσ
/// from the stack's median is rejected, σ being what the pixel's noise should be (read noise, plus shot noise
/// for exposed frames), and the rest are averaged. This is the "combined with rejection" of the seed's master
/// recipes (9.1.2, 9.1.3, 9.1.6): it removes cosmic rays without the bias of a plain median.
public enum StackCombine {
    /// The combined frame, its variance, and how many values were rejected in all.
    public struct Result: Sendable {
        public var mean: Plane
        public var variance: Plane
        public var rejected: Int
        public var count: Int
    }

    /// Combines `frames` (same size); `noise(v)` gives one frame's σ for a pixel whose value is v. With fewer
    /// than three frames nothing can be rejected reliably, so only values above the median by κσ are dropped
    /// from a pair (cosmic rays only add charge).
    public static func combine(_ frames: [Plane], kappa: Double = 4, noise: @escaping @Sendable (Double) -> Double) -> Result {
        precondition(!frames.isEmpty, "at least one frame")
        let w = frames[0].width, h = frames[0].height, n = frames.count
        var mean = [Float](repeating: 0, count: w * h), variance = [Float](repeating: 0, count: w * h)
        let rejectedCount = Counter()
        let stacks = frames.map(\.pixels)
        mean.withUnsafeMutableBufferPointer { m in
            variance.withUnsafeMutableBufferPointer { v in
                let mOut = UncheckedSendable(m), vOut = UncheckedSendable(v)
                let blocks = max(1, ProcessInfo.processInfo.activeProcessorCount) * 8
                DispatchQueue.concurrentPerform(iterations: blocks) { b in
                    let lo = b * (w * h) / blocks, hi = (b + 1) * (w * h) / blocks
                    var values = [Double](repeating: 0, count: n)
                    var rejected = 0
                    for p in lo..<hi {
                        for k in 0..<n { values[k] = Double(stacks[k][p]) }
                        values.sort()
                        let median = n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2])
                        let sigma = noise(median)
                        var sum = 0.0, kept = 0
                        for x in values {
                            let d = x - median
                            let reject = n >= 3 ? abs(d) > kappa * sigma : d > kappa * sigma
                            if reject { rejected += 1 } else {
                                sum += x
                                kept += 1
                            }
                        }
                        if kept == 0 {
                            sum = median
                            kept = 1
                        }
                        mOut.value[p] = Float(sum / Double(kept))
                        vOut.value[p] = Float(sigma * sigma / Double(kept))
                    }
                    rejectedCount.add(rejected)
                }
            }
        }
        return Result(mean: Plane(width: w, height: h, pixels: mean), variance: Plane(width: w, height: h, pixels: variance),
                      rejected: rejectedCount.value, count: n)
    }
}

/// A total shared by concurrent workers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ n: Int) {
        lock.lock()
        total += n
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return total
    }
}
