import Foundation
import GRDB

/// One L2 measurement of one spectrum by one module (a row of a DXU), with its provenance. A rerun of the module
/// on the night marks the night's earlier rows superseded and adds new ones; nothing is deleted.
public struct L2Result: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "l2_results"
    public var id: Int64?
    public var night: String
    /// `4XP`, `4GP`.
    public var module: String
    public var specuid: Int64
    public var cname: String
    /// The module's main value (redshift, km/s) and its error; nil when not measured.
    public var value: Double?
    public var error: Double?
    /// The class, subtype or template that goes with the value.
    public var label: String?
    public var flags: Int
    /// The QA tests exempted when the night was released, comma-separated (the exemption flagged on the data).
    public var exemptedTests: String
    public var inputProductID: Int64
    public var inputSHA256: String
    public var dxuProductID: Int64
    public var dxuSHA256: String
    public var stageRunID: Int64?
    public var createdAt: Double
    public var supersededAt: Double?

    enum CodingKeys: String, CodingKey {
        case id, night, module, specuid, cname, value, error, label, flags, exemptedTests = "exempted_tests"
        case inputProductID = "input_product_id", inputSHA256 = "input_sha256", dxuProductID = "dxu_product_id", dxuSHA256 = "dxu_sha256"
        case stageRunID = "stage_run_id", createdAt = "created_at", supersededAt = "superseded_at"
    }

    public init(night: String, module: String, specuid: Int64, cname: String, value: Double?, error: Double?, label: String?, flags: Int,
                exemptedTests: String, inputProductID: Int64, inputSHA256: String, dxuProductID: Int64, dxuSHA256: String,
                stageRunID: Int64?, createdAt: Double) {
        self.night = night
        self.module = module
        self.specuid = specuid
        self.cname = cname
        self.value = value.flatMap { $0.isFinite ? $0 : nil }
        self.error = error.flatMap { $0.isFinite ? $0 : nil }
        self.label = label
        self.flags = flags
        self.exemptedTests = exemptedTests
        self.inputProductID = inputProductID
        self.inputSHA256 = inputSHA256
        self.dxuProductID = dxuProductID
        self.dxuSHA256 = dxuSHA256
        self.stageRunID = stageRunID
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Repository {
    /// Records a module's results for a night: the night's current rows of that module are marked superseded at
    /// `now`, then `rows` inserted. Returns how many rows were superseded.
    @discardableResult
    public static func recordL2Results(_ rows: [L2Result], night: String, module: String, now: Double, in db: Database) throws -> Int {
        try db.execute(sql: "UPDATE l2_results SET superseded_at = ? WHERE night = ? AND module = ? AND superseded_at IS NULL",
                       arguments: [now, night, module])
        let superseded = db.changesCount
        for var row in rows { try row.insert(db) }
        return superseded
    }
}
