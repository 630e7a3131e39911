import Foundation
import GRDB

/// What one L1 Phase 3 file holds: the object, part (`B`, `G`, `R`, `J`) and stack level, so that stacks find
/// their inputs and an OB's products can be replaced as a set.
public struct Phase3Product: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "phase3_products"
    public var productID: Int64
    public var night: String
    /// The OB of an OB stack; nil for night and deep stacks.
    public var obID: Int64?
    /// `LRS-A`, `LRS-B` or `HRS` for OB stacks; `LRS` or `HRS` for stacks across OBs.
    public var spectrograph: String
    public var part: String
    /// `OB`, `NIGHT` or `ALL` (``QMostCore/StackLevel``).
    public var stack: String
    /// ``QMostL1/FibreTarget/stackingKey``: `uobj:<U_OBJ_ID>`, `targ:<TARG_ID>` or `cname:<CNAME>`.
    public var objectKey: String
    public var cname: String
    public var specuid: Int64
    /// Raw exposures combined (NCOMBINE).
    public var combined: Int

    enum CodingKeys: String, CodingKey {
        case productID = "product_id", night, obID = "ob_id", spectrograph, part, stack, objectKey = "object_key", cname, specuid, combined
    }

    public init(productID: Int64, night: String, obID: Int64?, spectrograph: String, part: String, stack: String, objectKey: String,
                cname: String, specuid: Int64, combined: Int) {
        self.productID = productID
        self.night = night
        self.obID = obID
        self.spectrograph = spectrograph
        self.part = part
        self.stack = stack
        self.objectKey = objectKey
        self.cname = cname
        self.specuid = specuid
        self.combined = combined
    }
}

/// A Phase 3 file with its product row.
public struct Phase3Entry: Sendable, Equatable {
    public var product: Product
    public var phase3: Phase3Product

    public init(product: Product, phase3: Phase3Product) {
        self.product = product
        self.phase3 = phase3
    }
}

extension Repository {
    /// The Phase 3 files matching `condition` (SQL over `phase3_products` as `q`), with their products, by path.
    public static func phase3Entries(where condition: String, arguments: StatementArguments = [], in db: Database) throws -> [Phase3Entry] {
        try Row.fetchAll(db, sql: """
            SELECT q.*, p.id AS pid, p.kind AS pkind, p.level AS plevel, p.night AS pnight, p.path AS ppath, p.sha256 AS psha,
                   p.stage_run_id AS prun, p.created_at AS pcreated
            FROM phase3_products q JOIN products p ON p.id = q.product_id WHERE \(condition) ORDER BY p.path
            """, arguments: arguments).map { row in
            var product = Product(kind: row["pkind"], level: row["plevel"], night: row["pnight"], path: row["ppath"], sha256: row["psha"],
                                  stageRunID: row["prun"], createdAt: row["pcreated"])
            product.id = row["pid"]
            return Phase3Entry(product: product, phase3: try Phase3Product(row: row))
        }
    }

    /// Deletes the products (and their Phase 3 rows) with these ids; returns their paths.
    public static func deleteProducts(_ ids: [Int64], in db: Database) throws -> [String] {
        var paths: [String] = []
        for id in ids {
            if let path = try String.fetchOne(db, sql: "SELECT path FROM products WHERE id = ?", arguments: [id]) { paths.append(path) }
            try db.execute(sql: "UPDATE spectra SET product_id = NULL WHERE product_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM product_inputs WHERE product_id = ? OR input_product_id = ?", arguments: [id, id])
            try db.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [id])
        }
        return paths
    }
}
