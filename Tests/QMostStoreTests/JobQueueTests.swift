import Foundation
import GRDB
import Testing
@testable import QMostStore

struct JobQueueTests {
    let db: TestDatabase
    let queue: JobQueue
    init() throws {
        db = try TestDatabase()
        queue = JobQueue(repository: db.repository)
    }

    private func request(_ subject: String, at: Double = 0, max: Int = 3) -> JobRequest {
        JobRequest(stage: "ingest", subject: subject, maxAttempts: max, notBefore: at)
    }

    @Test func enqueueIsIdempotentWhileLive() throws {
        let a = try queue.enqueue(request("/s/a"), now: 1)
        let b = try queue.enqueue(request("/s/a"), now: 2)
        #expect(a == b)
        let c = try queue.enqueue(request("/s/b"), now: 2)
        #expect(c != a)
    }

    @Test func claimLeasesAndCountsAnAttempt() throws {
        try queue.enqueue(request("/s/a"), now: 1)
        let job = try #require(try queue.claim(worker: "w1", lease: 30, now: 10))
        #expect(job.state == .running && job.attempts == 1 && job.worker == "w1" && job.leaseUntil == 40)
        #expect(try queue.claim(worker: "w2", lease: 30, now: 10) == nil, "a running job is not claimed twice")
    }

    @Test func notBeforeAndPriorityOrderClaims() throws {
        try queue.enqueue(request("/late", at: 100), now: 0)
        try queue.enqueue(JobRequest(stage: "l1", subject: "night:x", maxAttempts: 3, notBefore: 0), now: 0)
        try queue.enqueue(JobRequest(stage: "ingest", subject: "/urgent", priority: 10, maxAttempts: 3, notBefore: 0), now: 0)
        #expect(try queue.claim(worker: "w", lease: 5, now: 50)?.subject == "/urgent")
        #expect(try queue.claim(worker: "w", lease: 5, now: 50)?.subject == "night:x")
        #expect(try queue.claim(worker: "w", lease: 5, now: 50) == nil, "not before 100")
        #expect(try queue.claim(worker: "w", lease: 5, now: 100)?.subject == "/late")
    }

    @Test func stageFilterLimitsClaims() throws {
        try queue.enqueue(JobRequest(stage: "l1", subject: "night:x", maxAttempts: 3, notBefore: 0), now: 0)
        #expect(try queue.claim(worker: "w", lease: 5, stages: ["ingest"], now: 1) == nil)
        #expect(try queue.claim(worker: "w", lease: 5, stages: ["ingest", "l1"], now: 1) != nil)
    }

    @Test func failureBacksOffThenDies() throws {
        let id = try queue.enqueue(request("/s/a", max: 2), now: 0)
        _ = try queue.claim(worker: "w", lease: 5, now: 0)
        let first = try db.repository.pool.write { d in
            try JobQueue.fail(jobID: id, worker: "w", error: "disk full", retriable: true, backoff: 10, now: 1, in: d)
        }
        #expect(first == .pending)
        #expect(try queue.claim(worker: "w", lease: 5, now: 5) == nil, "backing off until 11")
        #expect(try queue.claim(worker: "w", lease: 5, now: 11)?.attempts == 2)
        let second = try db.repository.pool.write { d in
            try JobQueue.fail(jobID: id, worker: "w", error: "disk full", retriable: true, backoff: 10, now: 12, in: d)
        }
        #expect(second == .dead)
        #expect(try queue.job(id: id)?.lastError == "disk full")
    }

    @Test func fatalFailureDiesAtOnce() throws {
        let id = try queue.enqueue(request("/s/a", max: 5), now: 0)
        _ = try queue.claim(worker: "w", lease: 5, now: 0)
        let state = try db.repository.pool.write { d in
            try JobQueue.fail(jobID: id, worker: "w", error: "bad", retriable: false, backoff: 1, now: 1, in: d)
        }
        #expect(state == .dead)
    }

