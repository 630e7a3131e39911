import Foundation
import GRDB
import QMostCore
import QMostEngine
import QMostStore

/// Closes a night: records it, wakes its waiting stages, and alerts when it is closed incomplete.
struct NightCloser {
    let configuration: QMostCore.Configuration
    let repository: Repository

    func close(_ night: Night) throws -> String {
        let now = Date().timestamp
        let scheduler = Scheduler(configuration: configuration, doorbell: Doorbell())
        return try repository.pool.write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM nights WHERE night = ?", arguments: [night.iso]) != nil else {
                throw CLIError("night \(night.iso) has no frames in this installation")
            }
            let kinds = Set(try String.fetchAll(db, sql: "SELECT DISTINCT kind FROM frames WHERE night = ?", arguments: [night.iso]))
            let missing = configuration.nightRequiredKinds.filter { !kinds.contains($0.rawValue) }.map(\.rawValue)
            let waiting = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM jobs WHERE stage = 'ingest' AND state IN ('pending', 'running')
                """) ?? 0
            var problems: [String] = []
            if !missing.isEmpty { problems.append("no \(missing.joined(separator: ", ")) frames") }
            if waiting > 0 { problems.append("\(waiting) file(s) still waiting in the spool") }
            try db.execute(sql: "UPDATE nights SET closed_at = ?, closed_incomplete = ? WHERE night = ?",
                           arguments: [now, !problems.isEmpty, night.iso])
            let message = problems.isEmpty ? "night \(night.iso) closed"
                : "night \(night.iso) closed incomplete: \(problems.joined(separator: "; "))"
            try Repository.log(Event(at: now, level: problems.isEmpty ? .info : .warning, kind: "night.closed",
                                     night: night.iso, message: message), in: db)
            if !problems.isEmpty {
                try Repository.raiseAlert(cause: "night.incomplete:\(night.iso)", subject: "[qmostd] night \(night.iso) closed incomplete",
                                          body: "\(message).\n\nIts stages run on what arrived; late frames trigger them again.",
                                          window: configuration.alerts.dedupWindowSeconds, now: now, in: db)
            }
            // Stages waiting for the quiet period start now; a night with no queued stage gets its first one.
            try JobQueue.wake(night: night.iso, now: now, in: db)
            try scheduler.enqueueSuccessors(of: .ingest, night: night.iso, now: now, in: db)
            return message
        }
    }
}
