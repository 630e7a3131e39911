import Foundation
import GRDB
import QMostCore
import QMostStore

/// The built-in L1 stage (seed 9.1). Four kinds of job share it:
/// - `night:<date>` (after the night is complete): makes the night's masters, then queues a reduction for each
///   exposure of the night, and for each exposure of nearby nights that a new master now serves better;
/// - `reduce:<repository path>`: reduces one science exposure with the best masters (``L1FrameReduction``), then
///   queues its OB's products;
/// - `ob:<date>/<spectrograph>/<OB id>`: the OB's Phase 3 products (``L1ObservingBlockJob``), then queues the
///   night's stacks;
/// - `stacks:<date>`: night and deep stacks and the night's container (``L1NightStacksJob``).
///
/// Each job's idempotency key holds the checksums of what it reads (a reduction: the frame and the masters chosen
/// for it; OB products: the exposures' spectra; stacks: the OB products), so a job is repeated exactly when an
/// input changed, or the code or parameters did.
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
        if job.subject.hasPrefix(L1ObservingBlockJob.prefix), let (night, spectrograph, ob) = L1ObservingBlockJob.parse(job.subject) {
            return L1ObservingBlockJob.inputs(try L1ObservingBlockJob.exposures(night: night, spectrograph: spectrograph, obID: ob, in: db).reduced)
        }
        if job.subject.hasPrefix(L1NightStacksJob.prefix) {
            return try L1NightStacksJob.inputs(night: String(job.subject.dropFirst(L1NightStacksJob.prefix.count)), in: db)
        }
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
        if job.subject.hasPrefix(L1ObservingBlockJob.prefix) { return try await L1ObservingBlockJob(context: context, job: job).run() }
        if job.subject.hasPrefix(L1NightStacksJob.prefix) { return try await L1NightStacksJob(context: context, job: job).run() }
        guard let nightText = job.night, let night = Night(nightText) else {
            throw .fatal("l1 job \(job.subject) names no night")
        }
        return try await L1NightCalibration(planner: planner, context: context, job: job, night: night).run()
    }
}
