import Foundation
import GRDB

/// One row of the 4OR `qa` table (seed 9.2.2, Table 2): one test of one data product of a night.
public struct QARow: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "qa"
    public var id: Int64?
    /// YYYYMMDD.
    public var nightobs: Int
    public var obID: Int64?
    /// The SPECUID of the spectrum tested, when it is one; nil for a whole exposure's arm.
    public var specid: Int64?
    public var testid: Int64
    public var req: Double?
    public var goal: Double?
    public var val: Double?
    /// 0 failed, 1 passed the requirement, 2 passed the goal.
    public var state: Int
    /// What was tested, ≤ 255 characters.
    public var info: String?
    /// ISO 8601 UTC.
    public var timestamp: String

    enum CodingKeys: String, CodingKey {
        case id, nightobs, obID = "ob_id", specid, testid, req, goal, val, state, info, timestamp
    }

    public init(nightobs: Int, obID: Int64?, specid: Int64?, testid: Int64, req: Double?, goal: Double?, val: Double?, state: Int,
                info: String?, timestamp: String) {
        self.nightobs = nightobs
        self.obID = obID
        self.specid = specid
        self.testid = testid
        self.req = req
        self.goal = goal
        self.val = val
        self.state = state
        self.info = info.map { String($0.prefix(255)) }
        self.timestamp = timestamp
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An audited exemption: a failed test a person accepted for a night, with the reason.
public struct QAExemption: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "qa_exemptions"
    public var id: Int64?
    public var nightobs: Int
    public var testid: Int64
    public var reason: String
    public var user: String
    public var at: Double

    public init(nightobs: Int, testid: Int64, reason: String, user: String, at: Double) {
        self.nightobs = nightobs
        self.testid = testid
        self.reason = reason
        self.user = user
        self.at = at
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Repository {
    /// Replaces the night's qa rows with `rows` (a validation run stands for the whole night).
    public static func replaceQA(nightobs: Int, rows: [QARow], in db: Database) throws {
        try db.execute(sql: "DELETE FROM qa WHERE nightobs = ?", arguments: [nightobs])
        for var row in rows { try row.insert(db) }
    }

    /// The night's qa rows, by test and id.
    public static func qaRows(nightobs: Int, in db: Database) throws -> [QARow] {
        try QARow.filter(Column("nightobs") == nightobs).order(Column("testid"), Column("id")).fetchAll(db)
    }

    /// The night's exemptions, by test.
    public static func exemptions(nightobs: Int, in db: Database) throws -> [QAExemption] {
        try QAExemption.filter(Column("nightobs") == nightobs).order(Column("testid")).fetchAll(db)
    }

    /// Records (or replaces, keeping the audit of who and when in the event log) the exemption of a test for a night.
    public static func recordExemption(_ exemption: QAExemption, in db: Database) throws {
        try db.execute(sql: "DELETE FROM qa_exemptions WHERE nightobs = ? AND testid = ?", arguments: [exemption.nightobs, exemption.testid])
        var e = exemption
        try e.insert(db)
    }

    /// Sets the night's validation: its state (the worst over its tests) and whether exemptions let it pass.
    public static func setValidation(night: String, state: Int, exempted: Bool, in db: Database) throws {
        try db.execute(sql: "UPDATE nights SET validation_state = ?, exempted = ? WHERE night = ?", arguments: [state, exempted, night])
    }
}
