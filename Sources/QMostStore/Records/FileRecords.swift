import Foundation
import GRDB
import QMostCore

/// An ingested file, identified by the SHA-256 of its content.
public struct FileRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "files"
    public var id: Int64?
    public var sha256: String
    public var size: Int64
    public var originalName: String
    /// Where it was picked up (spool path, or the path given to `qmostd ingest`).
    public var spoolPath: String
    /// Where it lives now, relative to the installation root.
    public var repoPath: String
    /// `spool/raw`, `spool/dxu`, `cli` or `saf`.
    public var source: String
    public var ingestedAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, sha256, size, originalName = "original_name", spoolPath = "spool_path", repoPath = "repo_path"
        case source, ingestedAt = "ingested_at"
    }

    public init(sha256: String, size: Int64, originalName: String, spoolPath: String, repoPath: String,
                source: String, ingestedAt: Timestamp) {
        self.sha256 = sha256
        self.size = size
        self.originalName = originalName
        self.spoolPath = spoolPath
        self.repoPath = repoPath
        self.source = source
        self.ingestedAt = ingestedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The header facts of an ingested frame.
public struct FrameRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "frames"
    public var fileID: Int64
    public var kind: String
    public var rule: String
    public var night: String
    public var mjdObs: Double?
    public var obID: Int64?
    public var spectrograph: String?
    public var arm: String?
    public var instrument: String?
    public var exptime: Double?
    public var object: String?
    public var dprCatg: String?
    public var dprType: String?
    public var dprTech: String?
    public var hdus: Int
    /// `valid`, `absent` (no CHECKSUM/DATASUM) or `not verified`.
    public var checksum: String

    enum CodingKeys: String, CodingKey {
        case fileID = "file_id", kind, rule, night, mjdObs = "mjd_obs", obID = "ob_id", spectrograph, arm
        case instrument, exptime, object, dprCatg = "dpr_catg", dprType = "dpr_type", dprTech = "dpr_tech"
        case hdus, checksum
    }

    public init(fileID: Int64, facts: FrameFacts, hdus: Int, checksum: String) {
        self.fileID = fileID
        kind = facts.kind.rawValue
        rule = facts.rule
        night = facts.night.iso
        mjdObs = facts.mjd
        obID = facts.obID
        spectrograph = facts.spectrograph
        arm = facts.arm
        instrument = facts.instrument
        exptime = facts.exposureTime
        object = facts.object
        dprCatg = facts.dprCatg
        dprType = facts.dprType
        dprTech = facts.dprTech
        self.hdus = hdus
        self.checksum = checksum
    }
}

/// A rejected input and why.
public struct QuarantineRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "quarantine"
    public var id: Int64?
    public var originalPath: String
    public var quarantinePath: String
    public var reason: String
    public var sha256: String?
    public var at: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, originalPath = "original_path", quarantinePath = "quarantine_path", reason, sha256, at
    }

    public init(originalPath: String, quarantinePath: String, reason: String, sha256: String?, at: Timestamp) {
        self.originalPath = originalPath
        self.quarantinePath = quarantinePath
        self.reason = reason
        self.sha256 = sha256
        self.at = at
    }
}

/// A night's bookkeeping: when frames arrived, whether it is closed, its QA validation.
public struct NightRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "nights"
    public var night: String
    public var firstFrameAt: Timestamp
    public var lastFrameAt: Timestamp
    public var closedAt: Timestamp?
    public var closedIncomplete: Bool
    public var validationState: Int?
    public var exempted: Bool

    enum CodingKeys: String, CodingKey {
        case night, firstFrameAt = "first_frame_at", lastFrameAt = "last_frame_at", closedAt = "closed_at"
        case closedIncomplete = "closed_incomplete", validationState = "validation_state", exempted
    }
}

extension Repository {
    public func file(sha256: String) throws -> FileRecord? {
        try pool.read { db in try FileRecord.filter(Column("sha256") == sha256).fetchOne(db) }
    }

    /// A file by its repository path (relative to the root) or the spool path it came from.
    public func file(path: String) throws -> FileRecord? {
        try pool.read { db in
            try FileRecord.fetchOne(db, sql: """
                SELECT * FROM files WHERE repo_path = ? OR spool_path = ? ORDER BY id DESC LIMIT 1
                """, arguments: [path, path])
        }
    }

    public func frame(fileID: Int64) throws -> FrameRecord? {
        try pool.read { db in try FrameRecord.fetchOne(db, key: fileID) }
    }

    public func quarantined(path: String) throws -> QuarantineRecord? {
        try pool.read { db in
            try QuarantineRecord.fetchOne(db, sql: """
                SELECT * FROM quarantine WHERE original_path = ? OR quarantine_path = ? ORDER BY id DESC LIMIT 1
                """, arguments: [path, path])
        }
    }

    public func night(_ night: String) throws -> NightRecord? {
        try pool.read { db in try NightRecord.fetchOne(db, key: night) }
    }

    /// Notes a new frame for `night`, creating the night on its first frame.
    public static func touchNight(_ night: String, at now: Timestamp, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO nights (night, first_frame_at, last_frame_at) VALUES (?, ?, ?)
            ON CONFLICT(night) DO UPDATE SET last_frame_at = excluded.last_frame_at
            """, arguments: [night, now, now])
    }

    public func allQuarantinePaths() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT quarantine_path FROM quarantine")) }
    }
}
