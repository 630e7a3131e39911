import Foundation
import GRDB
import QMostStore

/// Enqueue + claim + complete through the durable SQLite queue (three write transactions per job).
struct QueueBench {
    let quick: Bool

    func run(in dir: String) throws -> [BenchResult] {
        let repository = try Repository(path: "\(dir)/qmost.db")
        let queue = JobQueue(repository: repository)
        let n = quick ? 2_000 : 20_000
        var done = 0
        let seconds = try measure {
            for i in 0..<n {
                try queue.enqueue(JobRequest(stage: "ingest", subject: "/spool/raw/f\(i).fits", maxAttempts: 5, notBefore: 0))
            }
            while let job = try queue.claim(worker: "bench", lease: 60) {
                try repository.pool.write { db in _ = try JobQueue.complete(jobID: job.id!, worker: "bench", now: Date().timestamp, in: db) }
                done += 1
            }
        }
        precondition(done == n, "claimed \(done) of \(n)")
        print(String(format: "queue: %d jobs enqueued, claimed and completed in %.2f s (%.0f jobs/s)", n, seconds, Double(n) / seconds))
        return [BenchResult(name: "queue enqueue+claim+complete", value: Double(n) / seconds, unit: "jobs/s", target: 2000)]
    }
}
