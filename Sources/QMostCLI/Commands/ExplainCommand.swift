import ArgumentParser
import Foundation
import GRDB
import QMostCore
import QMostEngine
import QMostStore

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "How a file came in, which rule classified it, what ran on it, what blocks it, what runs next.")

    @OptionGroup var installation: InstallationOptions
    @Argument(help: "A path (spool, repository or quarantine) or a SHA-256.") var target: String
    @Flag(help: "Machine-readable output (see README: JSON contract).") var json = false

    func run() throws {
        let (config, repository) = try installation.open()
        let explanation = try Explainer(configuration: config, repository: repository).explain(target)
        if json {
            print(try Output.json(explanation))
        } else {
            print(explanation.text)
        }
    }
}

/// Everything known about one file, gathered for `explain`.
struct Explanation: Encodable {
    struct JobInfo: Encodable {
        var id: Int64
        var stage: String
        var subject: String
        var state: String
        var attempts: Int
        var maxAttempts: Int
        var lastError: String?
        var blockedBy: String?
        var notBefore: String
        var runs: [RunInfo]
    }
    struct RunInfo: Encodable {
        var attempt: Int
        var outcome: String?
        var error: String?
        var exitStatus: Int?
        var stderr: String?
        var started: String
        var codeVersion: String
    }

    /// A master used by the frame's L1 product, with the association's tier.
    struct CalibrationInfo: Encodable {
        var kind: String
        var path: String
        var tier: String
        var nightsApart: Int
        enum CodingKeys: String, CodingKey { case kind, path, tier, nightsApart = "nights_apart" }
    }
    /// The frame's L1 product and the masters it was made with.
    struct ReductionInfo: Encodable {
        var product: String
        var sha256: String
        var createdAt: String
        var calibrations: [CalibrationInfo]
        enum CodingKeys: String, CodingKey { case product, sha256, createdAt = "created_at", calibrations }
    }

    /// A product and what it was made from, down to the raw frames.
    final class LineageInfo: Encodable {
        var path: String
        /// The product's kind (`l1_spectra`, `master_bias`, …) or `raw <frame kind>`.
        var kind: String
        var sha256: String
        var inputs: [LineageInfo]
        init(path: String, kind: String, sha256: String, inputs: [LineageInfo]) {
            self.path = path
            self.kind = kind
            self.sha256 = sha256
            self.inputs = inputs
        }
    }

    var sha256: String?
    var path: String?
    var originalName: String?
    var source: String?
    var ingestedAt: String?
    var kind: String?
    var rule: String?
    var night: String?
    var obID: Int64?
    var spectrograph: String?
    var arm: String?
    var checksum: String?
    /// `ingested`, `waiting`, `quarantined`, `failed`, `dead` or `unknown`.
    var state: String
    var reason: String?
    var quarantinePath: String?
    var jobs: [JobInfo]
    var l1: ReductionInfo?
    var lineage: LineageInfo?
    var blockedBy: [String]
    var next: [String]
    var events: [EventJSON]

    enum CodingKeys: String, CodingKey {
        case sha256, path, originalName = "original_name", source, ingestedAt = "ingested_at", kind, rule, night
        case obID = "ob_id", spectrograph, arm, checksum, state, reason, quarantinePath = "quarantine_path", jobs, l1, lineage
        case blockedBy = "blocked_by", next, events
    }

