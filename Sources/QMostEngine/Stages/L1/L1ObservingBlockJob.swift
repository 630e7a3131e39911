import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostL1
import QMostStore

/// An `ob:<night>/<spectrograph>/<OB id>` job: the Phase 3 products of one OB (``ObservingBlockProducts``), made
/// again whenever one of its exposures is reduced (a new exposure or a better master), into
/// `repo/l1/<night>/singlespec/`; each file is recorded as a product whose inputs are the exposures' L1 spectra,
/// and each spectrum gets its SPECUID. Then the night's stacks are queued.
struct L1ObservingBlockJob {
    let context: StageContext
    let job: Job

    static let prefix = "ob:"

    /// The subject of the products job of an OB.
    static func subject(night: String, spectrograph: String, obID: Int64?) -> String { "\(prefix)\(night)/\(spectrograph)/\(obID ?? 0)" }

    /// The night, spectrograph and OB id a subject names.
    static func parse(_ subject: String) -> (night: Night, spectrograph: String, obID: Int64)? {
        let parts = subject.dropFirst(prefix.count).split(separator: "/").map(String.init)
        guard parts.count == 3, let night = Night(parts[0]), let ob = Int64(parts[2]) else { return nil }
        return (night, parts[1], ob)
    }

    /// One reduced exposure of the OB, as the store has it.
    struct Reduced {
        var file: FileRecord
        var product: Product
        var calibrations: [CalibrationKind: String]
    }

