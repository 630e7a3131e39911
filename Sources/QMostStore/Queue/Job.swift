import Foundation
import GRDB

/// A unit of work in the durable queue: one stage applied to one subject (a spool path or a night).
public struct Job: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "jobs"

    public enum State: String, Codable, Sendable, CaseIterable {
        case pending, running, done, dead, cancelled
    }

    public var id: Int64?
    public var stage: String
    public var subject: String
    public var night: String?
    /// JSON object with stage-specific details (e.g. `{"source": "spool/raw", "force": true}`).
    public var payload: String
    public var state: State
    public var priority: Int
    public var attempts: Int
    public var maxAttempts: Int
    public var notBefore: Timestamp
    public var leaseUntil: Timestamp?
    public var worker: String?
    public var lastError: String?
    public var blockedReason: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var finishedAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case id, stage, subject, night, payload, state, priority, attempts, maxAttempts = "max_attempts"
        case notBefore = "not_before", leaseUntil = "lease_until", worker, lastError = "last_error"
        case blockedReason = "blocked_reason", createdAt = "created_at", updatedAt = "updated_at"
        case finishedAt = "finished_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The payload decoded as a string dictionary (empty when absent or not an object).
    public var payloadFields: [String: String] {
        guard let data = payload.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object.mapValues { "\($0)" }
    }
}

/// A request to put work in the queue.
public struct JobRequest: Sendable, Equatable {
    public var stage: String
    public var subject: String
    public var night: String?
    public var payload: [String: String]
    public var priority: Int
    public var maxAttempts: Int
    public var notBefore: Timestamp
    /// When a live job for the same stage and subject already exists, move its start to `notBefore`
    /// (debouncing a night-level stage while frames keep arriving).
    public var postponeExisting: Bool

    public init(stage: String, subject: String, night: String? = nil, payload: [String: String] = [:],
                priority: Int = 0, maxAttempts: Int, notBefore: Timestamp, postponeExisting: Bool = false) {
        self.stage = stage
        self.subject = subject
        self.night = night
        self.payload = payload
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.notBefore = notBefore
        self.postponeExisting = postponeExisting
    }

    var payloadJSON: String {
        guard !payload.isEmpty, let data = try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
