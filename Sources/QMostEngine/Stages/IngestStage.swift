import Foundation
import QMostCore
import QMostIngest
import QMostStore

/// The built-in ingest stage: one spool file per job (see ``Ingester``).
public struct IngestStage: StageRunner {
    public var codeVersion: String { "ingest-\(QMostVersion.current)" }
    /// Ingest is idempotent through content hashes; a path may legitimately be ingested again with new bytes.
    public var skipsRepeatedRuns: Bool { false }

    public init() {}

    public func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult {
        let source = IngestSource(rawValue: job.payloadFields["source"] ?? "") ?? .raw
        let ingester = Ingester(configuration: context.configuration, repository: context.repository)
        let scheduler = context.scheduler
        let path = job.subject, jobID = job.id
        let outcome: IngestOutcome
        do {
            outcome = try await BlockingWork.run { () throws(IngestError) -> IngestOutcome in
                try ingester.ingest(path: path, source: source, jobID: jobID) { db, facts, now in
                    try scheduler.enqueueSuccessors(of: .ingest, night: facts.night.iso, now: now, in: db)
                }
            }
        } catch {
            throw .retriable(error.description)
        }
        switch outcome {
        case .accepted(_, let repoPath, let kind, let night, _):
            return .done(summary: "accepted as \(kind.rawValue) for \(night.iso): \(repoPath)")
        case .duplicate(_, let existing): return .done(summary: "duplicate of \(existing)")
        case .quarantined(let reason, let path): return .done(summary: "quarantined to \(path): \(reason)")
        case .waiting(let reason, let after): return .waiting(reason: reason, retryAfter: after)
        case .vanished: return .done(summary: "file no longer in the spool")
        }
    }
}
