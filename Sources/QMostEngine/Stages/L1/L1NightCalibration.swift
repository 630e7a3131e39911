import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostL1
import QMostStore

/// A night's `l1` job: for each spectrograph, the masters its calibration frames make, in dependency order
/// (bias, dark, detector flat, traces, wavelength solutions), each with the best masters it needs; then the
/// reductions the night's exposures, and nearby nights' exposures a new master improves, now need.
struct L1NightCalibration {
    let planner: CalibrationPlanner
    let context: StageContext
    let job: Job
    let night: Night

    /// One master to make: its kind, the frames it combines and the OB they share (traces and arcs attached to an
    /// OB make an OB's own master; detector masters are the night's).
    struct Plan {
        var kind: CalibrationKind
        var spectrograph: String
        var obID: Int64?
        var frames: [(file: FileRecord, frame: FrameRecord)]
        /// Of `frames`, those attached to the OB the master is for (a fibre-flat field's OB flat).
        var attached: [(file: FileRecord, frame: FrameRecord)] = []
    }

    func run() async throws(StageError) -> StageResult {
        let inputs: [(file: FileRecord, frame: FrameRecord)]
        do { inputs = try context.repository.nightInputs(night.iso) } catch { throw .retriable("reading the night's frames: \(error)") }
        let plans = Self.plans(inputs)
        var made: [String] = []
        for plan in plans {
            made.append(try await make(plan))
        }
        // Every plan's spectrograph is one of the night's frames'.
        let spectrographs = Set(inputs.compactMap { $0.frame.spectrograph })
        let queued: Int
        do {
            queued = try await context.repository.pool.write { [planner, context, night] db -> Int in
                let frames = try planner.framesToReduce(near: night, spectrographs: spectrographs, in: db)
                let now = Date().timestamp
                for (file, frame) in frames {
                    try JobQueue.enqueue(context.scheduler.request(.l1, subject: L1Stage.reductionSubject(file.repoPath), night: frame.night,
                                                                   payload: ["file_id": "\(file.id!)"], now: now), now: now, in: db)
                }
                let waiting = try FrameRecord.filter(Column("night") == night.iso && [FrameKind.science.rawValue, FrameKind.standard.rawValue].contains(Column("kind")))
                    .fetchCount(db) - frames.filter { $0.frame.night == night.iso }.count
                if waiting > 0 {
                    try Repository.log(Event(at: now, level: .warning, kind: "l1.unreduced", stage: "l1", night: night.iso, jobID: job.id,
                                             message: "l1 \(night.iso): \(waiting) exposure(s) not queued: already reduced with the best masters, or a bias, trace or wavelength master within reach is missing"), in: db)
                }
                return frames.count
            }
        } catch {
            throw .retriable("queueing reductions: \(error)")
        }
        if queued > 0 { context.scheduler.doorbell.ring() }
        let summary = (made.isEmpty ? "no calibration frames" : made.joined(separator: "; ")) + "; \(queued) reduction(s) queued"
        return .done(summary: summary)
    }

    /// The masters the night's frames make, in the order they must be made.
    static func plans(_ inputs: [(file: FileRecord, frame: FrameRecord)]) -> [Plan] {
        var plans: [Plan] = []
        let bySpectrograph = Dictionary(grouping: inputs.filter { $0.frame.spectrograph.flatMap(SpectrographName.init(rawValue:)) != nil }) { $0.frame.spectrograph! }
        for (spectrograph, frames) in bySpectrograph.sorted(by: { $0.key < $1.key }) {
            for kind in CalibrationKind.allCases {
                let sources = frames.filter { f in kind.sourceKinds.contains { $0.rawValue == f.frame.kind } }
                    .sorted { ($0.frame.mjdObs ?? 0, $0.file.repoPath) < ($1.frame.mjdObs ?? 0, $1.file.repoPath) }
                guard !sources.isEmpty else { continue }
                switch kind {
                case .fibreFlatField:
                    // Seed 9.1.13: the daytime fibre flats for the shape, the twilight flats for the levels, and for
                    // each science OB that took its own fibre flat, one adjusted by it. Without daytime flats the
                    // OB flats stand in for them.
                    let scienceOBs = Set(frames.filter { [FrameKind.science.rawValue, FrameKind.standard.rawValue].contains($0.frame.kind) }
                        .compactMap(\.frame.obID))
                    let flats = sources.filter { $0.frame.kind == FrameKind.fibreFlat.rawValue }
                    let twilights = sources.filter { $0.frame.kind == FrameKind.twilightFlat.rawValue }
                    let attached = Dictionary(grouping: flats.filter { $0.frame.obID.map(scienceOBs.contains) ?? false }) { $0.frame.obID! }
                    let day = flats.filter { !($0.frame.obID.map(scienceOBs.contains) ?? false) }
                    guard !flats.isEmpty else { break }
                    if attached.isEmpty || !day.isEmpty {
                        plans.append(Plan(kind: kind, spectrograph: spectrograph, obID: nil, frames: (day.isEmpty ? flats : day) + twilights))
                    }
                    for (ob, own) in attached.sorted(by: { $0.key < $1.key }) {
                        plans.append(Plan(kind: kind, spectrograph: spectrograph, obID: ob, frames: (day.isEmpty ? own : day) + twilights + (day.isEmpty ? [] : own),
                                          attached: day.isEmpty ? [] : own))
                    }
                case .bias, .dark, .detectorFlat:
                    plans.append(Plan(kind: kind, spectrograph: spectrograph, obID: nil, frames: sources))
                case .trace:
                    for (ob, group) in Dictionary(grouping: sources, by: { $0.frame.obID ?? -1 }).sorted(by: { $0.key < $1.key }) {
                        plans.append(Plan(kind: kind, spectrograph: spectrograph, obID: ob == -1 ? nil : ob, frames: group))
                    }
                case .wave:
                    // Each OB's arcs give the absolute scale; the Fabry–Pérot frames of the same OB refine it, or,
                    // when the OB has none, those the night took on their own.
                    let arcs = sources.filter { $0.frame.kind == FrameKind.arc.rawValue }
                    let combs = sources.filter { $0.frame.kind == FrameKind.fp.rawValue }
                    let arcOBs = Set(arcs.map { $0.frame.obID ?? -1 })
                    for (ob, group) in Dictionary(grouping: arcs, by: { $0.frame.obID ?? -1 }).sorted(by: { $0.key < $1.key }) {
                        let own = combs.filter { ($0.frame.obID ?? -1) == ob }
                        let fps = own.isEmpty ? combs.filter { !arcOBs.contains($0.frame.obID ?? -1) } : own
                        plans.append(Plan(kind: kind, spectrograph: spectrograph, obID: ob == -1 ? nil : ob, frames: group + fps))
                    }
                }
            }
        }
        return plans
    }

