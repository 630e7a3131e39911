import Foundation
import GRDB
import QMostCore

extension Repository {
    /// Resolves one identifier to every related one: its objects (following merges to the survivor), targets,
    /// spectra, the FIBINFO rows that saw it, and the merges involved.
    public func resolve(_ query: IdentifierQuery, text: String) throws -> IdentifierReport {
        try pool.read { db in
            var targets = Set<Int64>(), objects = Set<Int64>(), specuids = Set<Int64>()
            let matchedAs: String
            switch query {
            case .targetID(let id):
                matchedAs = IdentifierKind.target.rawValue
                if try Self.exists(db, "targets", "targ_id", id) { targets.insert(id) }
            case .objectID(let id):
                matchedAs = IdentifierKind.object.rawValue
                if try Self.exists(db, "objects", "u_obj_id", id) { objects.insert(id) }
            case .specuid(let id):
                matchedAs = IdentifierKind.spectrum.rawValue
                if let row = try Row.fetchOne(db, sql: "SELECT targ_id, u_obj_id FROM spectra WHERE specuid = ?", arguments: [id]) {
                    specuids.insert(id)
                    if let t: Int64 = row[0], try Self.exists(db, "targets", "targ_id", t) { targets.insert(t) }
                    if let o: Int64 = row[1], try Self.exists(db, "objects", "u_obj_id", o) { objects.insert(o) }
                }
            case .cname(let cname):
                matchedAs = "CNAME"
                let key = CoordinateName.numericKey(cname) ?? -1
                targets.formUnion(try Int64.fetchAll(db, sql: "SELECT targ_id FROM targets WHERE cname_key = ?", arguments: [key]))
                objects.formUnion(try Int64.fetchAll(db, sql: """
                    SELECT o.u_obj_id FROM targets t JOIN objects o ON o.founder_targ_id = t.targ_id WHERE t.cname_key = ?
                    """, arguments: [key]))
            case .iauName(let name):
                matchedAs = "IAU_NAME"
                objects.formUnion(try Int64.fetchAll(db, sql: "SELECT u_obj_id FROM objects WHERE iau_key = ?",
                                                     arguments: [CoordinateName.numericKey(name) ?? -1]))
            }
            // Targets bring their objects; objects bring their survivors and all their targets.
            for t in targets {
                if let o = try Int64.fetchOne(db, sql: "SELECT u_obj_id FROM targets WHERE targ_id = ?", arguments: [t]) {
                    objects.insert(o)
                }
            }
            for o in objects { objects.insert(try Self.survivor(db, of: o)) }
            let survivors = try objects.filter { try Self.survivor(db, of: $0) == $0 }
            for o in survivors {
                targets.formUnion(try Int64.fetchAll(db, sql: "SELECT targ_id FROM targets WHERE u_obj_id = ?", arguments: [o]))
            }
            let merges = try Self.merges(db, touching: objects)
            var allObjectIDs = objects
            for m in merges { allObjectIDs.insert(m.absorbed); allObjectIDs.insert(m.survivor) }
            for t in targets {
                specuids.formUnion(try Int64.fetchAll(db, sql: "SELECT specuid FROM spectra WHERE targ_id = ?", arguments: [t]))
            }
            for o in allObjectIDs {
                specuids.formUnion(try Int64.fetchAll(db, sql: "SELECT specuid FROM spectra WHERE u_obj_id = ?", arguments: [o]))
            }
            var fibres: [FibreView] = []
            for t in targets.sorted() {
                fibres += try Self.fibres(db, where: "f.targ_id = ?", [t])
            }
            for o in allObjectIDs.sorted() {
                fibres += try Self.fibres(db, where: "f.u_obj_id = ? AND (f.targ_id IS NULL OR f.targ_id NOT IN (SELECT targ_id FROM targets WHERE u_obj_id = ?))", [o, o])
            }
            return IdentifierReport(
                query: text, matchedAs: matchedAs,
                objects: try objects.sorted().compactMap { try Self.objectView(db, $0) },
                targets: try targets.sorted().compactMap { try Self.targetView(db, $0) },
                spectra: try specuids.sorted().compactMap { try Self.spectrumView(db, $0) },
                fibres: fibres, merges: merges)
        }
    }

