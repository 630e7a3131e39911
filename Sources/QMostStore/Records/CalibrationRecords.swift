import Foundation
import GRDB
import QMostCore

/// A master calibration product: its kind and where and when its frames were taken.
public struct CalibrationRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "calibrations"
    public var productID: Int64
    public var kind: String
    public var spectrograph: String
    public var night: String
    public var obID: Int64?

    enum CodingKeys: String, CodingKey {
        case productID = "product_id", kind, spectrograph, night, obID = "ob_id"
    }

    public init(productID: Int64, kind: CalibrationKind, spectrograph: String, night: String, obID: Int64?) {
        self.productID = productID
        self.kind = kind.rawValue
        self.spectrograph = spectrograph
        self.night = night
        self.obID = obID
    }
}

/// A master one reduced exposure used, with the association's tier.
public struct AppliedCalibration: Sendable, Equatable {
    public var kind: CalibrationKind
    public var product: Product
    public var tier: CalibrationTier
    public var nightsApart: Int
}

/// The L1 product of one raw frame and the masters it was made with.
public struct FrameReduction: Sendable, Equatable {
    public var product: Product
    public var calibrations: [AppliedCalibration]
}

extension Repository {
    /// Records `product` with its lineage, or, when a product already lives at its path (a re-reduction),
    /// replaces that row's checksum, run and lineage in place so that whatever refers to it stays valid.
    public static func replaceProduct(_ product: Product, inputFiles: [Int64], inputProducts: [Int64],
                                      in db: Database) throws -> Product {
        if var existing = try Product.filter(Column("path") == product.path).fetchOne(db) {
            existing.sha256 = product.sha256
            existing.stageRunID = product.stageRunID
            existing.createdAt = product.createdAt
            existing.kind = product.kind
            try existing.update(db)
            try db.execute(sql: "DELETE FROM product_inputs WHERE product_id = ?", arguments: [existing.id])
            for f in inputFiles {
                try db.execute(sql: "INSERT INTO product_inputs (product_id, file_id) VALUES (?, ?)", arguments: [existing.id, f])
            }
            for i in inputProducts {
                try db.execute(sql: "INSERT INTO product_inputs (product_id, input_product_id) VALUES (?, ?)", arguments: [existing.id, i])
            }
            return existing
        }
        return try recordProduct(product, inputFiles: inputFiles, inputProducts: inputProducts, in: db)
    }

    /// Marks `product` as a master of `kind`.
    public static func recordCalibration(productID: Int64, kind: CalibrationKind, spectrograph: String, night: String,
                                         obID: Int64?, in db: Database) throws {
        try CalibrationRecord(productID: productID, kind: kind, spectrograph: spectrograph, night: night, obID: obID)
            .save(db)
    }

    /// The masters of `spectrograph` made from nights `from` through `to` (ISO dates), all kinds.
    public static func calibrationCandidates(spectrograph: String, from: Night, to: Night,
                                             in db: Database) throws -> [CalibrationCandidate] {
        try CalibrationRecord.filter(Column("spectrograph") == spectrograph && Column("night") >= from.iso && Column("night") <= to.iso)
            .order(Column("product_id")).fetchAll(db)
            .compactMap { r in
                guard let kind = CalibrationKind(rawValue: r.kind), let night = Night(r.night) else { return nil }
                return CalibrationCandidate(id: r.productID, kind: kind, spectrograph: r.spectrograph, night: night, obID: r.obID)
            }
    }

    /// Records that `product` reduces raw file `fileID` with `calibrations`, replacing an earlier record.
    public static func recordReduction(fileID: Int64, productID: Int64, calibrations: [CalibrationKind: CalibrationChoice],
                                       in db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO reduced_frames (file_id, product_id) VALUES (?, ?)", arguments: [fileID, productID])
        try db.execute(sql: "DELETE FROM product_calibrations WHERE product_id = ?", arguments: [productID])
        for (kind, choice) in calibrations.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: """
                INSERT INTO product_calibrations (product_id, kind, calibration_id, tier, nights_apart) VALUES (?, ?, ?, ?, ?)
                """, arguments: [productID, kind.rawValue, choice.candidate.id, choice.tier.name, choice.nightsApart])
        }
    }

    /// The L1 product of raw file `fileID` and the masters it used, if it has been reduced.
    public static func reduction(fileID: Int64, in db: Database) throws -> FrameReduction? {
        guard let productID = try Int64.fetchOne(db, sql: "SELECT product_id FROM reduced_frames WHERE file_id = ?", arguments: [fileID]),
              let product = try Product.fetchOne(db, key: productID) else { return nil }
        let rows = try Row.fetchAll(db, sql: """
            SELECT pc.kind AS applied_kind, pc.tier AS applied_tier, pc.nights_apart AS applied_apart, p.* FROM product_calibrations pc JOIN products p ON p.id = pc.calibration_id
            WHERE pc.product_id = ?
            """, arguments: [productID])
        let applied = try rows.compactMap { row -> AppliedCalibration? in
            guard let kind = CalibrationKind(rawValue: row["applied_kind"]), let tier = CalibrationTier(name: row["applied_tier"]) else { return nil }
            return AppliedCalibration(kind: kind, product: try Product(row: row), tier: tier, nightsApart: row["applied_apart"])
        }.sorted { $0.kind < $1.kind }
        return FrameReduction(product: product, calibrations: applied)
    }

    public func reduction(fileID: Int64) throws -> FrameReduction? {
        try pool.read { db in try Self.reduction(fileID: fileID, in: db) }
    }
}

/// One node of a product's lineage: a product with what it was made from, or a raw file.
public struct LineageNode: Sendable, Equatable {
    public var product: Product?
    public var file: FileRecord?
    /// The raw file's frame kind, when it is a raw file.
    public var frameKind: String?
    public var inputs: [LineageNode]
}

extension Repository {
    /// The product at `path` (or with checksum `sha256`), if recorded.
    public func product(path: String) throws -> Product? {
        try pool.read { db in
            try Product.filter(Column("path") == path).fetchOne(db)
                ?? Product.filter(Column("sha256") == path).fetchOne(db)
        }
    }

    /// `product` and everything it was made from, down to the raw files (each product once: a master shared
    /// by several inputs is expanded where it first appears).
    public func lineage(of product: Product) throws -> LineageNode {
        try pool.read { db in
            var expanded = Set<Int64>()
            func node(_ p: Product) throws -> LineageNode {
                guard expanded.insert(p.id!).inserted else { return LineageNode(product: p, inputs: []) }
                var children: [LineageNode] = []
                let rows = try Row.fetchAll(db, sql: "SELECT file_id, input_product_id FROM product_inputs WHERE product_id = ? ORDER BY rowid",
                                            arguments: [p.id])
                for row in rows {
                    if let fileID = row["file_id"] as Int64?, let f = try FileRecord.fetchOne(db, key: fileID) {
                        let kind = try String.fetchOne(db, sql: "SELECT kind FROM frames WHERE file_id = ?", arguments: [fileID])
                        children.append(LineageNode(product: nil, file: f, frameKind: kind, inputs: []))
                    } else if let inputID = row["input_product_id"] as Int64?, let input = try Product.fetchOne(db, key: inputID) {
                        children.append(try node(input))
                    }
                }
                return LineageNode(product: p, inputs: children)
            }
            return try node(product)
        }
    }
}
