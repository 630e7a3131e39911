import Foundation
import GRDB

/// The durable job queue: at-least-once delivery with leases, heartbeats, a reaper, backoff and a dead state.
///
/// A claim is one `UPDATE … RETURNING` that moves the best ready job to `running` under a lease, the SQLite
/// form of "claim by atomic move plus a reaper" (Rubin's embargo-butler). Stages are idempotent, which makes
/// at-least-once exactly-once in effect.
public struct JobQueue: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// Enqueues a job unless a live one exists for the same stage and subject; returns the live job's id.
    @discardableResult
    public func enqueue(_ request: JobRequest, now: Timestamp = Date().timestamp) throws -> Int64 {
        try repository.pool.write { db in try Self.enqueue(request, now: now, in: db) }
    }

    /// Enqueues inside a caller's transaction, so follow-up work commits with the result that caused it.
    @discardableResult
    public static func enqueue(_ r: JobRequest, now: Timestamp, in db: Database) throws -> Int64 {
        // The queue's hot statements are prepared once per connection (cachedStatement): compiling SQL would
        // otherwise cost as much as running it.
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO jobs (stage, subject, night, payload, state, priority, attempts, max_attempts,
                                        not_before, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'pending', ?, 0, ?, ?, ?, ?)
            """).execute(arguments: [r.stage, r.subject, r.night, r.payloadJSON, r.priority, r.maxAttempts, r.notBefore, now, now])
        if db.changesCount > 0 { return db.lastInsertedRowID }
        let existing = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, state FROM jobs WHERE stage = ? AND subject = ? AND state IN ('pending', 'running')
            """), arguments: [r.stage, r.subject])!
        let id: Int64 = existing["id"]
        if r.postponeExisting, existing["state"] as String == "pending" {
            try db.execute(sql: "UPDATE jobs SET not_before = MAX(not_before, ?), updated_at = ? WHERE id = ?",
                           arguments: [r.notBefore, now, id])
        }
        return id
    }

    /// Claims the most urgent ready job for `worker`, counting an attempt and leasing it until `now + lease`.
    public func claim(worker: String, lease: Double, stages: [String]? = nil, now: Timestamp = Date().timestamp) throws -> Job? {
        try repository.pool.write { db in try Self.claim(worker: worker, lease: lease, stages: stages, now: now, in: db) }
    }

    /// Claims inside a caller's transaction (the engine's async writes, which never block a thread of Swift's
    /// cooperative pool while waiting for the writer).
    public static func claim(worker: String, lease: Double, stages: [String]?, now: Timestamp, in db: Database) throws -> Job? {
        var filter = ""
        var args: [any DatabaseValueConvertible] = [worker, now + lease, now, now]
        if let stages {
            filter = " AND stage IN (\(stages.map { _ in "?" }.joined(separator: ",")))"
            args += stages
        }
        return try Job.fetchOne(db.cachedStatement(sql: """
            UPDATE jobs SET state = 'running', worker = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
            WHERE id = (SELECT id FROM jobs WHERE state = 'pending' AND not_before <= ?\(filter)
                        ORDER BY priority DESC, not_before, id LIMIT 1)
            RETURNING *
            """), arguments: StatementArguments(args))
    }

    /// Extends a running job's lease; false when the job is no longer this worker's (the reaper took it).
    public func heartbeat(jobID: Int64, worker: String, lease: Double, now: Timestamp = Date().timestamp) throws -> Bool {
        try repository.pool.write { db in try Self.heartbeat(jobID: jobID, worker: worker, lease: lease, now: now, in: db) }
    }

    public static func heartbeat(jobID: Int64, worker: String, lease: Double, now: Timestamp, in db: Database) throws -> Bool {
        try db.execute(sql: """
            UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND worker = ? AND state = 'running'
            """, arguments: [now + lease, now, jobID, worker])
        return db.changesCount > 0
    }

    /// Marks a running job done inside a caller's transaction; false when the lease was lost meanwhile.
    @discardableResult
    public static func complete(jobID: Int64, worker: String, now: Timestamp, in db: Database) throws -> Bool {
        try db.cachedStatement(sql: """
            UPDATE jobs SET state = 'done', lease_until = NULL, finished_at = ?, updated_at = ?, blocked_reason = NULL
            WHERE id = ? AND worker = ? AND state = 'running'
            """).execute(arguments: [now, now, jobID, worker])
        return db.changesCount > 0
    }

    /// Puts a running job back to pending for a later try without counting the attempt (waiting, blocked).
    public static func defer_(jobID: Int64, worker: String, until: Timestamp, reason: String?, now: Timestamp,
                              in db: Database) throws {
        try db.execute(sql: """
            UPDATE jobs SET state = 'pending', attempts = MAX(attempts - 1, 0), not_before = ?, lease_until = NULL,
                            worker = NULL, blocked_reason = ?, updated_at = ?
            WHERE id = ? AND worker = ? AND state = 'running'
            """, arguments: [until, reason, now, jobID, worker])
    }

    /// Records a failed attempt: back to pending after `backoff`, or dead when attempts are used up or the
    /// failure is not retriable. Returns the job's new state.
    public static func fail(jobID: Int64, worker: String, error: String, retriable: Bool, backoff: Double,
                            now: Timestamp, in db: Database) throws -> Job.State? {
        guard let job = try Job.fetchOne(db, key: jobID), job.state == .running, job.worker == worker else { return nil }
        let dead = !retriable || job.attempts >= job.maxAttempts
        try db.execute(sql: """
            UPDATE jobs SET state = ?, last_error = ?, not_before = ?, lease_until = NULL, worker = NULL,
                            updated_at = ?, finished_at = ?
            WHERE id = ?
            """, arguments: [dead ? "dead" : "pending", error, now + backoff, now, dead ? now : nil, jobID])
        return dead ? .dead : .pending
    }

    /// Returns every running job whose lease has expired to pending (its worker died or hung).
    /// The attempt it used stays counted, so a job that kills its worker every time ends dead.
    public func reapExpiredLeases(now: Timestamp = Date().timestamp) throws -> [Job] {
        try repository.pool.write { db in
            let expired = try Job.fetchAll(db, sql: """
                SELECT * FROM jobs WHERE state = 'running' AND lease_until < ?
                """, arguments: [now])
            for job in expired {
                let dead = job.attempts >= job.maxAttempts
                try db.execute(sql: """
                    UPDATE jobs SET state = ?, worker = NULL, lease_until = NULL, updated_at = ?,
                                    last_error = COALESCE(last_error, 'lease expired: worker stopped'),
                                    finished_at = CASE WHEN ? THEN ? ELSE NULL END
                    WHERE id = ?
                    """, arguments: [dead ? "dead" : "pending", now, dead, now, job.id])
                try Repository.log(Event(at: now, level: dead ? .error : .warning, kind: dead ? "job.dead" : "job.reaped",
                                         stage: job.stage, night: job.night, path: job.subject, jobID: job.id,
                                         message: "job \(job.id!) \(job.stage) \(job.subject): lease expired after attempt \(job.attempts)"
                                            + (dead ? ", no attempts left: dead" : ", re-queued")), in: db)
            }
            return expired
        }
    }

    /// At daemon start, every running job belongs to a process that died (the instance lock guarantees one
    /// daemon), so its lease is released at once instead of after it expires. The attempt stays counted.
    public func releaseOrphanedLeases(now: Timestamp = Date().timestamp) throws -> Int {
        try repository.pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'pending', worker = NULL, lease_until = NULL, not_before = ?, updated_at = ?,
                                last_error = COALESCE(last_error, 'interrupted: the daemon stopped while running it')
                WHERE state = 'running'
                """, arguments: [now, now])
            let n = db.changesCount
            if n > 0 {
                try Repository.log(Event(at: now, level: .warning, kind: "job.recovered",
                                         message: "\(n) job(s) interrupted by the previous daemon's stop queued again"), in: db)
            }
            return n
        }
    }

    /// The live (pending or running) job for `stage` and `subject`: its id, and when it may run if pending.
    public static func liveJob(stage: String, subject: String, in db: Database) throws -> (id: Int64, readyAt: Timestamp?)? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, state, not_before FROM jobs WHERE stage = ? AND subject = ? AND state IN ('pending', 'running')
            """), arguments: [stage, subject]).map { row in
            (row["id"], row["state"] as String == "pending" ? row["not_before"] as Double : nil)
        }
    }

    /// Makes a pending job ready now.
    public static func wake(jobID: Int64, now: Timestamp, in db: Database) throws {
        try db.execute(sql: "UPDATE jobs SET not_before = ?, updated_at = ? WHERE id = ? AND state = 'pending' AND not_before > ?",
                       arguments: [now, now, jobID, now])
    }

    /// Sends a dead (or finished) job round again with fresh attempts.
    public func retry(jobID: Int64, now: Timestamp = Date().timestamp) throws -> Bool {
        try repository.pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'pending', attempts = 0, not_before = ?, updated_at = ?, finished_at = NULL,
                                blocked_reason = NULL
                WHERE id = ? AND state IN ('dead', 'cancelled')
                  AND NOT EXISTS (SELECT 1 FROM jobs j2 WHERE j2.stage = jobs.stage AND j2.subject = jobs.subject
                                  AND j2.state IN ('pending', 'running'))
                """, arguments: [now, now, jobID])
            return db.changesCount > 0
        }
    }

    /// Retries every dead job; returns how many went back to pending.
    public func retryAllDead(now: Timestamp = Date().timestamp) throws -> Int {
        let ids = try repository.pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM jobs WHERE state = 'dead'") }
        return try ids.filter { try retry(jobID: $0, now: now) }.count
    }

    /// Makes a night's waiting jobs ready now (after `night close`, a QA validation, an exemption).
    public static func wake(night: String, now: Timestamp, in db: Database) throws {
        try db.execute(sql: """
            UPDATE jobs SET not_before = ?, updated_at = ? WHERE night = ? AND state = 'pending' AND not_before > ?
            """, arguments: [now, now, night, now])
    }

    public func job(id: Int64) throws -> Job? {
        try repository.pool.read { db in try Job.fetchOne(db, key: id) }
    }

    /// Jobs about a subject or a night, newest first.
    public func jobs(subject: String? = nil, night: String? = nil, states: [Job.State]? = nil) throws -> [Job] {
        try repository.pool.read { db in
            var request = Job.order(Column("id").desc)
            if let subject { request = request.filter(Column("subject") == subject) }
            if let night { request = request.filter(Column("night") == night) }
            if let states { request = request.filter(states.map(\.rawValue).contains(Column("state"))) }
            return try request.fetchAll(db)
        }
    }
}
