import Dispatch
import Foundation

/// Runs independent pieces of work on every core and gathers their results in order (fibres of an arm, targets
/// of an OB, line fits of a fibre). The work must not share mutable state.
public enum ParallelMap {
    /// `body(i)` for i in 0..<count, in parallel; the results in index order. The first error thrown is rethrown
    /// after all pieces have finished.
    public static func map<T, E: Error>(_ count: Int, _ body: (Int) throws(E) -> T) throws(E) -> [T] {
        guard count > 0 else { return [] }
        var results = [T?](repeating: nil, count: count)
        let failure = FirstFailure<E>()
        results.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            withoutActuallyEscaping(body) { body in
                let work = UncheckedSendable(body)
                let chunks = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount) * 8)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    for i in (chunk * count / chunks)..<((chunk + 1) * count / chunks) {
                        do throws(E) {
                            out.value[i] = try work.value(i)
                        } catch {
                            failure.record(error)
                        }
                    }
                }
            }
        }
        if let error = failure.error { throw error }
        return results.map { $0! }
    }
}

/// The first error of concurrent work, kept under a lock.
private final class FirstFailure<E: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var first: E?

    func record(_ error: E) {
        lock.lock()
        defer { lock.unlock() }
        if first == nil { first = error }
    }

    var error: E? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }
}
