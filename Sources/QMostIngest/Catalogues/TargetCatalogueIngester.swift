import Foundation
import QMostCore
import QMostStore
#if canImport(Glibc)
import Glibc
#endif

/// What one `targets ingest` did.
public struct CatalogueOutcome: Sendable {
    /// The catalogue id, new or (when the same file was ingested before) the earlier one.
    public var catalogueID: Int64
    public var alreadyIngested: Bool
    public var rows: Int
    public var newTargets: Int
    public var updatedTargets: Int
    public var unchangedTargets: Int
    public var rejects: [CatalogueReject]
    public var newObjects: Int
    public var merges: [ObjectMerge]
    public var notes: [String]
    /// Seconds spent reading, linking and writing.
    public var timings: (read: Double, link: Double, write: Double)
}

/// A step of a catalogue ingest, for progress displays.
public enum CatalogueProgress: Sendable {
    case reading
    case read(rows: Int)
    case linking(ResolutionMode, done: Int, of: Int)
    case writing(done: Int, of: Int)
}

/// Loads a target catalogue: reads and checks it, assigns TARG_IDs (stable per survey and NAME), runs the
/// shared-target procedure per resolution mode, keeps the file under `repo/catalogues/` and commits it all in
/// one transaction, so a catalogue that fails as a whole changes nothing (seed §11.2).
public struct TargetCatalogueIngester: Sendable {
    public let configuration: QMostCore.Configuration
    public let repository: Repository

    public init(configuration: QMostCore.Configuration, repository: Repository) {
        self.configuration = configuration
        self.repository = repository
    }

    public func ingest(
        path: String, survey: String, columns: Configuration.Targets.Columns? = nil,
        progress: @escaping (CatalogueProgress) -> Void = { _ in }
    ) throws(CatalogueError) -> CatalogueOutcome {
        let columns = columns ?? configuration.targets.columns
        guard !survey.isEmpty, survey.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw CatalogueError(path, "survey name '\(survey)' must be letters, digits, '_', '-' or '.'")
        }
        let sha: String
        do { sha = try ContentHasher.sha256(path: path).hex } catch { throw CatalogueError(path, "\(error)") }
        let snapshot: CatalogueSnapshot
        do { snapshot = try repository.catalogueSnapshot(survey: survey, sha256: sha) } catch {
            throw CatalogueError(path, "reading the repository: \(error)")
        }
        if let earlier = snapshot.alreadyIngested {
            return CatalogueOutcome(catalogueID: earlier, alreadyIngested: true, rows: 0, newTargets: 0, updatedTargets: 0,
                                    unchangedTargets: 0, rejects: [], newObjects: 0, merges: [], notes: [],
                                    timings: (0, 0, 0))
        }

        let started = Date()
        progress(.reading)
        let reading = try TargetCatalogueReader.read(path: path, columns: columns)
        progress(.read(rows: reading.rowCount))
        let readSeconds = Date().timeIntervalSince(started)

        var plan = try plan(reading, snapshot: snapshot, path: path, progress: progress)
        let linkSeconds = Date().timeIntervalSince(started) - readSeconds

        // Keep the catalogue itself: the repository must be able to show where every target came from.
        let name = (path as NSString).lastPathComponent
        let folder = configuration.resolve("\(configuration.paths.repository)/catalogues/\(survey)")
        let kept = (folder as NSString).appendingPathComponent("\(sha.prefix(12))_\(name)")
        let existedBefore = FileManager.default.fileExists(atPath: kept)
        do { _ = try FilePlacement.place(path, at: kept, keepSource: true) } catch { throw CatalogueError(path, "keeping a copy: \(error)") }
        plan.repoPath = configuration.relativePath(kept)
        plan.sha256 = sha
        plan.originalName = name
        plan.survey = survey
        plan.columnsJSON = (try? String(decoding: JSONEncoder().encode(columns), as: UTF8.self)) ?? "{}"