    /// The OB's science exposures and, for those reduced, their L1 spectra; `pending` counts those still waiting
    /// for a live reduction job.
    static func exposures(night: Night, spectrograph: String, obID: Int64, in db: Database) throws -> (reduced: [Reduced], pending: Int) {
        let frames = try FrameRecord.filter(Column("night") == night.iso && Column("spectrograph") == spectrograph
                                            && [FrameKind.science.rawValue, FrameKind.standard.rawValue].contains(Column("kind"))).fetchAll(db)
            .filter { ($0.obID ?? 0) == obID }
        var reduced: [Reduced] = [], pending = 0
        for frame in frames {
            guard let file = try FileRecord.fetchOne(db, key: frame.fileID) else { continue }
            let live = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE stage = 'l1' AND subject = ? AND state IN ('pending', 'running')",
                                        arguments: [L1Stage.reductionSubject(file.repoPath)]) ?? 0
            if live > 0 { pending += 1 }
            guard let reduction = try Repository.reduction(fileID: frame.fileID, in: db) else { continue }
            reduced.append(Reduced(file: file, product: reduction.product,
                                   calibrations: Dictionary(reduction.calibrations.map { ($0.kind, $0.product.path) }, uniquingKeysWith: { a, _ in a })))
        }
        return (reduced.sorted { $0.file.repoPath < $1.file.repoPath }, pending)
    }

    /// What the products depend on: each exposure's L1 spectra.
    static func inputs(_ reduced: [Reduced]) -> [String] { reduced.map { "\($0.file.id!)=\($0.product.sha256)" } }

    func run() async throws(StageError) -> StageResult {
        guard let (night, spectrograph, obID) = Self.parse(job.subject) else { throw .fatal("\(job.subject): not ob:<night>/<spectrograph>/<OB id>") }
        let config = context.configuration
        let found: (reduced: [Reduced], pending: Int)
        do {
            found = try await context.repository.pool.read { db in try Self.exposures(night: night, spectrograph: spectrograph, obID: obID, in: db) }
        } catch {
            throw .retriable("reading OB \(obID) of \(night.iso): \(error)")
        }
        // Products of part of an OB would be made again at once: wait for its reductions.
        if found.pending > 0 { return .waiting(reason: "\(found.pending) exposure(s) of OB \(obID) are still being reduced", retryAfter: 5) }
        guard !found.reduced.isEmpty else { return .done(summary: "OB \(obID) of \(night.iso) \(spectrograph): no reduced exposure") }
        let used = Self.inputs(found.reduced)
        let exposures = found.reduced.map { r in
            ObservingBlockProducts.Exposure(raw: config.resolve(r.file.repoPath), spectra: config.resolve(r.product.path),
                                            wavelengthSolutions: r.calibrations[.wave].map(config.resolve),
                                            traces: r.calibrations[.trace].map(config.resolve),
                                            fibreFlat: r.calibrations[.fibreFlatField].map(config.resolve))
        }
        let plan: ObservingBlockProducts.Plan
        do {
            plan = try await BlockingWork.run { () throws(FileProblem) in try ObservingBlockProducts.plan(night: night, obID: obID, exposures: exposures) }
        } catch {
            throw .fatal(error.description)
        }
        guard !plan.exposures.isEmpty, !plan.targets.isEmpty else {
            let why = plan.exposures.isEmpty ? "no flux-calibrated exposure (\(plan.uncalibrated.joined(separator: ", ")))" : "no target fibres"
            try await log(.warning, "l1.products.skipped", night, "OB \(obID) \(spectrograph) of \(night.iso): no Phase 3 products: \(why)")
            return .done(summary: "OB \(obID) \(spectrograph): \(why)")
        }
        let fileIDs = Dictionary(found.reduced.map { (config.resolve($0.product.path), $0) }, uniquingKeysWith: { a, _ in a })
        let reducedOf = plan.exposures.map { fileIDs[$0.spectra]! }
        // SPECUIDs: one per exposure, fibre and arm; the OB stack of each arm combines those; the joined one the arms.
        let identities: [String: ObservingBlockProducts.Identity]
        do {
            identities = try await context.repository.pool.write { db in
                try Self.register(plan, reduced: reducedOf, spectrograph: spectrograph, in: db)
            }
        } catch {
            throw .retriable("registering the spectra of OB \(obID): \(error)")
        }
        let relativeFolder = "\(config.paths.repository)/l1/\(night.iso)/singlespec"
        let folder = config.resolve(relativeFolder)
        let started = Date()
        let written: [ObservingBlockProducts.Written]
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            written = try await BlockingWork.run { () throws(FileProblem) in
                try ObservingBlockProducts.write(plan, identity: { t, part in identities[Self.key(t, part)]! }, into: folder)
            }
        } catch let problem as FileProblem {
            throw .fatal(problem.description)
        } catch {
            throw .retriable("writing the products of OB \(obID): \(error)")
        }
        let records: [(ObservingBlockProducts.Written, String)]
        do {
            records = Array(zip(written, try await BlockingWork.sha256(of: written.map(\.path))))
        } catch {
            throw .retriable("hashing the products of OB \(obID): \(error)")
        }
        let seconds = Date().timeIntervalSince(started)
        let outcome: (stale: [String], changed: Bool)
        do {
            outcome = try await context.repository.pool.write { [job, context] db -> ([String], Bool) in
                // A reduction finished while these were made: make them again with it rather than record old ones.
                let now = try Self.exposures(night: night, spectrograph: spectrograph, obID: obID, in: db)
                guard Self.inputs(now.reduced) == used else { return ([], true) }
                let time = Date().timestamp
                var kept: Set<Int64> = []
                for (w, sha) in records {
                    let target = plan.targets[w.target]
                    let contributing = target.exposures.map { reducedOf[$0] }
                    let relative = relativeFolder + "/" + (w.path as NSString).lastPathComponent
                    let product = try Repository.replaceProduct(
                        Product(kind: "l1_phase3", level: "l1", night: night.iso, path: relative, sha256: sha, stageRunID: nil, createdAt: time),
                        inputFiles: contributing.map { $0.file.id! }, inputProducts: contributing.map { $0.product.id! }, in: db)
                    let identity = identities[Self.key(w.target, w.part)]!
                    try Phase3Product(productID: product.id!, night: night.iso, obID: obID, spectrograph: spectrograph, part: w.part.letter,
                                      stack: StackLevel.ob.rawValue, objectKey: target.target.stackingKey, cname: target.target.cname,
                                      specuid: identity.specuid, combined: target.exposures.count).save(db)
                    try Repository.attachSpectra([identity.specuid], toProduct: product.id!, in: db)
                    kept.insert(product.id!)
                }
                let previous = try Repository.phase3Entries(where: "q.night = ? AND q.spectrograph = ? AND q.ob_id = ? AND q.stack = 'OB'",
                                                            arguments: [night.iso, spectrograph, obID], in: db)
                let stale = try Repository.deleteProducts(previous.map(\.product.id!).filter { !kept.contains($0) }, in: db)
                try JobQueue.enqueue(context.scheduler.request(.l1, subject: L1NightStacksJob.subject(night: night.iso), night: night.iso, now: time),
                                     now: time, in: db)
                var note = plan.uncalibrated.isEmpty ? "" : "; left out, not flux-calibrated: \(plan.uncalibrated.joined(separator: ", "))"
                if !plan.repeatedCNAMEs.isEmpty {
                    note += "; fibres left out, their CNAME already on another fibre (spectra in the L1 files only): "
                        + plan.repeatedCNAMEs.map { "FIB_ID \($0.left) (as \($0.kept))" }.joined(separator: ", ")
                }
                try Repository.log(Event(at: time, level: plan.repeatedCNAMEs.isEmpty ? .info : .warning, kind: "l1.products", stage: "l1",
                                         night: night.iso, path: relativeFolder, jobID: job.id,
                                         message: "OB \(obID) \(spectrograph): \(records.count) Phase 3 files for \(plan.targets.count) targets from \(plan.exposures.count) exposure(s) in \(String(format: "%.1f", seconds)) s\(note)"),
                                   in: db)
                return (stale, false)
            }
        } catch {
            throw .retriable("recording the products of OB \(obID): \(error)")
        }
        if outcome.changed { return .waiting(reason: "an exposure of OB \(obID) was reduced meanwhile", retryAfter: 1) }
        for path in outcome.stale { try? FileManager.default.removeItem(atPath: config.resolve(path)) }
        context.scheduler.doorbell.ring()
        return .done(summary: "OB \(obID) \(spectrograph): \(records.count) Phase 3 files, \(plan.targets.count) targets, \(plan.exposures.count) exposure(s)")
    }

    static func key(_ target: Int, _ part: Phase3SpectrumPart) -> String { "\(target)/\(part.letter)" }

    /// Registers every spectrum of the plan; the identities of its products by ``key(_:_:)``.
    static func register(_ plan: ObservingBlockProducts.Plan, reduced: [Reduced], spectrograph: String,
                         in db: Database) throws -> [String: ObservingBlockProducts.Identity] {
        let version = QMostVersion.current
        func ids(_ t: FibreTarget) -> (Int64?, Int64?) { (t.targetID > 0 ? t.targetID : nil, t.objectUID > 0 ? t.objectUID : nil) }
        var exposureRegs: [SpectrumRegistration] = []
        for target in plan.targets {
            let (targ, obj) = ids(target.target)
            for e in target.exposures {
                for arm in plan.arms {
                    exposureRegs.append(SpectrumRegistration(night: plan.night, obID: plan.obID, spectrograph: spectrograph, arm: Phase3SpectrumPart.arm(arm).letter,
                                                             stack: .exposure, pipelineVersion: version, exposureFileID: reduced[e].file.id,
                                                             fibre: target.target.fibre.fibreID, targID: targ, uObjID: obj))
                }
            }
        }
        let exposureIDs = try Repository.registerSpectra(exposureRegs, in: db).map(\.specuid)
        var out: [String: ObservingBlockProducts.Identity] = [:]
        var cursor = 0
        var armRegs: [SpectrumRegistration] = []
        for target in plan.targets {
            let (targ, obj) = ids(target.target)
            var perArm: [[Int64]] = Array(repeating: [], count: plan.arms.count)
            for _ in target.exposures {
                for a in plan.arms.indices {
                    perArm[a].append(exposureIDs[cursor])
                    cursor += 1
                }
            }
            for (a, arm) in plan.arms.enumerated() {
                armRegs.append(SpectrumRegistration(night: plan.night, obID: plan.obID, spectrograph: spectrograph, arm: Phase3SpectrumPart.arm(arm).letter,
                                                    stack: .ob, pipelineVersion: version, inputs: perArm[a], targID: targ, uObjID: obj))
            }
        }
        let armIDs = try Repository.registerSpectra(armRegs, in: db)
        var joinedRegs: [SpectrumRegistration] = [], joinedTargets: [Int] = []
        for (t, target) in plan.targets.enumerated() {
            let (targ, obj) = ids(target.target)
            let mine = armIDs[(t * plan.arms.count)..<((t + 1) * plan.arms.count)]
            for (arm, p) in zip(plan.arms, mine) { out[key(t, .arm(arm))] = ObservingBlockProducts.Identity(specuid: p.specuid, provenance: p.text) }
            if plan.parts.contains(.joined) {
                joinedRegs.append(SpectrumRegistration(night: plan.night, obID: plan.obID, spectrograph: spectrograph, arm: Phase3SpectrumPart.joined.letter,
                                                       stack: .ob, pipelineVersion: version, inputs: mine.map(\.specuid), targID: targ, uObjID: obj))
                joinedTargets.append(t)
            }
        }
        for (t, p) in zip(joinedTargets, try Repository.registerSpectra(joinedRegs, in: db)) {
            out[key(t, .joined)] = ObservingBlockProducts.Identity(specuid: p.specuid, provenance: p.text)
        }
        return out
    }

    private func log(_ level: Event.Level, _ kind: String, _ night: Night, _ message: String) async throws(StageError) {
        do {
            try await context.repository.pool.write { [job] db in
                _ = try Repository.log(Event(level: level, kind: kind, stage: "l1", night: night.iso, jobID: job.id, message: message), in: db)
            }
        } catch {
            throw .retriable("logging: \(error)")
        }
    }
}
