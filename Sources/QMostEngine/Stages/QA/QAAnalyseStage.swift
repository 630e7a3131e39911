import Foundation
import GRDB
import QMostCore
import QMostQA
import QMostStore

/// The built-in `qa_analyse` stage (seed 9.2.2): each QA table of the night tested against the configured catalogue
/// (`qa.tests`), one row per test and arm written into the 4OR `qa` table, and the night validated by its worst
/// test. State 0 raises one alert for the night naming the failed tests and keeps the night's L2 waiting until
/// each failed test is exempted (`qmostd qa exempt`); state 1 adds a warning to the night's validation log.
public struct QAAnalyseStage: StageRunner {
    public var codeVersion: String { "qa_analyse-\(QMostVersion.current)" }
    public var skipsRepeatedRuns: Bool { true }
    let tests: [QualityTest]

    public init(configuration: QMostCore.Configuration) { tests = configuration.qaTests }

    /// The night's QA tables with the OB and raw frame of the exposure each assesses.
    static func tables(night: String, in db: Database) throws -> [(path: String, sha256: String, obID: Int64?, raw: String)] {
        try Row.fetchAll(db, sql: """
            SELECT p.path, p.sha256, fr.ob_id, f.repo_path FROM products p
            JOIN product_inputs pi ON pi.product_id = p.id
            JOIN reduced_frames rf ON rf.product_id = pi.input_product_id
            JOIN frames fr ON fr.file_id = rf.file_id JOIN files f ON f.id = fr.file_id
            WHERE p.kind = 'qa_table' AND p.night = ? ORDER BY p.path
            """, arguments: [night]).map { ($0["path"], $0["sha256"], $0["ob_id"], $0["repo_path"]) }
    }

    /// The night's stack QA table, if it has one.
    static func stackTable(night: String, in db: Database) throws -> (path: String, sha256: String)? {
        try Row.fetchOne(db, sql: "SELECT path, sha256 FROM products WHERE kind = 'qa_stack_table' AND night = ?", arguments: [night])
            .map { ($0["path"], $0["sha256"]) }
    }

    public func idempotencyInputs(for job: Job, in db: Database) throws -> [String]? {
        guard let night = job.night, let n = Night(night) else { return nil }
        let exemptions = try Repository.exemptions(nightobs: Int(n.compact)!, in: db).map { "exempt:\($0.testid)" }
        let stacks = try Self.stackTable(night: night, in: db).map { ["\($0.path)=\($0.sha256)"] } ?? []
        return try Self.tables(night: night, in: db).map { "\($0.path)=\($0.sha256)" } + stacks + exemptions + tests.map { "test:\($0)" }
    }

    /// An exemption recorded while the night is validated must be seen: the validation runs again.
    public var rerunsWhenInputsChange: Bool { true }

