import Dispatch
import Foundation
import QMostCore

/// Independent per-fibre work spread over the cores, results in fibre order (the line fits of one fibre
/// share nothing with another's).
enum FibreParallel {
    static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            withoutActuallyEscaping(body) { body in
                let work = UncheckedSendable(body)
                let chunks = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount) * 4)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    for i in (chunk * count / chunks)..<((chunk + 1) * count / chunks) { out.value[i] = work.value(i) }
                }
            }
        }
        return results.map { $0! }
    }
}