        let id: Int64
        do {
            id = try repository.commitCatalogue(plan) { done, total in progress(.writing(done: done, of: total)) }
        } catch {
            if !existedBefore { unlink(kept) }
            throw CatalogueError(path, "\(error)")
        }
        let writeSeconds = Date().timeIntervalSince(started) - readSeconds - linkSeconds
        return CatalogueOutcome(
            catalogueID: id, alreadyIngested: false, rows: reading.rowCount, newTargets: plan.newTargets.count,
            updatedTargets: plan.updatedTargets.count, unchangedTargets: plan.unchangedTargets, rejects: plan.rejects,
            newObjects: plan.newObjects.count, merges: plan.merges, notes: reading.notes,
            timings: (readSeconds, linkSeconds, writeSeconds))
    }

    /// Sorts rows into new, updated and unchanged targets, links them and assigns ids.
    private func plan(
        _ reading: CatalogueReading, snapshot: CatalogueSnapshot, path: String, progress: @escaping (CatalogueProgress) -> Void
    ) throws(CatalogueError) -> CatalogueCommit {
        let radius = configuration.targets.linkRadiusArcseconds
        var rejects = reading.rejects
        var newRows: [CatalogueRow] = [], updated: [(CatalogueRow, StoredTarget)] = []
        var unchanged = 0
        for row in reading.rows {
            guard let known = snapshot.surveyTargets[row.name] else { newRows.append(row); continue }
            if known.resolution != row.resolution {
                rejects.append(CatalogueReject(row: row.row, name: row.name, reason:
                    "target \(known.targID) was catalogued as \(known.resolution) and is now \(row.resolution); a target cannot change resolution mode — give it a new NAME"))
                continue
            }
            if known.astrometry == row.astrometry && known.mag == row.mag && known.magType == row.magType {
                unchanged += 1
                continue
            }
            let moved = known.reference.separation(to: row.astrometry.referencePosition) * 3600
            if moved > radius {
                rejects.append(CatalogueReject(row: row.row, name: row.name, reason: String(
                    format: "target %lld would move %.3f\" at epoch 2016.0, more than the %.3f\" link radius; objects never split, so a moved target needs a new NAME",
                    known.targID, moved, radius)))
                continue
            }
            updated.append((row, known))
        }
        rejects.sort { $0.row < $1.row }
        guard !newRows.isEmpty || !updated.isEmpty || unchanged > 0 else {
            let sample = rejects.prefix(3).map { "row \($0.row): \($0.reason)" }.joined(separator: "; ")
            throw CatalogueError(path, reading.rowCount == 0 ? "the table has no rows" : "no row could be loaded (\(sample))")
        }

        // TARG_IDs follow the catalogue's row order.
        let newTargIDs = newRows.indices.map { IdentifierSpace.targetID(serial: snapshot.nextTargetSerial + Int64($0)) }
        var newTargets: [StoredTarget] = [], updatedTargets: [StoredTarget] = [], newObjects: [NewObject] = []
        var merges: [ObjectMerge] = []
        for mode in ResolutionMode.allCases {
            let modeNewIndices = newRows.indices.filter { newRows[$0].resolution == mode }
            let modeNew = modeNewIndices.map { newRows[$0] }
            let modeUpdated = updated.filter { $0.0.resolution == mode }
            guard !modeNew.isEmpty || !modeUpdated.isEmpty else { continue }
            let linked: [SharedTargetLinker.Linked]
            do { linked = try repository.linkedTargets(mode: mode) } catch { throw CatalogueError(path, "reading linked targets: \(error)") }
            let references = modeNew.map(\.astrometry.referencePosition) + modeUpdated.map(\.0.astrometry.referencePosition)
            let incoming = references.enumerated().map { i, p in
                SharedTargetLinker.Incoming(position: p, objectID: i < modeNew.count ? nil : modeUpdated[i - modeNew.count].1.objectID)
            }
            let total = incoming.count
            let cnames = (modeNew.map(\.astrometry.position) + modeUpdated.map(\.0.astrometry.position)).map(CoordinateName.cname)
            let result = SharedTargetLinker.link(incoming: incoming, linked: linked, radiusArcseconds: radius) { done in
                progress(.linking(mode, done: done, of: total))
            }
            let targIDs: [Int64] = modeNewIndices.map { newTargIDs[$0] } + modeUpdated.map(\.1.targID)
            let firstObject = snapshot.nextObjectSerial[mode] ?? 1
            let objectIDs = result.newObjects.indices.map { IdentifierSpace.objectID(serial: firstObject + Int64($0), mode: mode) }
            for (k, founder) in result.newObjects.enumerated() {
                newObjects.append(NewObject(
                    objectID: objectIDs[k], resolution: mode, reference: references[founder],
                    cname: cnames[founder],
                    iauName: CoordinateName.iauName(referencePosition: references[founder]), founderTargID: targIDs[founder]))
            }
            for (i, assignment) in result.assignments.enumerated() {
                let row = i < modeNew.count ? modeNew[i] : modeUpdated[i - modeNew.count].0
                let object: Int64
                switch assignment {
                case .existing(let id): object = id
                case .new(let k): object = objectIDs[k]
                }
                let target = StoredTarget(
                    targID: targIDs[i], name: row.name, resolution: mode, astrometry: row.astrometry, mag: row.mag,
                    magType: row.magType, reference: references[i], cname: cnames[i], objectID: object)
                if i < modeNew.count { newTargets.append(target) } else { updatedTargets.append(target) }
            }
            merges += result.merges.map { ObjectMerge(absorbed: $0.absorbed, survivor: $0.survivor, bridgingTargID: targIDs[$0.bridgingTarget]) }
        }
        return CatalogueCommit(
            survey: "", generation: snapshot.generation, sha256: "", originalName: "", repoPath: "", hdu: reading.hdu,
            columnsJSON: "{}", linkRadiusArcseconds: radius, rows: reading.rowCount, rejects: rejects,
            newTargets: newTargets, updatedTargets: updatedTargets, unchangedTargets: unchanged, newObjects: newObjects,
            merges: merges)
    }
}