    public func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult {
        guard let nightText = job.night, let night = Night(nightText) else { throw .fatal("qa_analyse job \(job.subject) names no night") }
        let config = context.configuration
        let nightobs = Int(night.compact)!
        let tables: [(path: String, sha256: String, obID: Int64?, raw: String)]
        let exemptions: [QAExemption]
        let stackTable: (path: String, sha256: String)?
        do {
            (tables, exemptions, stackTable) = try await context.repository.pool.read { db in
                (try Self.tables(night: night.iso, in: db), try Repository.exemptions(nightobs: nightobs, in: db), try Self.stackTable(night: night.iso, in: db))
            }
        } catch {
            throw .retriable("reading the QA of \(night.iso): \(error)")
        }
        guard !tables.isEmpty else { return .done(summary: "\(night.iso): no QA table to analyse") }
        var outcomes: [(QualityOutcome, Int64?, Int64?)] = []
        if let stackTable {
            let rows: [StackQuality]
            do { rows = try StackQualityTable.read(json: config.resolve(stackTable.path)) } catch { throw .fatal(error.description) }
            for r in rows { outcomes += QualityAssessment.evaluate(tests, on: r).map { ($0, r.obID > 0 ? r.obID : nil, r.specuid) } }
        }
        for t in tables {
            let quality: ArmQuality
            do { quality = try ExposureQuality.read(json: config.resolve(t.path)) } catch { throw .fatal(error.description) }
            let exposure = ((t.raw as NSString).lastPathComponent as NSString).deletingPathExtension
            outcomes += QualityAssessment.evaluate(tests, on: quality, label: exposure).map { ($0, t.obID, nil) }
        }
        let exempted = Set(exemptions.map(\.testid))
        let state = QualityAssessment.nightState(outcomes.map(\.0))
        let effective = QualityAssessment.nightState(outcomes.map(\.0), exempted: exempted)
        let failed = outcomes.filter { $0.0.state == 0 }.map(\.0)
        let warned = outcomes.filter { $0.0.state == 1 }.map(\.0)
        let stamp = ISO8601DateFormatter().string(from: Date())
        let rows = outcomes.map { o, ob, specid in
            QARow(nightobs: nightobs, obID: ob, specid: specid, testid: o.test.id, req: o.test.required, goal: o.test.goal, val: o.value,
                  state: o.state, info: o.info + (exempted.contains(o.test.id) && o.state == 0 ? " (exempted)" : ""), timestamp: stamp)
        }
        let testCount = outcomes.count
        do {
            try await context.repository.pool.write { [job] db in
                let now = Date().timestamp
                try Repository.replaceQA(nightobs: nightobs, rows: rows, in: db)
                try Repository.setValidation(night: night.iso, state: state, exempted: state == 0 && effective >= 1, in: db)
                func line(_ o: QualityOutcome) -> String {
                    "test \(o.test.id) \(o.info): \(String(format: "%.4g", o.value)) (req \(String(format: "%g", o.test.required)), goal \(String(format: "%g", o.test.goal)))"
                }
                let unexempted = failed.filter { !exempted.contains($0.test.id) }
                if !unexempted.isEmpty {
                    // One alert per night, however often the night is validated again.
                    let cause = "qa.failed:\(night.iso)"
                    let raised = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts WHERE cause = ?", arguments: [cause]) ?? 0
                    if raised == 0 {
                        let names = Set(unexempted.map(\.test.name)).sorted().joined(separator: ", ")
                        try Repository.raiseAlert(
                            cause: cause, subject: "[qmostd] night \(night.iso) failed QA: \(names)",
                            body: "Night \(night.iso) failed L1 quality assessment; its L2 waits until the failures are fixed or exempted "
                                + "(qmostd qa exempt --night \(night.iso) --test ID --reason TEXT).\n\n" + unexempted.map(line).joined(separator: "\n"),
                            window: config.alerts.dedupWindowSeconds, now: now, in: db)
                    }
                }
                if !warned.isEmpty {
                    try Repository.log(Event(at: now, level: .warning, kind: "qa.warning", stage: "qa_analyse", night: night.iso, jobID: job.id,
                                             message: "\(night.iso): \(warned.count) test(s) passed the requirement but not the goal: "
                                                 + warned.prefix(20).map(line).joined(separator: "; ")), in: db)
                }
                let verdict = effective >= 1 ? (state == 0 ? "validated with exemptions" : "validated") : "failed"
                try Repository.log(Event(at: now, level: effective >= 1 ? .info : .error, kind: "qa.validation", stage: "qa_analyse", night: night.iso,
                                         jobID: job.id, message: "\(night.iso) \(verdict): state \(state), \(testCount) tests, \(failed.count) failed"
                                             + (failed.isEmpty ? "" : " (\(Set(failed.map(\.test.id)).sorted().map(String.init).joined(separator: ", ")))")),
                                   in: db)
                if effective >= 1 { try JobQueue.wake(night: night.iso, now: now, in: db) }
            }
        } catch {
            throw .retriable("recording the validation of \(night.iso): \(error)")
        }
        if effective >= 1 { context.scheduler.doorbell.ring() }
        return .done(summary: "\(night.iso): state \(state)\(state == 0 && effective >= 1 ? " (exempted)" : ""), \(outcomes.count) tests, \(failed.count) failed")
    }
}