    var text: String {
        var lines: [String] = []
        lines.append("\(path ?? quarantinePath ?? "?")  [\(state)]")
        if let sha256 { lines.append("  sha256     \(sha256)") }
        if let originalName, let source, let ingestedAt { lines.append("  came in    \(originalName) via \(source) at \(ingestedAt)") }
        if let kind { lines.append("  kind       \(kind)" + (rule.map { " (rule: \($0))" } ?? "")) }
        if lineage != nil, let ingestedAt { lines.append("  made       \(ingestedAt)") }
        if let night { lines.append("  night      \(night)\(obID.map { "  OB \($0)" } ?? "")\(spectrograph.map { "  \($0)" } ?? "")\(arm.map { " \($0)" } ?? "")") }
        if let checksum { lines.append("  checksum   \(checksum)") }
        if let reason { lines.append("  reason     \(reason)") }
        if !jobs.isEmpty {
            lines.append("  stages")
            for j in jobs {
                lines.append("    job \(j.id) \(j.stage) \(j.subject): \(j.state), attempt \(j.attempts)/\(j.maxAttempts)"
                             + (j.lastError.map { ", last error: \($0)" } ?? "") + (j.blockedBy.map { ", \($0)" } ?? ""))
                for r in j.runs {
                    lines.append("      attempt \(r.attempt) at \(r.started): \(r.outcome ?? "running")"
                                 + (r.exitStatus.map { " exit \($0)" } ?? "") + (r.error.map { " — \($0)" } ?? ""))
                }
            }
        }
        if let lineage {
            lines.append("  made from")
            func add(_ node: LineageInfo, depth: Int) {
                for input in node.inputs {
                    lines.append(String(repeating: "  ", count: depth + 2) + "\(input.kind.padding(toLength: max(24, input.kind.count), withPad: " ", startingAt: 0)) \(input.path)")
                    add(input, depth: depth + 1)
                }
            }
            add(lineage, depth: 0)
        }
        if let l1 {
            lines.append("  l1         \(l1.product) (\(l1.createdAt))")
            for c in l1.calibrations {
                let apart = c.nightsApart > 0 ? ", \(c.nightsApart) night\(c.nightsApart == 1 ? "" : "s") away" : ""
                lines.append("    \(c.kind.padding(toLength: 14, withPad: " ", startingAt: 0)) \(c.path)  [\(c.tier)\(apart)]")
            }
        }
        lines.append("  blocked by \(blockedBy.isEmpty ? "nothing" : blockedBy.joined(separator: "; "))")
        lines.append("  next       \(next.isEmpty ? "nothing" : next.joined(separator: "; "))")
        if !events.isEmpty {
            lines.append("  events")
            for e in events { lines.append("    \(e.time) \(e.level.uppercased()) \(e.message)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// Builds an ``Explanation`` from the database.
struct Explainer {
    let configuration: QMostCore.Configuration
    let repository: Repository

    func explain(_ target: String) throws -> Explanation {
        let isHash = target.count == 64 && target.allSatisfy(\.isHexDigit)
        let absolute = isHash ? target : URL(fileURLWithPath: target).standardizedFileURL.path
        let relative = isHash ? target : configuration.relativePath(absolute)
        let queue = JobQueue(repository: repository)
        var e = Explanation(state: "unknown", jobs: [], blockedBy: [], next: [], events: [])

        let file = isHash ? try repository.file(sha256: target)
            : try repository.file(path: relative) ?? repository.file(path: absolute) ?? repository.file(path: target)
        var jobs: [Job] = []
        if let file {
            e.sha256 = file.sha256
            e.path = file.repoPath
            e.originalName = file.originalName
            e.source = file.source
            e.ingestedAt = Output.isoTime(file.ingestedAt)
            e.state = "ingested"
            if let frame = try repository.frame(fileID: file.id!) {
                e.kind = frame.kind
                e.rule = frame.rule
                e.night = frame.night
                e.obID = frame.obID
                e.spectrograph = frame.spectrograph
                e.arm = frame.arm
                e.checksum = frame.checksum
                jobs += try queue.jobs(subject: "night:\(frame.night)")
                jobs += try queue.jobs(subject: L1Stage.reductionSubject(file.repoPath))
            }
            if let r = try repository.reduction(fileID: file.id!) {
                e.l1 = .init(product: r.product.path, sha256: r.product.sha256, createdAt: Output.isoTime(r.product.createdAt),
                             calibrations: r.calibrations.map { .init(kind: $0.kind.rawValue, path: $0.product.path, tier: $0.tier.name, nightsApart: $0.nightsApart) })
            }
            jobs += try queue.jobs(subject: file.spoolPath)
        } else if let product = try repository.product(path: relative) ?? repository.product(path: target) {
            e.state = "product"
            e.sha256 = product.sha256
            e.path = product.path
            e.kind = product.kind
            e.night = product.night
            e.ingestedAt = Output.isoTime(product.createdAt)
            func info(_ n: LineageNode) -> Explanation.LineageInfo {
                if let p = n.product {
                    return .init(path: p.path, kind: p.kind, sha256: p.sha256, inputs: n.inputs.map(info))
                }
                return .init(path: n.file?.repoPath ?? "?", kind: "raw \(n.frameKind ?? "frame")", sha256: n.file?.sha256 ?? "", inputs: [])
            }
            e.lineage = info(try repository.lineage(of: product))
            if let night = product.night { jobs += try queue.jobs(subject: "night:\(night)") }
        } else if let q = try repository.quarantined(path: isHash ? "" : absolute) ?? repository.quarantined(path: relative) {
            e.state = "quarantined"
            e.path = q.originalPath
            e.quarantinePath = q.quarantinePath
            e.reason = q.reason
            e.sha256 = q.sha256
            jobs += try queue.jobs(subject: q.originalPath)
        } else {
            jobs += try queue.jobs(subject: absolute)
            e.path = absolute
            if let live = jobs.first(where: { $0.state == .pending || $0.state == .running }) {
                e.state = "waiting"
                e.reason = live.blockedReason ?? "queued for ingest"
            } else if jobs.first?.state == .dead {
                e.state = "dead"
                e.reason = jobs.first?.lastError
            } else if jobs.isEmpty {
                throw CLIError("\(target): not known to this installation (not ingested, queued or quarantined)")
            }
        }

        let runs = try repository.runs(jobIDs: jobs.compactMap(\.id))
        let now = Date().timestamp
        e.jobs = jobs.sorted { $0.id! < $1.id! }.map { j in
            .init(id: j.id!, stage: j.stage, subject: j.subject, state: j.state.rawValue, attempts: j.attempts,
                  maxAttempts: j.maxAttempts, lastError: j.lastError,
                  blockedBy: j.state == .pending ? j.blockedReason : nil, notBefore: Output.isoTime(j.notBefore),
                  runs: runs.filter { $0.jobID == j.id }.map {
                      .init(attempt: $0.attempt, outcome: $0.outcome, error: $0.error, exitStatus: $0.exitStatus,
                            stderr: $0.stderr, started: Output.isoTime($0.startedAt), codeVersion: $0.codeVersion)
                  })
        }
        if e.state == "ingested", jobs.contains(where: { $0.state == .dead }) { e.state = "failed" }

        // What blocks it and what runs next, from the stage graph and the night's jobs.
        if let night = e.night {
            let scheduler = Scheduler(configuration: configuration, doorbell: Doorbell())
            for def in StageGraph.definitions where def.name != .ingest {
                let enabled = configuration.isEnabled(def.name)
                let job = jobs.first { $0.stage == def.name.rawValue }
                if let job, job.state == .done { continue }
                if !enabled {
                    e.next.append("\(def.name.rawValue) is not enabled (configure stages.\(def.name.rawValue))")
                    break
                }
                let blocker = try repository.pool.read { db in try scheduler.blocker(for: def.name, night: night, now: now, in: db) }
                if let blocker { e.blockedBy.append("\(def.name.rawValue) waits for \(blocker.waitingFor)") }
                switch job?.state {
                case .pending?: e.next.append("\(def.name.rawValue) for night \(night), not before \(Output.isoTime(job!.notBefore))")
                case .running?: e.next.append("\(def.name.rawValue) for night \(night) is running")
                case .dead?: e.next.append("\(def.name.rawValue) for night \(night) is dead: `qmostd retry \(job!.id!)`")
                default: e.next.append("\(def.name.rawValue) for night \(night) once \(def.after?.rawValue ?? "ingest") completes")
                }
                break
            }
        }
        var filter = EventFilter()
        if let sha = e.sha256 { filter.sha256 = sha }
        var events = e.sha256 != nil ? try repository.events(filter) : []
        for j in jobs {
            var f = EventFilter()
            f.jobID = j.id
            events += try repository.events(f)
        }
        var seen = Set<Int64>()
        e.events = events.filter { seen.insert($0.id!).inserted }.sorted { $0.id! < $1.id! }.map(EventJSON.init)
        return e
    }
}