    /// Objects, targets and spectra within `radiusArcsec` of `centre` (positions at epoch 2016.0), nearest
    /// first, found through the HEALPix cell index of targets (an object sits at its founding target's position).
    public func cone(centre: SkyPosition, radiusArcsec: Double, limit: Int = 10_000) throws -> ConeReport {
        let cap = SkyCap(centre: centre, radiusDegrees: radiusArcsec / 3600)
        let ranges = HEALPix.indexRanges(covering: cap)
        return try pool.read { db in
            let targetsIn = try db.cachedStatement(sql: "SELECT targ_id, ra2016, dec2016 FROM targets WHERE hpx BETWEEN ? AND ?")
            var objects: [ObjectView] = []
            var targets: [TargetView] = []
            for range in ranges {
                let rows = try Row.fetchCursor(targetsIn, arguments: [range.lowerBound, range.upperBound])
                while let row = try rows.next() {
                    let separation = centre.separation(to: SkyPosition(ra: row[1], dec: row[2])) * 3600
                    guard separation <= radiusArcsec, var view = try Self.targetView(db, row[0]) else { continue }
                    view.separationArcsec = separation
                    targets.append(view)
                }
            }
            // An object sits at its founder's position, so the founders among these targets are its objects.
            for target in targets {
                let ids = try Int64.fetchAll(
                    db, sql: "SELECT u_obj_id FROM objects WHERE founder_targ_id = ? AND merged_into IS NULL", arguments: [target.targID])
                for id in ids {
                    guard var view = try Self.objectView(db, id) else { continue }
                    view.separationArcsec = centre.separation(to: SkyPosition(ra: view.ra, dec: view.dec)) * 3600
                    if view.separationArcsec! <= radiusArcsec { objects.append(view) }
                }
            }
            objects.sort { ($0.separationArcsec!, $0.uObjID) < ($1.separationArcsec!, $1.uObjID) }
            targets.sort { ($0.separationArcsec!, $0.targID) < ($1.separationArcsec!, $1.targID) }
            var spectra: [SpectrumView] = []
            for t in targets {
                for s in try Int64.fetchAll(db, sql: "SELECT specuid FROM spectra WHERE targ_id = ? ORDER BY specuid", arguments: [t.targID]) {
                    if let view = try Self.spectrumView(db, s) { spectra.append(view) }
                }
            }
            return ConeReport(
                ra: centre.ra, dec: centre.dec, radiusArcsec: radiusArcsec, objects: Array(objects.prefix(limit)),
                targets: Array(targets.prefix(limit)), spectra: Array(spectra.prefix(limit)))
        }
    }

    // MARK: Views

