import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostStore

/// Runs a configured program for a stage: an argv list (never a shell line) whose last argument is the path
/// of a JSON manifest naming the inputs, the output folder and the parameters.
///
/// Exit 0 is success and every file the program left in the output folder is recorded as a product with the
/// inputs as lineage. Exit 65 (EX_DATAERR) or 78 (EX_CONFIG) means retrying cannot help: the job goes dead.
/// Any other status is a failed attempt, retried with backoff. The exit status and the tail of stderr are kept.
public struct ExternalCommandStage: StageRunner {
    public let stage: StageName
    public let argv: [String]
    public let timeoutSeconds: Double?
    public var skipsRepeatedRuns: Bool { true }
    public var codeVersion: String { "command:" + argv.joined(separator: " ") }

    public init(stage: StageName, argv: [String], timeoutSeconds: Double?) {
        self.stage = stage
        self.argv = argv
        self.timeoutSeconds = timeoutSeconds
    }

    /// Keeps the last 64 KiB of a program's stderr: enough to diagnose, bounded for the database.
    static let stderrLimit = 64 * 1024

    public func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult {
        let config = context.configuration
        let workDir = config.resolve("\(config.paths.repository)/work/\(stage.rawValue)/job-\(job.id ?? 0)-attempt-\(job.attempts)")
        let outDir = (workDir as NSString).appendingPathComponent("out")
        let manifestPath = (workDir as NSString).appendingPathComponent("manifest.json")
        let inputs: [(file: FileRecord, frame: FrameRecord)]
        do {
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            inputs = try job.night.map { try context.repository.nightInputs($0) } ?? []
            try writeManifest(job: job, inputs: inputs, outDir: outDir, path: manifestPath, configuration: config)
        } catch {
            throw .retriable("preparing \(manifestPath): \(error)")
        }

        let result = try await ProcessRunner.run(argv + [manifestPath], timeout: timeoutSeconds, stderrLimit: Self.stderrLimit)
        guard result.status == 0 else {
            let tail = result.stderr.split(separator: "\n").suffix(3).joined(separator: " | ")
            let message = "\(argv[0]) exited with status \(result.status)\(result.timedOut ? " (killed after timeout)" : "")"
                + (tail.isEmpty ? "" : ": \(tail)")
            throw ExternalCommandFailure(message: message, status: result.status, stderr: result.stderr).asStageError
        }
        do {
            let recorded = try await BlockingWork.run { [self] in
                try recordOutputs(outDir, job: job, inputs: inputs, context: context)
            }
            return .done(summary: "\(argv[0]) exited 0; \(recorded) product(s) recorded"
                         + (result.stderr.isEmpty ? "" : "; stderr kept"))
        } catch {
            throw .retriable("recording products of \(argv[0]): \(error)")
        }
    }

    private func writeManifest(job: Job, inputs: [(file: FileRecord, frame: FrameRecord)], outDir: String, path: String,
                               configuration: QMostCore.Configuration) throws {
        let manifest: [String: Any] = [
            "stage": stage.rawValue,
            "job_id": job.id ?? 0,
            "attempt": job.attempts,
            "subject": job.subject,
            "night": job.night ?? NSNull(),
            "installation": configuration.root,
            "output_dir": outDir,
            "parameters": configuration.settings(for: stage).parameters,
            "inputs": inputs.map { i -> [String: Any] in
                ["path": configuration.resolve(i.file.repoPath), "sha256": i.file.sha256, "kind": i.frame.kind,
                 "night": i.frame.night, "ob_id": i.frame.obID ?? NSNull(), "arm": i.frame.arm ?? NSNull(),
                 "spectrograph": i.frame.spectrograph ?? NSNull()]
            },
        ]
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    private func recordOutputs(_ outDir: String, job: Job, inputs: [(file: FileRecord, frame: FrameRecord)],
                               context: StageContext) throws -> Int {
        let names = try FileManager.default.contentsOfDirectory(atPath: outDir).filter { !$0.hasPrefix(".") }.sorted()
        let now = Date().timestamp
        var products: [(Product, [Int64])] = []
        for name in names {
            let path = (outDir as NSString).appendingPathComponent(name)
            // Streamed, like every file the project hashes: outputs may be far larger than memory should hold.
            let sha = try ContentHasher.sha256(path: path).hex
            products.append((Product(kind: "\(stage.rawValue)-output", level: stage.rawValue, night: job.night,
                                     path: context.configuration.relativePath(path), sha256: sha, stageRunID: nil,
                                     createdAt: now),
                             inputs.compactMap(\.file.id)))
        }
        try context.repository.pool.write { db in
            let runID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM stage_runs WHERE job_id = ?", arguments: [job.id])
            for (p, files) in products {
                var product = p
                product.stageRunID = runID
                _ = try Repository.recordProduct(product, inputFiles: files, inputProducts: [], in: db)
            }
        }
        return products.count
    }
}

/// A failed external command, carrying what the engine records in the stage run.
public struct ExternalCommandFailure: Error {
    public let message: String
    public let status: Int32
    public let stderr: String

    var asStageError: StageError {
        [65, 78].contains(status) ? .fatal(message) : .retriable(message)
    }
}
