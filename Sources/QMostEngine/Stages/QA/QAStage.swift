import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostL1
import QMostQA
import QMostStore

/// The built-in `qa` stage (seed 9.2.1), once L1 has finished a night: every arm of every reduced exposure measured
/// (``ExposureQuality``), its Figure 7 table written as text and JSON and its six diagnostic plots as SVG into
/// `repo/qa/<night>/<exposure>/`, each recorded as a product of the exposure's L1 spectra; and every Phase 3
/// spectrum of the night, at every stack level (``StackQuality``), in `repo/qa/<night>/stacks_qa.{json,txt}`.
public struct QAStage: StageRunner {
    public var codeVersion: String { "qa-\(QMostVersion.current)" }
    public var skipsRepeatedRuns: Bool { true }

    public init() {}

    /// One reduced exposure of the night.
    struct Reduced {
        var file: FileRecord
        var frame: FrameRecord
        var product: Product
    }

    static func reduced(night: String, in db: Database) throws -> [Reduced] {
        try Row.fetchAll(db, sql: """
            SELECT rf.file_id, rf.product_id FROM reduced_frames rf JOIN frames fr ON fr.file_id = rf.file_id
            WHERE fr.night = ? ORDER BY rf.file_id
            """, arguments: [night]).compactMap { row in
            guard let file = try FileRecord.fetchOne(db, key: row["file_id"] as Int64), let frame = try FrameRecord.fetchOne(db, key: file.id),
                  let product = try Product.fetchOne(db, key: row["product_id"] as Int64) else { return nil }
            return Reduced(file: file, frame: frame, product: product)
        }
    }

    /// L1 jobs of the night still to finish: the night's reductions are not all there yet.
    static func liveL1Jobs(night: String, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE stage = 'l1' AND night = ? AND state IN ('pending', 'running')",
                         arguments: [night]) ?? 0
    }

    /// The night's Phase 3 spectra, every stack level.
    static func stacks(night: String, in db: Database) throws -> [Phase3Entry] {
        try Repository.phase3Entries(where: "q.night = ?", arguments: [night], in: db)
    }

    public func idempotencyInputs(for job: Job, in db: Database) throws -> [String]? {
        guard let night = job.night else { return nil }
        return try Self.reduced(night: night, in: db).map { "\($0.product.path)=\($0.product.sha256)" }
            + Self.stacks(night: night, in: db).map { "\($0.product.path)=\($0.product.sha256)" }
    }

    public func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult {
        guard let night = job.night else { throw .fatal("qa job \(job.subject) names no night") }
        let config = context.configuration
        let found: (live: Int, reduced: [Reduced], stacks: [Phase3Entry])
        do {
            found = try await context.repository.pool.read { db in
                (try Self.liveL1Jobs(night: night, in: db), try Self.reduced(night: night, in: db), try Self.stacks(night: night, in: db))
            }
        } catch {
            throw .retriable("reading the night's L1 products: \(error)")
        }
        if found.live > 0 { return .waiting(reason: "L1 has \(found.live) job(s) of \(night) still to finish", retryAfter: 10) }
        guard !found.reduced.isEmpty else { return .done(summary: "\(night): no reduced exposure to assess") }
        let started = Date()
        var recorded: [(Reduced, [String])] = []
        for r in found.reduced {
            let base = ((r.file.repoPath as NSString).lastPathComponent as NSString).deletingPathExtension
            let relative = "\(config.paths.repository)/qa/\(night)/\(base)"
            let folder = config.resolve(relative)
            let spectra = config.resolve(r.product.path), raw = config.resolve(r.file.repoPath)
            let spectrograph = r.frame.spectrograph ?? "?"
            let category = r.frame.kind.uppercased()
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let written = try await BlockingWork.run { () throws(FileProblem) -> [String] in
                    let (arms, ra, dec) = try ExposureQuality.measure(spectra: spectra, raw: raw, spectrograph: spectrograph)
                    return try ExposureQuality.write(arms, fieldRA: ra, fieldDec: dec, base: base, category: category, into: folder)
                }
                recorded.append((r, written.map { relative + "/" + ($0 as NSString).lastPathComponent }))
            } catch let problem as FileProblem {
                throw .fatal(problem.description)
            } catch {
                throw .retriable("assessing \(r.product.path): \(error)")
            }
        }
        // Every Phase 3 spectrum of the night, whatever its stack level, in one table.
        let stackFiles = found.stacks.map { (config.resolve($0.product.path), $0.phase3.part) }
        let stackTable = found.stacks.isEmpty ? nil : "\(config.paths.repository)/qa/\(night)/stacks_qa"
        if let stackTable {
            let base = config.resolve(stackTable)
            do {
                try FileManager.default.createDirectory(atPath: (base as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try await BlockingWork.run { () throws(FileProblem) in
                    let rows = try stackFiles.map { path, part throws(FileProblem) in
                        StackQuality.measure(try Phase3SpectrumFile.read(path), fileName: (path as NSString).lastPathComponent, part: part)
                    }
                    try StackQualityTable.write(rows, json: base + ".json", text: base + ".txt")
                }
            } catch let problem as FileProblem {
                throw .fatal(problem.description)
            } catch {
                throw .retriable("assessing the stacks of \(night): \(error)")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        let exposures = recorded.count, stackIDs = found.stacks.map(\.product.id!)
        do {
            // Hashed before the write transaction, which must not wait on file I/O.
            var hashing: [(Reduced, [(String, String)])] = []
            for (r, paths) in recorded { hashing.append((r, Array(zip(paths, try await BlockingWork.sha256(of: paths.map(config.resolve)))))) }
            let hashed = hashing
            let stackPaths = stackTable.map { base in ["json", "txt"].map { ext in (ext, base + "." + ext) } } ?? []
            let stackHashes = zip(stackPaths, try await BlockingWork.sha256(of: stackPaths.map { config.resolve($0.1) })).map { ($0.0, $0.1, $1) }
            try await context.repository.pool.write { [job] db in
                let now = Date().timestamp
                for (ext, path, sha) in stackHashes {
                    _ = try Repository.replaceProduct(Product(kind: ext == "json" ? "qa_stack_table" : "qa_text", level: "qa", night: night, path: path,
                                                              sha256: sha, stageRunID: nil, createdAt: now),
                                                      inputFiles: [], inputProducts: stackIDs, in: db)
                }
                for (r, files) in hashed {
                    for (path, sha) in files {
                        let kind = path.hasSuffix(".svg") ? "qa_plot" : path.hasSuffix(".json") ? "qa_table" : "qa_text"
                        _ = try Repository.replaceProduct(Product(kind: kind, level: "qa", night: night, path: path, sha256: sha, stageRunID: nil, createdAt: now),
                                                          inputFiles: [], inputProducts: [r.product.id!], in: db)
                    }
                }
                try Repository.log(Event(at: now, kind: "qa.assessed", stage: "qa", night: night, jobID: job.id,
                                         message: "\(night): QA of \(exposures) exposure(s), \(hashed.reduce(0) { $0 + $1.1.count }) tables and plots, and of \(stackIDs.count) Phase 3 spectra, in \(String(format: "%.1f", seconds)) s"),
                                   in: db)
            }
        } catch {
            throw .retriable("recording the QA of \(night): \(error)")
        }
        return .done(summary: "\(night): QA of \(recorded.count) exposure(s) in \(String(format: "%.1f", seconds)) s")
    }
}
