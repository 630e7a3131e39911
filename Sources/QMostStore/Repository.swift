import Foundation
import GRDB

/// The installation's database: one SQLite file in WAL mode, the single source of truth.
///
/// Every writer uses `BEGIN IMMEDIATE`, so two processes (the daemon and a CLI command) never deadlock on a
/// lock upgrade; a busy timeout absorbs short contention. Readers never block writers (WAL).
public final class Repository: Sendable {
    public let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String, busyTimeoutSeconds: Double = 15) throws(StoreError) {
        self.path = path
        var config = GRDB.Configuration()
        config.busyMode = .timeout(busyTimeoutSeconds)
        // GRDB 7 opens every DatabasePool write transaction with BEGIN IMMEDIATE by itself.
        config.prepareDatabase { db in
            // NORMAL in WAL keeps the database consistent across crashes; a power cut may drop the last
            // commits, which the start-up reconciliation (spool and repository scans) recovers.
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Migrations.migrator.migrate(pool)
        } catch {
            throw StoreError("cannot open the database \(path): \(error)")
        }
    }

    /// `PRAGMA integrity_check`: "ok" or the problems found.
    public func integrityCheck() throws -> String {
        try pool.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
        }
    }
}

/// A database failure, with the operation that hit it.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Seconds since 1970, the time unit of every timestamp column.
public typealias Timestamp = Double

extension Date {
    public var timestamp: Timestamp { timeIntervalSince1970 }
}
