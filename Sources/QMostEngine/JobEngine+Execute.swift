import Crypto
import Foundation
import GRDB
import Logging
import QMostCore
import QMostStore

/// How a claimed job starts.
enum RunStart: Sendable {
    case blocked, skipped
    case run(StageRun)
}

extension JobEngine {
    /// Runs one claimed job to a settled state: done, deferred (waiting or blocked), retried, or dead.
    func execute(_ job: Job, worker: String) async {
        let now = Date().timestamp
        let id = job.id!
        guard let stage = StageName(rawValue: job.stage), let runner = runnerFor(stage) else {
            await settle(job, worker: worker, error: .fatal("stage \(job.stage) is not enabled or has no implementation"), run: nil)
            return
        }
        // One write transaction decides how the job starts: parked behind a blocking rule (rules are data,
        // checked at claim time), skipped because the same key already succeeded, or a new recorded run.
        let start: RunStart
        do {
            let force = job.payloadFields["force"] == "true"
            start = try await context.repository.pool.write { db -> RunStart in
                if let blocker = try context.scheduler.blocker(for: stage, night: job.night, now: now, in: db) {
                    try JobQueue.defer_(jobID: id, worker: worker, until: now + 30, reason: "waiting for \(blocker.waitingFor)",
                                        now: now, in: db)
                    return .blocked
                }
                let key = try idempotencyKey(for: job, stage: stage, runner: runner, in: db)
                if runner.skipsRepeatedRuns, !force,
                   let earlier = try StageRun.fetchOne(db, sql: "SELECT * FROM stage_runs WHERE idempotency_key = ? AND outcome = 'ok' LIMIT 1",
                                                       arguments: [key]) {
                    try JobQueue.complete(jobID: id, worker: worker, now: now, in: db)
                    try Repository.log(Event(at: now, kind: "job.skipped", stage: job.stage, night: job.night, path: job.subject,
                                             jobID: id, message: "\(job.stage) \(job.subject): same inputs, parameters and code as run \(earlier.id!); nothing to do"),
                                       in: db)
                    return .skipped
                }
                var run = StageRun(jobID: id, stage: job.stage, subject: job.subject, night: job.night, idempotencyKey: key,
                                   paramsHash: paramsHash(stage), codeVersion: runner.codeVersion, attempt: job.attempts,
                                   startedAt: now)
                try run.insert(db)
                return .run(run)
            }
        } catch {
            await settle(job, worker: worker, error: .retriable("starting run: \(error)"), run: nil)
            return
        }
        guard case .run(let run) = start else { return }

        let result = await withTaskGroup(of: Result<StageResult, StageError>?.self) { group in
            group.addTask { await self.heartbeat(jobID: id, worker: worker); return nil }
            group.addTask {
                do throws(StageError) { return .success(try await runner.run(job, context: self.context)) }
                catch { return .failure(error) }
            }
            var outcome: Result<StageResult, StageError>?
            for await value in group where value != nil {
                outcome = value
                group.cancelAll()
            }
            return outcome!
        }
        switch result {
        case .success(let r): await settle(job, worker: worker, result: r, run: run, runner: runner, stage: stage)
        case .failure(let e): await settle(job, worker: worker, error: e, run: run)
        }
    }

    private func runnerFor(_ stage: StageName) -> (any StageRunner)? { runners[stage] }