    private static func exists(_ db: Database, _ table: String, _ column: String, _ id: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE \(column) = ?)", arguments: [id]) ?? false
    }

    /// Follows `merged_into` (kept flat by the merge writer, but followed to the end regardless).
    static func survivor(_ db: Database, of object: Int64) throws -> Int64 {
        var current = object
        for _ in 0..<64 {
            guard let next = try Int64.fetchOne(db, sql: "SELECT merged_into FROM objects WHERE u_obj_id = ?", arguments: [current])
            else { return current }
            current = next
        }
        return current
    }

    private static func merges(_ db: Database, touching objects: Set<Int64>) throws -> [MergeView] {
        var seen = Set<Int64>(), result: [MergeView] = []
        for o in objects.sorted() {
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM object_merges WHERE absorbed = ? OR survivor = ?", arguments: [o, o])
            for row in rows where seen.insert(row["absorbed"]).inserted {
                result.append(MergeView(absorbed: row["absorbed"], survivor: row["survivor"],
                                        bridgingTargID: row["bridging_targ_id"], catalogueID: row["catalogue_id"], at: row["at"]))
            }
        }
        return result.sorted { $0.absorbed < $1.absorbed }
    }

    static func targetView(_ db: Database, _ id: Int64) throws -> TargetView? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT t.*, s.name AS survey, c.repo_path AS catalogue_file, c.ingested_at AS ingested_at
            FROM targets t JOIN surveys s ON s.id = t.survey_id JOIN catalogues c ON c.id = t.catalogue_id
            WHERE t.targ_id = ?
            """, arguments: [id]) else { return nil }
        return TargetView(
            targID: row["targ_id"], survey: row["survey"], name: row["name"],
            resolution: ResolutionMode(rawValue: row["resolution"])?.code ?? "?", ra: row["ra"], dec: row["dec"],
            pmra: row["pmra"], pmdec: row["pmdec"], epoch: row["epoch"], parallax: row["parallax"], mag: row["mag"],
            magType: row["mag_type"], ra2016: row["ra2016"], dec2016: row["dec2016"], cname: row["cname"],
            uObjID: row["u_obj_id"], firstUObjID: row["first_u_obj_id"], catalogueID: row["catalogue_id"],
            catalogueFile: row["catalogue_file"], ingestedAt: row["ingested_at"],
            updatedByCatalogueID: row["updated_catalogue_id"], separationArcsec: nil)
    }

    static func objectView(_ db: Database, _ id: Int64) throws -> ObjectView? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM objects WHERE u_obj_id = ?", arguments: [id]) else { return nil }
        let targets = try Int64.fetchAll(db, sql: "SELECT targ_id FROM targets WHERE u_obj_id = ? ORDER BY targ_id", arguments: [id])
        return ObjectView(
            uObjID: id, resolution: ResolutionMode(rawValue: row["resolution"])?.code ?? "?", ra: row["ra"], dec: row["dec"],
            cname: row["cname"], iauName: row["iau_name"], founderTargID: row["founder_targ_id"],
            catalogueID: row["catalogue_id"], createdAt: row["created_at"], mergedInto: row["merged_into"],
            targets: targets, separationArcsec: nil)
    }

    static func spectrumView(_ db: Database, _ id: Int64) throws -> SpectrumView? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT s.*, f.repo_path AS exposure, p.path AS product
            FROM spectra s LEFT JOIN files f ON f.id = s.file_id LEFT JOIN products p ON p.id = s.product_id
            WHERE s.specuid = ?
            """, arguments: [id]) else { return nil }
        let night: String = row["night"]
        let provenance = SpectrumProvenance(
            specuid: id, night: Night(night) ?? Night(utcDateOf: Date(timeIntervalSince1970: 0)), obID: row["ob_id"],
            spectrograph: row["spectrograph"], arm: row["arm"], stack: StackLevel(rawValue: row["stack"]) ?? .exposure,
            pipelineVersion: row["pipeline_version"])
        let inputs = try Int64.fetchAll(
            db, sql: "SELECT input_specuid FROM spectrum_inputs WHERE specuid = ? ORDER BY input_specuid", arguments: [id])
        return SpectrumView(
            specuid: id, specuidP: provenance.text, night: night, obID: row["ob_id"], spectrograph: row["spectrograph"],
            arm: row["arm"], stack: row["stack"], pipelineVersion: row["pipeline_version"], exposure: row["exposure"],
            fibre: row["fibre"], targID: row["targ_id"], uObjID: row["u_obj_id"], product: row["product"], inputs: inputs)
    }

    private static func fibres(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [FibreView] {
        try Row.fetchAll(db, sql: """
            SELECT f.*, files.repo_path AS exposure, frames.night AS night
            FROM fibinfo f JOIN files ON files.id = f.file_id LEFT JOIN frames ON frames.file_id = f.file_id
            WHERE \(condition) ORDER BY f.file_id, f.fibre
            """, arguments: arguments).map { row in
            FibreView(exposure: row["exposure"], night: row["night"], fibre: row["fibre"], targID: row["targ_id"],
                      uObjID: row["u_obj_id"], cname: row["cname"])
        }
    }
}
