import Foundation
import GRDB
import QMostCore
import QMostFITS
import QMostIngest
import QMostL1
import QMostStore

/// A `stacks:<night>` job, queued whenever an OB product of the night changes: the night stacks of objects seen in
/// more than one OB of the night (`repo/l1/<night>/stacks/`), the deep stacks of the night's objects seen on more
/// than one night (`repo/l1/deep/<RA hour>/`), and the night's container of all its spectra for L2
/// (`repo/l1/<night>/qmost_<YYYYMMDD>_nightspectra.fits`). Stacks no longer wanted are removed.
struct L1NightStacksJob {
    let context: StageContext
    let job: Job

    static let prefix = "stacks:"

    static func subject(night: String) -> String { prefix + night }

    /// One stack to make: its level, object, part, resolution and inputs.
    struct StackPlan {
        var level: StackLevel
        var objectKey: String
        var part: String
        var resolution: ResolutionMode
        var inputs: [Phase3Entry]
    }

    static func resolution(_ spectrograph: String) -> ResolutionMode { spectrograph.uppercased().hasPrefix("HRS") ? .high : .low }

    /// The night's OB products and, for deep stacks, every OB product of the night's objects.
    static func entries(night: String, in db: Database) throws -> (night: [Phase3Entry], deep: [Phase3Entry]) {
        let own = try Repository.phase3Entries(where: "q.night = ? AND q.stack = 'OB'", arguments: [night], in: db)
        let keys = Array(Set(own.map(\.phase3.objectKey)))
        var deep: [Phase3Entry] = []
        for chunk in stride(from: 0, to: keys.count, by: 500) {
            let part = Array(keys[chunk..<min(chunk + 500, keys.count)])
            deep += try Repository.phase3Entries(where: "q.stack = 'OB' AND q.object_key IN (\(part.map { _ in "?" }.joined(separator: ",")))",
                                                 arguments: StatementArguments(part), in: db)
        }
        return (own, deep)
    }

    /// What the job's products depend on: the OB products it reads.
    static func inputs(night: String, in db: Database) throws -> [String] {
        let (own, deep) = try entries(night: night, in: db)
        return Set((own + deep).map { "\($0.product.path)=\($0.product.sha256)" }).sorted()
    }

    static func plans(night: [Phase3Entry], deep: [Phase3Entry]) -> [StackPlan] {
        func groups(_ entries: [Phase3Entry]) -> [[Phase3Entry]] {
            Dictionary(grouping: entries) { "\($0.phase3.objectKey)|\($0.phase3.part)|\(resolution($0.phase3.spectrograph))" }
                .sorted { $0.key < $1.key }.map { $0.value.sorted { $0.product.path < $1.product.path } }
        }
        var out: [StackPlan] = []
        for g in groups(night) where Set(g.map { $0.phase3.obID ?? 0 }).count > 1 {
            out.append(StackPlan(level: .night, objectKey: g[0].phase3.objectKey, part: g[0].phase3.part,
                                 resolution: resolution(g[0].phase3.spectrograph), inputs: g))
        }
        for g in groups(deep) where Set(g.map(\.phase3.night)).count > 1 {
            out.append(StackPlan(level: .all, objectKey: g[0].phase3.objectKey, part: g[0].phase3.part,
                                 resolution: resolution(g[0].phase3.spectrograph), inputs: g))
        }
        return out
    }