    /// Makes and records one master; returns a line for the job's summary.
    private func make(_ plan: Plan) async throws(StageError) -> String {
        let config = context.configuration
        let name = plan.kind.rawValue + (plan.obID.map { "_ob\($0)" } ?? "") + ".fits"
        let relative = "\(config.paths.repository)/master/\(night.iso)/\(plan.spectrograph)/\(name)"
        let path = config.resolve(relative)
        // The masters this one is made with, chosen like a science frame's.
        let prerequisites: [CalibrationKind: CalibrationChoice]
        let prerequisitePaths: [CalibrationKind: String]
        do {
            (prerequisites, prerequisitePaths) = try await context.repository.pool.read { [planner, night] db in
                let chosen = try planner.choices(spectrograph: plan.spectrograph, night: night, obID: plan.obID, kinds: plan.kind.prerequisites, in: db)
                var paths: [CalibrationKind: String] = [:]
                for (k, c) in chosen { paths[k] = try String.fetchOne(db, sql: "SELECT path FROM products WHERE id = ?", arguments: [c.candidate.id]).map(config.resolve) }
                return (chosen, paths)
            }
        } catch {
            throw .retriable("choosing masters for \(relative): \(error)")
        }
        let missing = plan.kind.prerequisites.filter { $0.isRequired && prerequisites[$0] == nil }
        if !missing.isEmpty {
            try await log(.warning, "l1.master.skipped", "\(plan.spectrograph) \(plan.kind.rawValue) of \(night.iso) not made: no \(missing.map(\.rawValue).joined(separator: ", ")) master within reach")
            return "\(plan.spectrograph) \(plan.kind.rawValue): waiting for \(missing.map(\.rawValue).joined(separator: ", "))"
        }
        let framePaths = plan.frames.map { config.resolve($0.file.repoPath) }
        let attachedPaths = plan.attached.map { config.resolve($0.file.repoPath) }
        let frameKinds = plan.frames.map(\.frame.kind)
        let crosstalk = config.crosstalkCorrections(spectrograph: plan.spectrograph)
        let started = Date()
        let detail: String
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            detail = try await BlockingWork.run { () throws(FileProblem) -> String in
                try MasterMaking.make(plan.kind, frames: framePaths, frameKinds: frameKinds, prerequisites: prerequisitePaths,
                                      attached: attachedPaths, crosstalk: crosstalk, to: path)
            }
        } catch let problem as FileProblem {
            throw .fatal(problem.description)
        } catch {
            throw .retriable("writing \(relative): \(error)")
        }
        do {
            let sha = try await BlockingWork.sha256(of: path)
            let now = Date().timestamp
            let seconds = Date().timeIntervalSince(started)
            try await context.repository.pool.write { [job, night] db in
                let product = try Repository.replaceProduct(
                    Product(kind: "master_\(plan.kind.rawValue)", level: "l1", night: night.iso, path: relative, sha256: sha,
                            stageRunID: nil, createdAt: now),
                    inputFiles: plan.frames.map { $0.file.id! }, inputProducts: prerequisites.values.map(\.candidate.id).sorted(), in: db)
                try Repository.recordCalibration(productID: product.id!, kind: plan.kind, spectrograph: plan.spectrograph, night: night.iso,
                                                 obID: plan.obID, in: db)
                try Repository.log(Event(at: now, kind: "l1.master", stage: "l1", night: night.iso, sha256: sha, path: relative, jobID: job.id,
                                         message: "\(plan.spectrograph) \(plan.kind.category) from \(plan.frames.count) frame(s) in \(String(format: "%.1f", seconds)) s: \(relative)"
                                             + (detail.isEmpty ? "" : " (\(detail))")), in: db)
            }
        } catch {
            throw .retriable("recording \(relative): \(error)")
        }
        return "\(plan.spectrograph) \(plan.kind.rawValue) from \(plan.frames.count)"
    }

    private func log(_ level: Event.Level, _ kind: String, _ message: String) async throws(StageError) {
        do {
            try await context.repository.pool.write { [job, night] db in
                _ = try Repository.log(Event(level: level, kind: kind, stage: "l1", night: night.iso, jobID: job.id, message: message), in: db)
            }
        } catch {
            throw .retriable("logging: \(error)")
        }
    }
}
