import Foundation
import GRDB

/// One entry of the durable, append-only event log that `qmostd log` reads.
public struct Event: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "events"

    public enum Level: String, Codable, Sendable, CaseIterable, Comparable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var id: Int64?
    public var at: Timestamp
    public var level: Level
    /// Machine-readable kind, e.g. `ingested`, `duplicate`, `quarantined`, `job.failed`, `job.dead`.
    public var kind: String
    public var stage: String?
    public var night: String?
    public var sha256: String?
    public var path: String?
    public var jobID: Int64?
    public var message: String

    enum CodingKeys: String, CodingKey {
        case id, at, level, kind, stage, night, sha256, path, jobID = "job_id", message
    }

    public init(at: Timestamp = Date().timestamp, level: Level = .info, kind: String, stage: String? = nil,
                night: String? = nil, sha256: String? = nil, path: String? = nil, jobID: Int64? = nil,
                message: String) {
        self.at = at
        self.level = level
        self.kind = kind
        self.stage = stage
        self.night = night
        self.sha256 = sha256
        self.path = path
        self.jobID = jobID
        self.message = message
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Which events to read.
public struct EventFilter: Sendable {
    public var afterID: Int64 = 0
    public var night: String?
    public var stage: String?
    public var minimumLevel: Event.Level = .debug
    public var since: Timestamp?
    public var sha256: String?
    public var jobID: Int64?
    public var limit: Int?
    /// Only the newest N matching events (still returned oldest first).
    public var newest: Int?
    public init() {}
}

extension Repository {
    /// Appends an event in its own transaction.
    @discardableResult
    public func log(_ event: Event) throws -> Event {
        try pool.write { db in try Self.log(event, in: db) }
    }

    /// Appends an event inside a caller's transaction, so the event commits with the change it reports.
    @discardableResult
    public static func log(_ event: Event, in db: Database) throws -> Event {
        // A prepared statement kept per connection: the log takes a row for nearly everything that happens.
        try db.cachedStatement(sql: """
            INSERT INTO events (at, level, kind, stage, night, sha256, path, job_id, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [event.at, event.level.rawValue, event.kind, event.stage, event.night, event.sha256,
                                     event.path, event.jobID, event.message])
        var e = event
        e.id = db.lastInsertedRowID
        return e
    }

    /// Events matching `filter`, oldest first.
    public func events(_ filter: EventFilter) throws -> [Event] {
        try pool.read { db in
            var sql = "SELECT * FROM events WHERE id > ?"
            var args: [any DatabaseValueConvertible] = [filter.afterID]
            if let n = filter.night { sql += " AND night = ?"; args.append(n) }
            if let s = filter.stage { sql += " AND stage = ?"; args.append(s) }
            if let s = filter.since { sql += " AND at >= ?"; args.append(s) }
            if let s = filter.sha256 { sql += " AND sha256 = ?"; args.append(s) }
            if let j = filter.jobID { sql += " AND job_id = ?"; args.append(j) }
            let levels = Event.Level.allCases.filter { $0 >= filter.minimumLevel }.map(\.rawValue)
            if levels.count < Event.Level.allCases.count {
                sql += " AND level IN (\(levels.map { _ in "?" }.joined(separator: ",")))"
                args += levels
            }
            if let newest = filter.newest {
                sql = "SELECT * FROM (\(sql) ORDER BY id DESC LIMIT \(newest)) ORDER BY id"
            } else {
                sql += " ORDER BY id"
                if let limit = filter.limit { sql += " LIMIT \(limit)" }
            }
            return try Event.fetchAll(db, sql: sql, arguments: StatementArguments(args))
        }
    }

    /// The newest event id, for following the log from now on.
    public func lastEventID() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM events") ?? 0 }
    }
}
