import Dispatch

/// Runs blocking work (cfitsio, hashing, file copies, waiting on a child) off Swift's cooperative pool.
///
/// The cooperative pool has one thread per core; a stage blocking it would stall the watcher feed, the
/// heartbeats and the other workers. Dispatch's global queues have their own threads for exactly this.
public enum BlockingWork {
    public static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(E) { continuation.resume(returning: .success(try body())) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