    func run() async throws(StageError) -> StageResult {
        let nightText = String(job.subject.dropFirst(Self.prefix.count))
        guard let night = Night(nightText) else { throw .fatal("\(job.subject): not stacks:<night>") }
        let config = context.configuration
        let read: (pending: Int, own: [Phase3Entry], deep: [Phase3Entry])
        do {
            read = try await context.repository.pool.read { [job] db in
                // Reductions and OB products of the night still to come would change every stack: wait for them.
                let pending = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM jobs WHERE stage = 'l1' AND night = ? AND state IN ('pending', 'running') AND id != ?
                    AND subject NOT LIKE 'stacks:%'
                    """, arguments: [night.iso, job.id]) ?? 0
                let (own, deep) = try Self.entries(night: night.iso, in: db)
                return (pending, own, deep)
            }
        } catch {
            throw .retriable("reading the products of \(night.iso): \(error)")
        }
        if read.pending > 0 { return .waiting(reason: "\(read.pending) l1 job(s) of \(night.iso) still to finish", retryAfter: 10) }
        let plans = Self.plans(night: read.own, deep: read.deep)
        let registered: [ObservingBlockProducts.Identity]
        do {
            registered = try await context.repository.pool.write { db in
                try Repository.registerSpectra(plans.map { p in
                    SpectrumRegistration(night: night, obID: nil, spectrograph: p.resolution == .low ? "LRS" : "HRS", arm: p.part, stack: p.level,
                                         pipelineVersion: QMostVersion.current, inputs: p.inputs.map(\.phase3.specuid))
                }, in: db).map { ObservingBlockProducts.Identity(specuid: $0.specuid, provenance: $0.text) }
            }
        } catch {
            throw .retriable("registering the stacks of \(night.iso): \(error)")
        }
        let repo = config.paths.repository
        let targets: [String] = plans.map { p in
            let cname = p.inputs.last!.phase3.cname
            let part: Phase3SpectrumPart = p.part == "J" ? .joined : .arm(ArmName.allCases.first { Phase3SpectrumPart.arm($0).letter == p.part } ?? .blue)
            let name = TargetStacks.fileName(cname: cname, night: p.level == .night ? night : nil, resolution: p.resolution, part: part)!
            return p.level == .night ? "\(repo)/l1/\(night.iso)/stacks/\(name)" : "\(repo)/l1/deep/\(cname.prefix(2))/\(name)"
        }
        let container = "\(repo)/l1/\(night.iso)/\(NightSpectraFile.fileName(night: night))"
        let started = Date()
        let snrs: [Double]
        do {
            snrs = try await BlockingWork.run { () throws(FileProblem) -> [Double] in
                try plans.indices.map { i throws(FileProblem) in
                    let path = config.resolve(targets[i])
                    let folder = (path as NSString).deletingLastPathComponent
                    do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                        throw FileProblem(path: folder, problem: "cannot create the folder: \(error.localizedDescription)")
                    }
                    return try TargetStacks.write(inputs: plans[i].inputs.map { config.resolve($0.product.path) }, identity: registered[i],
                                                  level: plans[i].level, to: path)
                }
            }
        } catch let problem as FileProblem {
            throw .fatal(problem.description)
        } catch {
            throw .retriable("writing the stacks of \(night.iso): \(error)")
        }
        let containerInputs = read.own.filter { Self.resolution($0.phase3.spectrograph) == .high || $0.phase3.part == "J" }
        let blocks: [NightObservingBlock]
        do {
            blocks = try await context.repository.pool.read { db in try Self.observingBlocks(night: night, obIDs: Set(containerInputs.compactMap(\.phase3.obID)), config: config, in: db) }
        } catch {
            throw .retriable("reading the OBs of \(night.iso): \(error)")
        }
        if !containerInputs.isEmpty {
            do {
                try await BlockingWork.run { () throws(FileProblem) in
                    try NightContainer.write(config.resolve(container), night: night,
                                             inputs: containerInputs.map { (config.resolve($0.product.path), $0.product.sha256) }, blocks: blocks)
                }
            } catch let problem as FileProblem {
                throw .fatal(problem.description)
            } catch {
                throw .retriable("writing \(container): \(error)")
            }
        }
        let hashes: [String]
        do {
            hashes = try await BlockingWork.sha256(of: (targets + (containerInputs.isEmpty ? [] : [container])).map(config.resolve))
        } catch {
            throw .retriable("hashing the stacks of \(night.iso): \(error)")
        }
        let seconds = Date().timeIntervalSince(started)
        let stale: [String]
        do {
            stale = try await context.repository.pool.write { [job] db -> [String] in
                let now = Date().timestamp
                var kept: Set<Int64> = []
                for (i, p) in plans.enumerated() {
                    let product = try Repository.replaceProduct(
                        Product(kind: p.level == .night ? "l1_stack_night" : "l1_stack_deep", level: "l1", night: night.iso, path: targets[i],
                                sha256: hashes[i], stageRunID: nil, createdAt: now),
                        inputFiles: [], inputProducts: p.inputs.map(\.product.id!), in: db)
                    try Phase3Product(productID: product.id!, night: night.iso, obID: nil, spectrograph: p.resolution == .low ? "LRS" : "HRS",
                                      part: p.part, stack: p.level.rawValue, objectKey: p.objectKey, cname: p.inputs.last!.phase3.cname,
                                      specuid: registered[i].specuid, combined: p.inputs.reduce(0) { $0 + $1.phase3.combined }).save(db)
                    try Repository.attachSpectra([registered[i].specuid], toProduct: product.id!, in: db)
                    kept.insert(product.id!)
                }
                if !containerInputs.isEmpty {
                    _ = try Repository.replaceProduct(
                        Product(kind: "l1_night_spectra", level: "l1", night: night.iso, path: container, sha256: hashes.last!, stageRunID: nil, createdAt: now),
                        inputFiles: [], inputProducts: containerInputs.map(\.product.id!), in: db)
                }
                // Stacks of this night, and deep stacks of its objects, that no longer have the inputs to exist.
                let objects = Set(read.own.map(\.phase3.objectKey))
                let previous = try Repository.phase3Entries(where: "(q.stack = 'NIGHT' AND q.night = ?) OR q.stack = 'ALL'", arguments: [night.iso], in: db)
                    .filter { $0.phase3.stack == "NIGHT" || objects.contains($0.phase3.objectKey) }
                let removed = try Repository.deleteProducts(previous.map(\.product.id!).filter { !kept.contains($0) }, in: db)
                let nightly = plans.filter { $0.level == .night }.count
                try Repository.log(Event(at: now, kind: "l1.stacks", stage: "l1", night: night.iso, jobID: job.id,
                                         message: "\(night.iso): \(nightly) night stack(s), \(plans.count - nightly) deep stack(s)"
                                             + (containerInputs.isEmpty ? "" : ", \(containerInputs.count) spectra in \(container)")
                                             + " in \(String(format: "%.1f", seconds)) s" + (removed.isEmpty ? "" : "; \(removed.count) stale stack(s) removed")),
                                   in: db)
                return removed
            }
        } catch {
            throw .retriable("recording the stacks of \(night.iso): \(error)")
        }
        for path in stale { try? FileManager.default.removeItem(atPath: config.resolve(path)) }
        return .done(summary: "\(night.iso): \(plans.count) stack(s), container of \(containerInputs.count) spectra")
    }

    /// OBMETATAB rows from the OBs' raw science frames.
    static func observingBlocks(night: Night, obIDs: Set<Int64>, config: QMostCore.Configuration, in db: Database) throws -> [NightObservingBlock] {
        var out: [NightObservingBlock] = []
        for ob in obIDs.sorted() {
            let frames = try FrameRecord.filter(Column("night") == night.iso && Column("ob_id") == ob
                                                && [FrameKind.science.rawValue, FrameKind.standard.rawValue].contains(Column("kind")))
                .order(Column("mjd_obs")).fetchAll(db)
            guard let first = frames.first, let last = frames.last,
                  let firstFile = try FileRecord.fetchOne(db, key: first.fileID), let lastFile = try FileRecord.fetchOne(db, key: last.fileID) else { continue }
            let start = try? RawFrameReader.primaryHeader(config.resolve(firstFile.repoPath))
            let end = try? RawFrameReader.primaryHeader(config.resolve(lastFile.repoPath))
            // One exposure per spectrograph is one exposure of the OB.
            let exposures = Set(frames.map { $0.mjdObs ?? 0 }).count
            let exptime = first.exptime ?? 0
            out.append(NightObservingBlock(
                obID: ob, object: first.object ?? "", ra: start?.double("RA") ?? 0, dec: start?.double("DEC") ?? 0,
                mjdStart: first.mjdObs ?? 0, mjdEnd: (last.mjdObs ?? 0) + (last.exptime ?? 0) / 86_400, exposureTime: exptime,
                totalExposureTime: exptime * Double(exposures), exposures: exposures,
                airmassStart: start?.double("ESO TEL AIRM START") ?? 0, airmassEnd: end?.double("ESO TEL AIRM END") ?? 0,
                programme: start?.string("ESO OBS PROG ID") ?? ""))
        }
        return out
    }
}
