import Foundation
import GRDB
import QMostCore
import QMostFITS
import QMostStore
#if canImport(Glibc)
import Glibc
#endif

/// The ingest stage: proves a file whole, hashes it, classifies it and records it, or quarantines it.
///
/// Order matters for crash safety: the repository gets its name for the bytes (hard link) before the
/// database records it, and the spool name goes only after the commit. A crash at any point leaves the
/// spool copy in place, and ingesting it again completes or recognises the earlier attempt.
public struct Ingester: Sendable {
    public let configuration: QMostCore.Configuration
    public let repository: Repository

    /// Work committed in the same transaction as an accepted file (the engine enqueues successor stages).
    public typealias Followups = @Sendable (_ db: Database, _ facts: FrameFacts, _ now: Timestamp) throws -> Void

    public init(configuration: QMostCore.Configuration, repository: Repository) {
        self.configuration = configuration
        self.repository = repository
    }

    public func ingest(path: String, source: IngestSource, jobID: Int64? = nil, now: Date = Date(),
                       followups: Followups? = nil) throws(IngestError) -> IngestOutcome {
        let t = now.timestamp
        guard let before = FileIdentity.of(path) else { return .vanished }
        guard before.isRegular else {
            return try quarantine(path, reason: "not a regular file", sha256: nil, source: source, jobID: jobID, now: t)
        }
        let name = (path as NSString).lastPathComponent
        switch FileIdentity.writerState(path) {
        case .writing:
            return try waitOrGiveUp(path, identity: before, reason: "still open for writing", source: source, jobID: jobID, now: t)
        case .unknown where before.age(now: t) < configuration.watch.settleSeconds:
            // Without a lease a writer between two HDUs is invisible; only time since the last change tells.
            return .waiting(reason: "changed \(String(format: "%.1f", before.age(now: t))) s ago; settling",
                            retryAfter: configuration.watch.settleSeconds - before.age(now: t) + 0.05)
        case .none, .unknown:
            break
        }

        let validation: FITSValidation
        switch FITSValidator.inspect(path: path, verifyChecksums: configuration.ingest.verifyChecksums) {
        case .complete(let v): validation = v
        case .incomplete(let reason, _):
            return try waitOrGiveUp(path, identity: before, reason: reason, source: source, jobID: jobID, now: t)
        case .invalid(let reason):
            return try quarantine(path, reason: "not a valid FITS file: \(reason)", sha256: nil, source: source, jobID: jobID, now: t)
        }

        let (sha, bytes) = try ContentHasher.sha256(path: path)
        guard bytes == before.size, FileIdentity.of(path) == before else {
            return .waiting(reason: "file changed while it was being read", retryAfter: configuration.watch.incompleteRecheckSeconds)
        }

        if let existing = try lookup(sha256: sha) {
            return try acknowledgeDuplicate(path, of: existing, sha256: sha, source: source, jobID: jobID, now: t)
        }

        let header = HeaderFacts(headers: validation.headers)
        let night: Night
        switch configuration.night.night(for: header) {
        case .success(let n): night = n
        case .failure(let e): return try quarantine(path, reason: e.description, sha256: sha, source: source, jobID: jobID, now: t)
        }
        let classification = source == .dxu
            ? Classification(kind: .dxu, rule: "dropped in spool/dxu")
            : configuration.classifier.classify(header)
        let facts = FrameFacts(kind: classification.kind, rule: classification.rule, night: night, header: header,
                               keywords: configuration.frameKeywords)

        // Read before the bytes are placed, so a table that cannot be recorded leaves no repository name behind.
        let fibres: [FibreRecord]?
        do { fibres = try FibinfoReader.read(path: path, hdus: validation.hdus) } catch {
            return try quarantine(path, reason: error.description, sha256: sha, source: source, jobID: jobID, now: t)
        }

        // Place the bytes in the repository under the night. A name held by other bytes gets a content-hash
        // suffix; a name already holding these bytes is an earlier attempt interrupted before its commit.
        let folder = configuration.resolve("\(configuration.paths.repository)/\(source.repositoryFolder)/\(night.iso)")
        let destination = try FilePlacement.placeUnderFreeName(path, in: folder, name: name, suffix: String(sha.prefix(8)),
                                                               keepSource: source == .cli)
        guard FileIdentity.of(path) == before else {
            if source != .cli, let placed = FileIdentity.of(destination), placed.inode == before.inode { unlink(destination) }
            return .waiting(reason: "file changed while it was being ingested", retryAfter: configuration.watch.incompleteRecheckSeconds)
        }

        let relative = configuration.relativePath(destination)
        let recordedAt = Date().timestamp  // the event's time is when the file is recorded, not when we began
        let checksum = validation.hdus.contains { $0.checksum == .absent } ? "absent"
            : (configuration.ingest.verifyChecksums ? "valid" : "not verified")
        // Another worker may have recorded the same bytes under another name since the lookup above. Writers are
        // serialised, so looking again inside the transaction is race-free: the loser removes its repository name
        // and acknowledges a duplicate, where the UNIQUE constraint would fail it and leave that name orphaned.
        let winner: FileRecord?
        do {
            winner = try repository.pool.write { db -> FileRecord? in
                if let existing = try FileRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM files WHERE sha256 = ?"),
                                                          arguments: [sha]) { return existing }
                var file = FileRecord(sha256: sha, size: bytes, originalName: name, spoolPath: path, repoPath: relative,
                                      source: source.rawValue, ingestedAt: recordedAt)
                try file.insert(db)
                try FrameRecord(fileID: file.id!, facts: facts, hdus: validation.hdus.count, checksum: checksum).insert(db)
                if let fibres { try Repository.recordFibinfo(fileID: file.id!, fibres: fibres, in: db) }
                try Repository.touchNight(night.iso, at: recordedAt, in: db)
                try Repository.log(Event(at: recordedAt, kind: "ingested", stage: "ingest", night: night.iso, sha256: sha,
                                         path: relative, jobID: jobID,
                                         message: "ingested \(name) as \(facts.kind.rawValue) (rule \(facts.rule)) for night \(night.iso)"
                                             + (fibres.map { ", FIBINFO \($0.count) fibres" } ?? "")),
                                   in: db)
                try followups?(db, facts, recordedAt)
                return nil
            }
        } catch {
            // Nothing was recorded: take back the repository name, so a job that dies here leaves no orphan.
            // The spool copy is untouched and a retry places it again.
            if let placed = FileIdentity.of(destination), source == .cli || placed.inode == before.inode { unlink(destination) }
            throw .database("recording \(name): \(error)")
        }
        if let winner {
            if winner.repoPath != relative { unlink(destination) }
            return try acknowledgeDuplicate(path, of: winner, sha256: sha, source: source, jobID: jobID, now: recordedAt)
        }
        if source != .cli { removeSpoolFile(path) }
        return .accepted(sha256: sha, repoPath: relative, kind: facts.kind, night: night, rule: facts.rule)
    }

    // MARK: - Outcomes other than acceptance

    private func lookup(sha256: String) throws(IngestError) -> FileRecord? {
        do { return try repository.file(sha256: sha256) } catch { throw .database("\(error)") }
    }

    private func acknowledgeDuplicate(_ path: String, of existing: FileRecord, sha256: String, source: IngestSource,
                                      jobID: Int64?, now: Timestamp) throws(IngestError) -> IngestOutcome {
        let existingAbsolute = configuration.resolve(existing.repoPath)
        let sameInode = FileIdentity.of(existingAbsolute).map { e in FileIdentity.of(path).map { $0.inode == e.inode } ?? false } ?? false
        let message = sameInode
            ? "\((path as NSString).lastPathComponent) was already recorded as \(existing.repoPath) before a restart; spool copy removed"
            : "duplicate of \(existing.repoPath) (ingested \(Date(timeIntervalSince1970: existing.ingestedAt))); "
                + (source == .cli ? "not stored twice" : "removed from the spool, not stored twice")
        do {
            try repository.log(Event(at: now, level: sameInode ? .info : .warning, kind: sameInode ? "ingest.completed" : "duplicate",
                                     stage: "ingest", sha256: sha256, path: path, jobID: jobID, message: message))
        } catch { throw .database("\(error)") }
        if source != .cli { removeSpoolFile(path) }
        return .duplicate(sha256: sha256, existingRepoPath: existing.repoPath)
    }

    private func waitOrGiveUp(_ path: String, identity: FileIdentity, reason: String, source: IngestSource,
                              jobID: Int64?, now: Timestamp) throws(IngestError) -> IngestOutcome {
        let age = identity.age(now: now)
        let grace = configuration.watch.incompleteGraceSeconds
        if age < grace {
            return .waiting(reason: reason, retryAfter: min(configuration.watch.incompleteRecheckSeconds, max(grace - age, 0.05)))
        }
        return try quarantine(path, reason: "incomplete \(Int(age)) s after its last change: \(reason)", sha256: nil,
                              source: source, jobID: jobID, now: now)
    }

    /// Moves a rejected file to the quarantine with `<name>.reason.txt` beside it, records it, and alerts.
    public func quarantine(_ path: String, reason: String, sha256: String?, source: IngestSource, jobID: Int64?,
                           now: Timestamp) throws(IngestError) -> IngestOutcome {
        let name = (path as NSString).lastPathComponent
        let qdir = configuration.quarantinePath
        try FilePlacement.makeDirectories(qdir)
        let target = FilePlacement.freeName(in: qdir, for: name, suffix: String(Int(now)))
        let reasonText = """
            file: \(path)
            quarantined: \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: now)))
            reason: \(reason)
            \(sha256.map { "sha256: \($0)\n" } ?? "")
            """
        // The reason is written first, so a quarantined file is never without its explanation.
        do { try reasonText.write(toFile: target + ".reason.txt", atomically: true, encoding: .utf8) } catch {
            throw .io(path: target + ".reason.txt", operation: "write", errno: EIO)
        }
        if source == .cli {
            try FilePlacement.copy(path, to: target)
        } else if rename(path, target) != 0 {
            let e = errno
            if e == ENOENT { unlink(target + ".reason.txt"); return .vanished }
            if e == EXDEV { try FilePlacement.copy(path, to: target); unlink(path) } else {
                throw .io(path: path, operation: "move to quarantine", errno: e)
            }
        }
        FilePlacement.syncDirectory(of: target)
        do {
            try recordQuarantine(original: path, quarantined: target, reason: reason, sha256: sha256, jobID: jobID, now: now)
        } catch { throw .database("\(error)") }
        return .quarantined(reason: reason, quarantinePath: configuration.relativePath(target))
    }

    /// Records a quarantined file, its event and its alert in one transaction.
    public func recordQuarantine(original: String, quarantined: String, reason: String, sha256: String?,
                                 jobID: Int64?, now: Timestamp) throws {
        let name = (original as NSString).lastPathComponent
        try repository.pool.write { db in
            var record = QuarantineRecord(originalPath: original, quarantinePath: configuration.relativePath(quarantined), reason: reason,
                                          sha256: sha256, at: now)
            try record.insert(db)
            try Repository.log(Event(at: now, level: .error, kind: "quarantined", stage: "ingest", sha256: sha256,
                                     path: original, jobID: jobID, message: "quarantined \(name): \(reason)"), in: db)
            try Repository.raiseAlert(
                cause: "quarantine:\(original)", subject: "[qmostd] quarantined \(name)",
                body: """
                    The file \(original) was rejected and moved to \(configuration.relativePath(quarantined)).

                    Reason: \(reason)

                    The reason is also in \(configuration.relativePath(quarantined)).reason.txt. Fix the file and drop it into the spool again.
                    """,
                window: configuration.alerts.dedupWindowSeconds, now: now, in: db)
        }
    }

    /// Removes the spool name. No directory fsync: if a power cut undoes the unlink, the file reappears in the
    /// spool and is recognised as already ingested, so durability here would cost time and buy nothing.
    private func removeSpoolFile(_ path: String) {
        unlink(path)
    }
}
