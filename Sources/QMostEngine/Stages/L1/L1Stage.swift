import Foundation
import GRDB
import QMostCore
import QMostStore

/// The built-in L1 stage (seed 9.1). Two kinds of job share it:
/// - `night:<date>` (after the night is complete): makes the night's masters, then queues a reduction for each
///   exposure of the night, and for each exposure of nearby nights that a new master now serves better;
/// - `reduce:<repository path>`: reduces one science exposure with the best masters (``L1FrameReduction``).
///
/// A reduction's idempotency key holds the frame's checksum and those of the masters chosen for it, so a
/// reduction is repeated exactly when a better master has arrived or the code or parameters changed.
public struct L1Stage: StageRunner {
    public var codeVersion: String { "l1-\(QMostVersion.current)" }
    public var skipsRepeatedRuns: Bool { true }
    let planner: CalibrationPlanner

    public init(configuration: QMostCore.Configuration) {
        planner = CalibrationPlanner(configuration: configuration)
    }

    static let reducePrefix = "reduce:"

    /// The subject of the reduction job of a raw file at `repoPath`.
    public static func reductionSubject(_ repoPath: String) -> String { reducePrefix + repoPath }

    public func idempotencyInputs(for job: Job, in db: Database) throws -> [String]? {
        guard job.subject.hasPrefix(Self.reducePrefix) else { return nil }
        let path = String(job.subject.dropFirst(Self.reducePrefix.count))
        guard let file = try FileRecord.filter(Column("repo_path") == path).fetchOne(db),
              let frame = try FrameRecord.fetchOne(db, key: file.id), let spectrograph = frame.spectrograph,
              let night = Night(frame.night) else { return [path] }
        let chosen = try planner.choices(spectrograph: spectrograph, night: night, obID: frame.obID, in: db)
        var parts = [file.sha256]
        for (kind, choice) in chosen.sorted(by: { $0.key < $1.key }) {
            let sha = try String.fetchOne(db, sql: "SELECT sha256 FROM products WHERE id = ?", arguments: [choice.candidate.id]) ?? "?"
            parts.append("\(kind.rawValue)=\(sha)")
        }
        return parts
    }

    public func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult {
        if job.subject.hasPrefix(Self.reducePrefix) {
            return try await L1FrameReduction(planner: planner, context: context, job: job).run()
        }
        guard let nightText = job.night, let night = Night(nightText) else {
            throw .fatal("l1 job \(job.subject) names no night")
        }
        return try await L1NightCalibration(planner: planner, context: context, job: job, night: night).run()
    }
}
