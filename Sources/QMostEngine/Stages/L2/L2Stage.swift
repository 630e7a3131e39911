import Foundation
import GRDB
import Logging
import QMostCore
import QMostL2
import QMostStore

/// The built-in `l2` stage (seed 10): once qa_analyse has validated the night (or its failures were exempted), the
/// night's L1 containers go through 4XP-Z and, for the spectra it classes as stars, 4GP. Each module's results are
/// written to `repo/l2/<night>/QMOST_<YYYYMMDD>_<MODULE>.fits` (a DXU) and recorded per spectrum in `l2_results`,
/// superseding the night's earlier rows. A replaced container changes the idempotency key, so the stage reruns.
public struct L2Stage: StageRunner {
    public var codeVersion: String { "l2-\(QMostVersion.current)" }
    public var skipsRepeatedRuns: Bool { true }
    /// The folder of redrock templates, or nil when none is configured.
    let templates: String?

    public init(configuration: QMostCore.Configuration) {
        let configured = configuration.settings(for: .l2).parameters["templates"] ?? ProcessInfo.processInfo.environment["QMOSTD_TEMPLATES"]
        templates = configured.map { configuration.resolve($0) }
    }

    /// The night's L1 containers (what L2 measures), oldest first.
    static func containers(night: String, in db: Database) throws -> [Product] {
        try Product.filter(Column("kind") == "l1_night_spectra" && Column("night") == night).order(Column("path")).fetchAll(db)
    }

    public func idempotencyInputs(for job: Job, in db: Database) throws -> [String]? {
        guard let night = job.night, let n = Night(night) else { return nil }
        let exemptions = try Repository.exemptions(nightobs: Int(n.compact)!, in: db).map { "exempt:\($0.testid)" }
        return try Self.containers(night: night, in: db).map { "\($0.path)=\($0.sha256)" } + exemptions + ["templates:\(templates ?? "")"]
    }

    public func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult {
        guard let nightText = job.night, let night = Night(nightText) else { throw .fatal("l2 job \(job.subject) names no night") }
        let config = context.configuration
        guard let templates else {
            return .waiting(reason: "no L2 templates: name a folder of redrock rrtemplate-*.fits as stages.l2.parameters.templates or $QMOSTD_TEMPLATES",
                            retryAfter: 600)
        }
        let containers: [Product], exemptions: [Int64]
        do {
            (containers, exemptions) = try await context.repository.pool.read { db in
                (try Self.containers(night: night.iso, in: db), try Repository.exemptions(nightobs: Int(night.compact)!, in: db).map(\.testid))
            }
        } catch {
            throw .retriable("reading the L1 containers of \(night.iso): \(error)")
        }
        guard !containers.isEmpty else { return .done(summary: "\(night.iso): no L1 container to analyse") }
        let started = Date()
        let folder = "\(config.paths.repository)/l2/\(night.iso)"
        let paths = L2Module.allCases.map { "\(folder)/\($0.fileName(nightobs: night.compact))" }
        let inputs = containers.map { config.resolve($0.path) }
        let logger = context.logger
        let results: NightAnalysis.Results
        do {
            try FileManager.default.createDirectory(atPath: config.resolve(folder), withIntermediateDirectories: true)
            results = try await BlockingWork.run { () throws(FileProblem) -> NightAnalysis.Results in
                let analysis = NightAnalysis(templates: try RedrockTemplateFile.readAll(directory: templates))
                var reported = Date()
                let measured = try analysis.measure(inputs) { count in
                    // A night's container holds thousands of spectra: say how far it got every ten seconds.
                    if Date().timeIntervalSince(reported) > 10 {
                        logger.info("l2: \(count) spectra of \(night.iso) measured", metadata: ["job.id": "\(job.id ?? 0)"])
                        reported = Date()
                    }
                }
                try DXUFile.write(config.resolve(paths[0]), module: .redshift, night: night,
                                  columns: ModuleCatalogues.redshift(measured.redshift.map { ($0.spectrum, $0.result) }),
                                  flags: RedshiftFlags.definitions.map { ($0.bit, $0.name, $0.meaning) }, inputs: inputs, exemptions: exemptions)
                try DXUFile.write(config.resolve(paths[1]), module: .radialVelocity, night: night,
                                  columns: ModuleCatalogues.radialVelocity(measured.radialVelocity.map { ($0.spectrum, $0.result) }),
                                  flags: VelocityFlags.definitions.map { ($0.bit, $0.name, $0.meaning) }, inputs: inputs, exemptions: exemptions)
                return measured
            }
        } catch let problem as FileProblem {
            throw .fatal(problem.description)
        } catch {
            throw .retriable("analysing \(night.iso): \(error)")
        }
        let hashes: [String]
        do { hashes = try await BlockingWork.sha256(of: paths.map(config.resolve)) } catch { throw .retriable("hashing the DXUs of \(night.iso): \(error)") }
        let seconds = Date().timeIntervalSince(started)
        let exempted = exemptions.map(String.init).joined(separator: ",")
        do {
            try await context.repository.pool.write { db in
                let now = Date().timestamp
                let runID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM stage_runs WHERE job_id = ?", arguments: [job.id])
                var superseded = 0
                for (k, module) in L2Module.allCases.enumerated() {
                    let dxu = try Repository.replaceProduct(
                        Product(kind: "l2_dxu", level: "l2", night: night.iso, path: paths[k], sha256: hashes[k], stageRunID: runID, createdAt: now),
                        inputFiles: [], inputProducts: containers.map(\.id!), in: db)
                    func row(_ s: L2Spectrum, file: Int, value: Double?, error: Double?, label: String?, flags: Int) -> L2Result {
                        L2Result(night: night.iso, module: module.rawValue, specuid: s.spectrumUID, cname: s.cname, value: value, error: error,
                                 label: label, flags: flags, exemptedTests: exempted, inputProductID: containers[file].id!,
                                 inputSHA256: containers[file].sha256, dxuProductID: dxu.id!, dxuSHA256: hashes[k], stageRunID: runID, createdAt: now)
                    }
                    let rows: [L2Result] = switch module {
                    case .redshift:
                        results.redshift.map { r in
                            row(r.spectrum, file: r.file, value: r.result.best?.redshift, error: r.result.best?.error,
                                label: r.result.best.map { $0.spectralClass.rawValue + ($0.subtype.isEmpty ? "" : "-\($0.subtype)") }, flags: Int(r.result.flags.rawValue))
                        }
                    case .radialVelocity:
                        results.radialVelocity.map { r in
                            row(r.spectrum, file: r.file, value: r.result.velocity, error: r.result.error, label: r.result.bestTemplate, flags: Int(r.result.flags.rawValue))
                        }
                    }
                    superseded += try Repository.recordL2Results(rows, night: night.iso, module: module.rawValue, now: now, in: db)
                }
                let stars = results.radialVelocity.count
                try Repository.log(Event(at: now, kind: "l2.measured", stage: "l2", night: night.iso, jobID: job.id,
                                         message: "\(night.iso): 4XP-Z on \(results.redshift.count) spectra, 4GP on \(stars) star(s), in \(String(format: "%.1f", seconds)) s"
                                             + (superseded > 0 ? "; \(superseded) earlier result(s) superseded" : "")
                                             + (exemptions.isEmpty ? "" : "; released with QA exemption(s) of test(s) \(exempted)")),
                                   in: db)
            }
        } catch {
            throw .retriable("recording the L2 of \(night.iso): \(error)")
        }
        return .done(summary: "\(night.iso): \(results.redshift.count) redshift(s), \(results.radialVelocity.count) radial velocit(ies)")
    }
}
