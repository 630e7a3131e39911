import Foundation
import GRDB

/// A snapshot of the installation for `qmostd status`.
public struct StatusReport: Codable, Sendable {
    public struct NightStatus: Codable, Sendable {
        public var night: String
        public var frames: [String: Int]
        public var stages: [String: [String: Int]]
        public var closed: Bool
        public var validationState: Int?
    }
    public struct Queue: Codable, Sendable {
        public var pending: Int
        public var running: Int
        public var dead: Int
        public var done: Int
    }
    public struct AlertSummary: Codable, Sendable {
        public var id: Int64
        public var subject: String
        public var state: String
        public var count: Int
        public var at: Timestamp
    }
    public struct DaemonInfo: Codable, Sendable {
        public var pid: Int
        public var startedAt: Timestamp
        public var heartbeatAt: Timestamp
        public var version: String
    }

    public var nights: [NightStatus]
    public var queue: Queue
    public var quarantined: Int
    public var counters: [String: Int]
    public var alerts: [AlertSummary]
    public var pendingAlerts: Int
    public var daemon: DaemonInfo?
}

extension Repository {
    public func statusReport() throws -> StatusReport {
        try pool.read { db in
            var nights: [String: StatusReport.NightStatus] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT night, closed_at, validation_state FROM nights") {
                let n: String = row["night"]
                nights[n] = .init(night: n, frames: [:], stages: [:], closed: row["closed_at"] as Double? != nil,
                                  validationState: row["validation_state"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT night, kind, COUNT(*) AS n FROM frames GROUP BY night, kind") {
                let n: String = row["night"]
                nights[n, default: .init(night: n, frames: [:], stages: [:], closed: false)].frames[row["kind"]] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT night, stage, state, COUNT(*) AS n FROM jobs WHERE night IS NOT NULL GROUP BY night, stage, state
                """) {
                let n: String = row["night"]
                nights[n, default: .init(night: n, frames: [:], stages: [:], closed: false)]
                    .stages[row["stage"], default: [:]][row["state"]] = row["n"]
            }
            var q = StatusReport.Queue(pending: 0, running: 0, dead: 0, done: 0)
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                let n: Int = row["n"]
                switch row["state"] as String {
                case "pending": q.pending = n
                case "running": q.running = n
                case "dead": q.dead = n
                case "done": q.done = n
                default: break
                }
            }
            let alerts = try Alert.order(Column("id").desc).limit(5).fetchAll(db).map {
                StatusReport.AlertSummary(id: $0.id!, subject: $0.subject, state: $0.state.rawValue, count: $0.count, at: $0.lastAt)
            }
            let daemon = try Row.fetchOne(db, sql: "SELECT * FROM daemon WHERE id = 1").map {
                StatusReport.DaemonInfo(pid: $0["pid"], startedAt: $0["started_at"], heartbeatAt: $0["heartbeat_at"],
                                        version: $0["version"])
            }
            let counters = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, value FROM counters")
                .map { ($0["name"] as String, $0["value"] as Int) })
            return StatusReport(
                nights: nights.values.sorted { $0.night < $1.night }, queue: q,
                quarantined: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM quarantine") ?? 0,
                counters: counters, alerts: alerts,
                pendingAlerts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts WHERE state = 'pending'") ?? 0,
                daemon: daemon)
        }
    }

    /// Records the running daemon (pid, start, heartbeat) for `status`.
    public func recordDaemon(pid: Int32, startedAt: Timestamp, version: String, now: Timestamp = Date().timestamp) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO daemon (id, pid, started_at, heartbeat_at, version) VALUES (1, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, started_at = excluded.started_at,
                    heartbeat_at = excluded.heartbeat_at, version = excluded.version
                """, arguments: [pid, startedAt, now, version])
        }
    }

    public func daemonHeartbeat(now: Timestamp = Date().timestamp) throws {
        try pool.write { db in try db.execute(sql: "UPDATE daemon SET heartbeat_at = ? WHERE id = 1", arguments: [now]) }
    }
}