    /// Keeps the lease alive while the job runs; ends when cancelled.
    private func heartbeat(jobID: Int64, worker: String) async {
        let every = context.configuration.engine.heartbeatSeconds
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int(every * 1000)))
            if Task.isCancelled { return }
            let lease = context.configuration.engine.leaseSeconds
            let alive = (try? await context.repository.pool.write { db in
                try JobQueue.heartbeat(jobID: jobID, worker: worker, lease: lease, now: Date().timestamp, in: db)
            }) ?? true
            if !alive {
                context.logger.warning("lease lost while running", metadata: ["job.id": "\(jobID)"])
                return
            }
        }
    }

    private func settle(_ job: Job, worker: String, result: StageResult, run: StageRun, runner: any StageRunner, stage: StageName) async {
        let now = Date().timestamp
        do {
            try await context.repository.pool.write { db in
                switch result {
                case .done(let summary) where try runner.rerunsWhenInputsChange
                    && idempotencyKey(for: job, stage: stage, runner: runner, in: db) != run.idempotencyKey:
                    // Its inputs changed while it ran: what it recorded is already out of date, so it runs again.
                    try JobQueue.defer_(jobID: job.id!, worker: worker, until: now, reason: nil, now: now, in: db)
                    try Repository.finishRun(id: run.id!, outcome: "ok", now: now, in: db)
                    try Repository.log(Event(at: now, kind: "job.rerun", stage: job.stage, night: job.night, path: job.subject, jobID: job.id,
                                             message: "\(job.stage) \(job.subject): \(summary); its inputs changed while it ran, so it runs again"),
                                       in: db)
                case .done(let summary):
                    guard try JobQueue.complete(jobID: job.id!, worker: worker, now: now, in: db) else { return }
                    try Repository.finishRun(id: run.id!, outcome: "ok", now: now, in: db)
                    // Ingest logs its own outcome (ingested, duplicate, quarantined); a second row per file would
                    // double the log of a flood for nothing.
                    if job.stage != StageName.ingest.rawValue {
                        try Repository.log(Event(at: now, level: .debug, kind: "job.done", stage: job.stage, night: job.night,
                                                 path: job.subject, jobID: job.id, message: "\(job.stage) \(job.subject): \(summary)"),
                                           in: db)
                    }
                    if job.stage != StageName.ingest.rawValue, let stage = StageName(rawValue: job.stage), let night = job.night {
                        try context.scheduler.enqueueSuccessors(of: stage, night: night, now: now, in: db)
                    }
                case .waiting(let reason, let after):
                    try JobQueue.defer_(jobID: job.id!, worker: worker, until: now + after, reason: reason, now: now, in: db)
                    try Repository.finishRun(id: run.id!, outcome: "waiting", error: reason, now: now, in: db)
                }
            }
        } catch {
            context.logger.error("settling job failed; its lease will expire and it will run again",
                                 metadata: ["job.id": "\(job.id!)", "error": "\(error)"])
        }
        context.scheduler.doorbell.ring()
    }

    private func settle(_ job: Job, worker: String, error: StageError, run: StageRun?) async {
        let now = Date().timestamp
        let e = context.configuration.engine
        let backoff = min(e.backoffBaseSeconds * pow(2, Double(max(job.attempts - 1, 0))), e.backoffMaxSeconds)
            * Double.random(in: 0.9...1.1)
        do {
            try await context.repository.pool.write { db in
                let state = try JobQueue.fail(jobID: job.id!, worker: worker, error: error.description,
                                              retriable: error.isRetriable, backoff: backoff, now: now, in: db)
                if let run {
                    let failure = error.description
                    try Repository.finishRun(id: run.id!, outcome: "failed", error: failure, now: now, in: db)
                }
                guard let state else { return }
                let dead = state == .dead
                try Repository.log(Event(at: now, level: dead ? .error : .warning, kind: dead ? "job.dead" : "job.failed",
                                         stage: job.stage, night: job.night, path: job.subject, jobID: job.id,
                                         message: "\(job.stage) \(job.subject) attempt \(job.attempts)/\(job.maxAttempts) failed: \(error)"
                                            + (dead ? "; no further attempts (dead)" : String(format: "; retry in %.0f s", backoff))),
                                   in: db)
                if dead { try raiseDeadAlert(job: job, error: error.description, in: db, now: now) }
            }
        } catch {
            context.logger.error("recording failure failed", metadata: ["job.id": "\(job.id!)", "error": "\(error)"])
        }
    }

    func raiseDeadAlert(job: Job, error: String) throws {
        try context.repository.pool.write { db in try raiseDeadAlert(job: job, error: error, in: db, now: Date().timestamp) }
    }

    private func raiseDeadAlert(job: Job, error: String, in db: Database, now: Timestamp) throws {
        try Repository.raiseAlert(
            cause: "job.dead:\(job.stage):\(job.subject)",
            subject: "[qmostd] job \(job.id!) dead: \(job.stage) \(job.subject)",
            body: """
                Job \(job.id!) (stage \(job.stage), subject \(job.subject)\(job.night.map { ", night \($0)" } ?? "")) failed \
                \(job.attempts) time(s) and will not be retried automatically.

                Last error: \(error)

                Inspect it with `qmostd explain \(job.subject)`; retry with `qmostd retry \(job.id!)`.
                """,
            window: context.configuration.alerts.dedupWindowSeconds, now: now, in: db)
    }

    /// stage + input checksums + parameters + code version.
    func idempotencyKey(for job: Job, stage: StageName, runner: any StageRunner, in db: Database) throws -> String {
        var parts = [job.stage, job.subject, paramsHash(stage), runner.codeVersion]
        if let inputs = try runner.idempotencyInputs(for: job, in: db) {
            parts += inputs
        } else if let night = job.night, StageGraph.definition(stage).scope == .night {
            parts += try String.fetchAll(db, sql: """
                SELECT f.sha256 FROM frames fr JOIN files f ON f.id = fr.file_id WHERE fr.night = ? ORDER BY f.sha256
                """, arguments: [night])
        }
        return hex(SHA256.hash(data: Data(parts.joined(separator: "\n").utf8)))
    }

    func paramsHash(_ stage: StageName) -> String { paramsHashes[stage]! }

    private func hex(_ digest: SHA256.Digest) -> String { hexString(digest) }
}
