import Foundation
import GRDB

/// One attempt of one stage on one subject, with what it ran and how it ended (provenance).
public struct StageRun: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "stage_runs"
    public var id: Int64?
    public var jobID: Int64?
    public var stage: String
    public var subject: String
    public var night: String?
    /// stage + input checksums + parameters + code version: a run with an `ok` key is not repeated.
    public var idempotencyKey: String
    public var paramsHash: String
    public var codeVersion: String
    public var attempt: Int
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    /// `ok`, `skipped`, `waiting`, `blocked`, `failed`.
    public var outcome: String?
    public var error: String?
    public var exitStatus: Int?
    public var stderr: String?

    enum CodingKeys: String, CodingKey {
        case id, jobID = "job_id", stage, subject, night, idempotencyKey = "idempotency_key"
        case paramsHash = "params_hash", codeVersion = "code_version", attempt, startedAt = "started_at"
        case finishedAt = "finished_at", outcome, error, exitStatus = "exit_status", stderr
    }

    public init(jobID: Int64?, stage: String, subject: String, night: String?, idempotencyKey: String,
                paramsHash: String, codeVersion: String, attempt: Int, startedAt: Timestamp) {
        self.jobID = jobID
        self.stage = stage
        self.subject = subject
        self.night = night
        self.idempotencyKey = idempotencyKey
        self.paramsHash = paramsHash
        self.codeVersion = codeVersion
        self.attempt = attempt
        self.startedAt = startedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A recorded output of a stage, with its inputs (lineage).
public struct Product: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "products"
    public var id: Int64?
    public var kind: String
    public var level: String
    public var night: String?
    public var path: String
    public var sha256: String
    public var stageRunID: Int64?
    public var createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, kind, level, night, path, sha256, stageRunID = "stage_run_id", createdAt = "created_at"
    }

    public init(kind: String, level: String, night: String?, path: String, sha256: String, stageRunID: Int64?,
                createdAt: Timestamp) {
        self.kind = kind
        self.level = level
        self.night = night
        self.path = path
        self.sha256 = sha256
        self.stageRunID = stageRunID
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Repository {
    public static func finishRun(id: Int64, outcome: String, error: String? = nil, exitStatus: Int? = nil,
                                 stderr: String? = nil, now: Timestamp, in db: Database) throws {
        try db.execute(sql: """
            UPDATE stage_runs SET finished_at = ?, outcome = ?, error = ?, exit_status = ?, stderr = ? WHERE id = ?
            """, arguments: [now, outcome, error, exitStatus, stderr, id])
    }

    public func runs(jobIDs: [Int64]) throws -> [StageRun] {
        try pool.read { db in
            try StageRun.filter(jobIDs.contains(Column("job_id"))).order(Column("id")).fetchAll(db)
        }
    }

    /// Records an output file and the files and products it came from.
    public static func recordProduct(_ product: Product, inputFiles: [Int64], inputProducts: [Int64],
                                     in db: Database) throws -> Product {
        var p = product
        try p.insert(db)
        for f in inputFiles {
            try db.execute(sql: "INSERT INTO product_inputs (product_id, file_id) VALUES (?, ?)", arguments: [p.id, f])
        }
        for i in inputProducts {
            try db.execute(sql: "INSERT INTO product_inputs (product_id, input_product_id) VALUES (?, ?)", arguments: [p.id, i])
        }
        return p
    }

    /// The frames of a night with their checksums, the inputs of night-level stages.
    public func nightInputs(_ night: String) throws -> [(file: FileRecord, frame: FrameRecord)] {
        try pool.read { db in
            let frames = try FrameRecord.filter(Column("night") == night).fetchAll(db)
            return try frames.compactMap { fr in
                guard let f = try FileRecord.fetchOne(db, key: fr.fileID) else { return nil }
                return (f, fr)
            }.sorted { $0.file.sha256 < $1.file.sha256 }
        }
    }
}
