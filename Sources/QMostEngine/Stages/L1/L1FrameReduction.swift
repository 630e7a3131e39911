import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostL1
import QMostStore

/// A `reduce:<path>` job: one science exposure through L1 with the best masters within reach, written to
/// `repo/l1/<night>/<name>_L1.fits` and recorded with its lineage and the tier of every master used.
struct L1FrameReduction {
    let planner: CalibrationPlanner
    let context: StageContext
    let job: Job

    func run() async throws(StageError) -> StageResult {
        let config = context.configuration
        let repoPath = String(job.subject.dropFirst(L1Stage.reducePrefix.count))
        let found: (file: FileRecord, frame: FrameRecord, chosen: [CalibrationKind: CalibrationChoice], paths: [CalibrationKind: String])?
        do {
            found = try await context.repository.pool.read { [planner] db in
                guard let file = try FileRecord.filter(Column("repo_path") == repoPath).fetchOne(db),
                      let frame = try FrameRecord.fetchOne(db, key: file.id), let spectrograph = frame.spectrograph,
                      let night = Night(frame.night) else { return nil }
                let chosen = try planner.choices(spectrograph: spectrograph, night: night, obID: frame.obID, in: db)
                var paths: [CalibrationKind: String] = [:]
                for (k, c) in chosen { paths[k] = try String.fetchOne(db, sql: "SELECT path FROM products WHERE id = ?", arguments: [c.candidate.id]) }
                return (file, frame, chosen, paths)
            }
        } catch {
            throw .retriable("reading \(repoPath): \(error)")
        }
        guard let (file, frame, chosen, paths) = found else {
            throw .fatal("\(repoPath): no such ingested frame with a night and spectrograph")
        }
        let missing = CalibrationKind.allCases.filter { $0.isRequired && chosen[$0] == nil }
        guard missing.isEmpty else {
            return .done(summary: "not reduced: no \(missing.map(\.rawValue).joined(separator: ", ")) master within reach of \(frame.night)")
        }
        let base = ((file.repoPath as NSString).lastPathComponent as NSString).deletingPathExtension
        let relative = "\(config.paths.repository)/l1/\(frame.night)/\(base)_L1.fits"
        let path = config.resolve(relative)
        let ordered = chosen.sorted { $0.key < $1.key }
        let used = ordered.map { kind, choice in
            UsedCalibration(kind: kind.rawValue, file: (paths[kind]! as NSString).lastPathComponent,
                            tier: choice.tier.name + (choice.nightsApart > 0 ? " (\(choice.nightsApart) nights)" : ""))
        }
        let absolute = paths.mapValues(config.resolve)
        let raw = config.resolve(file.repoPath)
        let crosstalk = config.crosstalkCorrections(spectrograph: frame.spectrograph ?? "")
        // `stages.l1.parameters.no_sky_subtraction: "LRS-A/GREEN,..."`: a diagnostic switch that leaves an arm's sky in.
        let withoutSky = Set((config.settings(for: .l1).parameters["no_sky_subtraction"] ?? "").split(separator: ",").compactMap { item -> ArmName? in
            let parts = item.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0] == frame.spectrograph else { return nil }
            return ArmName(rawValue: parts[1].lowercased())
        })
        let started = Date()
        let summary: String
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            summary = try await BlockingWork.run { () throws(FileProblem) -> String in
                try ScienceReduction.reduce(raw, calibrations: absolute, used: used, crosstalk: crosstalk, withoutSky: withoutSky, to: path)
            }
        } catch let problem as FileProblem {
            throw .fatal(problem.description)
        } catch {
            throw .retriable("reducing \(repoPath): \(error)")
        }
        let tiers = used.map { "\($0.kind) \($0.tier)" }.joined(separator: ", ")
        do {
            let sha = try await BlockingWork.sha256(of: path)
            let now = Date().timestamp
            let seconds = Date().timeIntervalSince(started)
            try await context.repository.pool.write { [job, context] db in
                let replaced = try Product.filter(Column("path") == relative).fetchCount(db) > 0
                let product = try Repository.replaceProduct(
                    Product(kind: "l1_spectra", level: "l1", night: frame.night, path: relative, sha256: sha, stageRunID: nil, createdAt: now),
                    inputFiles: [file.id!], inputProducts: chosen.values.map(\.candidate.id).sorted(), in: db)
                try Repository.recordReduction(fileID: file.id!, productID: product.id!, calibrations: chosen, in: db)
                try Repository.log(Event(at: now, kind: replaced ? "l1.rereduced" : "l1.reduced", stage: "l1", night: frame.night, sha256: sha,
                                         path: relative, jobID: job.id,
                                         message: "\(replaced ? "re-reduced" : "reduced") \((file.repoPath as NSString).lastPathComponent) in \(String(format: "%.1f", seconds)) s with \(tiers): \(summary)"),
                                   in: db)
                try JobQueue.enqueue(context.scheduler.request(.l1, subject: L1ObservingBlockJob.subject(night: frame.night, spectrograph: frame.spectrograph ?? "",
                                                                                                       obID: frame.obID),
                                                               night: frame.night, now: now), now: now, in: db)
            }
        } catch {
            throw .retriable("recording \(relative): \(error)")
        }
        context.scheduler.doorbell.ring()
        return .done(summary: "\(relative) (\(tiers))")
    }
}