    @Test func reaperRequeuesExpiredLeasesAndKillsExhaustedOnes() throws {
        let a = try queue.enqueue(request("/a", max: 3), now: 0)
        let b = try queue.enqueue(request("/b", max: 1), now: 0)
        _ = try queue.claim(worker: "dead-worker", lease: 10, now: 0)
        _ = try queue.claim(worker: "dead-worker", lease: 10, now: 0)
        #expect(try queue.reapExpiredLeases(now: 5).isEmpty, "leases still valid")
        let reaped = try queue.reapExpiredLeases(now: 11)
        #expect(Set(reaped.map(\.id)) == [a, b])
        #expect(try queue.job(id: a)?.state == .pending)
        #expect(try queue.job(id: b)?.state == .dead, "its only attempt was used by the worker that died")
        var filter = EventFilter()
        filter.minimumLevel = .warning
        #expect(try db.repository.events(filter).count == 2)
    }

    @Test func heartbeatExtendsOnlyTheOwnersLease() throws {
        let id = try queue.enqueue(request("/a"), now: 0)
        _ = try queue.claim(worker: "w1", lease: 10, now: 0)
        #expect(try queue.heartbeat(jobID: id, worker: "w1", lease: 10, now: 8))
        #expect(try queue.reapExpiredLeases(now: 15).isEmpty)
        #expect(!(try queue.heartbeat(jobID: id, worker: "w2", lease: 10, now: 9)))
    }

    @Test func completeNeedsTheLease() throws {
        let id = try queue.enqueue(request("/a"), now: 0)
        _ = try queue.claim(worker: "w1", lease: 10, now: 0)
        _ = try queue.reapExpiredLeases(now: 20)
        let done = try db.repository.pool.write { d in try JobQueue.complete(jobID: id, worker: "w1", now: 21, in: d) }
        #expect(!done, "the reaper took the job back; a late finish must not mark it done")
    }

    @Test func deferDoesNotCountTheAttempt() throws {
        let id = try queue.enqueue(request("/a"), now: 0)
        _ = try queue.claim(worker: "w", lease: 10, now: 0)
        try db.repository.pool.write { d in
            try JobQueue.defer_(jobID: id, worker: "w", until: 5, reason: "still being written", now: 1, in: d)
        }
        let job = try #require(try queue.job(id: id))
        #expect(job.state == .pending && job.attempts == 0 && job.blockedReason == "still being written")
    }

    @Test func retryRevivesDeadJobs() throws {
        let id = try queue.enqueue(request("/a", max: 1), now: 0)
        _ = try queue.claim(worker: "w", lease: 10, now: 0)
        _ = try db.repository.pool.write { d in
            try JobQueue.fail(jobID: id, worker: "w", error: "x", retriable: true, backoff: 0, now: 1, in: d)
        }
        #expect(try queue.retry(jobID: id, now: 2))
        #expect(try queue.job(id: id)?.state == .pending)
        #expect(try queue.job(id: id)?.attempts == 0)
        #expect(!(try queue.retry(jobID: id, now: 3)), "a pending job is not 'retried'")
    }

    @Test func postponeDebouncesALiveJob() throws {
        let id = try queue.enqueue(JobRequest(stage: "l1", subject: "night:n", maxAttempts: 3, notBefore: 100, postponeExisting: true), now: 0)
        try queue.enqueue(JobRequest(stage: "l1", subject: "night:n", maxAttempts: 3, notBefore: 200, postponeExisting: true), now: 50)
        #expect(try queue.job(id: id)?.notBefore == 200)
    }

    @Test func concurrentClaimersNeverShareAJob() async throws {
        for i in 0..<200 { try queue.enqueue(request("/f\(i)"), now: 0) }
        let queue = self.queue
        let claimed = await withTaskGroup(of: [Int64].self) { group in
            for w in 0..<4 {
                group.addTask {
                    var mine: [Int64] = []
                    while let job = try? queue.claim(worker: "w\(w)", lease: 60, now: 1) { mine.append(job.id!) }
                    return mine
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 200)
        #expect(Set(claimed).count == 200)
    }
}
