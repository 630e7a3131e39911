import Foundation
import GRDB

/// An email alert waiting to be sent or already sent. Alerts are rows first and mails second, so an SMTP
/// outage delays them but loses none.
public struct Alert: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alerts"
    public enum State: String, Codable, Sendable { case pending, sent }

    public var id: Int64?
    /// What the alert is about, e.g. `quarantine:<path>` or `job.dead:<stage>:<subject>`; equal causes within
    /// the dedup window fold into one mail.
    public var cause: String
    public var subject: String
    public var body: String
    public var firstAt: Timestamp
    public var lastAt: Timestamp
    public var count: Int
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var sentAt: Timestamp?
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case id, cause, subject, body, firstAt = "first_at", lastAt = "last_at", count, state, attempts
        case nextAttemptAt = "next_attempt_at", sentAt = "sent_at", lastError = "last_error"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Repository {
    /// Raises an alert inside a caller's transaction. The same cause within `window` seconds of an earlier
    /// alert only bumps that alert's count (and adds to its text while it is unsent): one cause, one mail.
    public static func raiseAlert(cause: String, subject: String, body: String, window: Double, now: Timestamp,
                                  in db: Database) throws {
        if var existing = try Alert.fetchOne(db, sql: """
            SELECT * FROM alerts WHERE cause = ? AND first_at >= ? ORDER BY id DESC LIMIT 1
            """, arguments: [cause, now - window]) {
            existing.count += 1
            existing.lastAt = now
            if existing.state == .pending, existing.count <= 20 { existing.body += "\n\n(again)\n" + body }
            try existing.update(db)
            return
        }
        var alert = Alert(id: nil, cause: cause, subject: subject, body: body, firstAt: now, lastAt: now, count: 1,
                          state: .pending, attempts: 0, nextAttemptAt: now, sentAt: nil, lastError: nil)
        try alert.insert(db)
    }

    /// Alerts due for sending.
    public func dueAlerts(now: Timestamp = Date().timestamp) throws -> [Alert] {
        try pool.read { db in
            try Alert.fetchAll(db, sql: "SELECT * FROM alerts WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id",
                               arguments: [now])
        }
    }

    public func markAlertsSent(_ ids: [Int64], now: Timestamp = Date().timestamp) throws {
        try pool.write { db in
            for id in ids {
                try db.execute(sql: "UPDATE alerts SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                               arguments: [now, id])
            }
        }
    }

    public func markAlertsFailed(_ ids: [Int64], error: String, retryAt: Timestamp) throws {
        try pool.write { db in
            for id in ids {
                try db.execute(sql: "UPDATE alerts SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                               arguments: [error, retryAt, id])
            }
        }
    }
}
