import Foundation
import GRDB
import QMostCore
import QMostStore

/// Turns completed work into the next jobs along the stage graph, and decides what blocks a job.
public struct Scheduler: Sendable {
    public let configuration: QMostCore.Configuration
    public let doorbell: Doorbell

    public init(configuration: QMostCore.Configuration, doorbell: Doorbell) {
        self.configuration = configuration
        self.doorbell = doorbell
    }

    /// The queue request for running `stage` on `subject` now (or after its quiet period).
    public func request(_ stage: StageName, subject: String, night: String?, payload: [String: String] = [:],
                        now: Timestamp, postpone: Bool = false) -> JobRequest {
        let def = StageGraph.definition(stage)
        let settings = configuration.settings(for: stage)
        let quiet = def.scope == .night ? (settings.quietPeriodSeconds ?? def.defaultQuietPeriodSeconds) : 0
        return JobRequest(stage: stage.rawValue, subject: subject, night: night, payload: payload,
                          priority: stage == .ingest ? 10 : 0,
                          maxAttempts: settings.maxAttempts ?? configuration.engine.maxAttempts,
                          notBefore: now + (postpone ? quiet : 0), postponeExisting: postpone)
    }

    /// The ingest job for a file found in a spool folder.
    public func ingestRequest(path: String, source: String, now: Timestamp) -> JobRequest {
        request(.ingest, subject: path, night: nil, payload: ["source": source], now: now)
    }

    /// Enqueues the enabled successors of `stage` for `night`, inside the transaction that finished it.
    /// Night-level successors are debounced: each new frame pushes their start to the end of the quiet period.
    public func enqueueSuccessors(of stage: StageName, night: String, now: Timestamp, in db: Database) throws {
        for next in StageGraph.successors(of: stage) where configuration.isEnabled(next.name) {
            let closed = try Bool.fetchOne(db, sql: "SELECT closed_at IS NOT NULL FROM nights WHERE night = ?",
                                           arguments: [night]) ?? false
            let postpone = next.scope == .night && stage == .ingest && !closed
            try JobQueue.enqueue(request(next.name, subject: "night:\(night)", night: night, now: now, postpone: postpone),
                                 now: now, in: db)
        }
    }

    /// The first blocking condition of `stage` that does not hold for `night`, if any.
    public func blocker(for stage: StageName, night: String?, now: Timestamp, in db: Database) throws -> BlockingCondition? {
        guard let night else { return nil }
        let row = try Row.fetchOne(db, sql: "SELECT * FROM nights WHERE night = ?", arguments: [night])
        for condition in StageGraph.definition(stage).blockers {
            switch condition {
            case .nightComplete:
                let closed = row?["closed_at"] as Double? != nil
                let last = row?["last_frame_at"] as Double? ?? 0
                let quiet = configuration.settings(for: stage).quietPeriodSeconds
                    ?? StageGraph.definition(stage).defaultQuietPeriodSeconds
                if !closed && now - last < quiet { return condition }
            case .nightValidated:
                let state = row?["validation_state"] as Int?
                let exempted = row?["exempted"] as Bool? ?? false
                if !exempted && (state ?? 0) < 1 { return condition }
            }
        }
        return nil
    }
}
