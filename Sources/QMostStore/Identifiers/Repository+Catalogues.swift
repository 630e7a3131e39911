import Foundation
import GRDB
import QMostCore

extension Repository {
    static let catalogueGeneration = "catalogue_generation"

    /// The state a new catalogue of `survey` is linked against.
    public func catalogueSnapshot(survey: String, sha256: String) throws -> CatalogueSnapshot {
        try pool.read { db in
            let generation = try Int64.fetchOne(
                db, sql: "SELECT value FROM counters WHERE name = ?", arguments: [Self.catalogueGeneration]) ?? 0
            let surveyID = try Int64.fetchOne(db, sql: "SELECT id FROM surveys WHERE name = ?", arguments: [survey])
            var targets: [String: StoredTarget] = [:]
            var already: Int64?
            if let surveyID {
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM targets WHERE survey_id = ?", arguments: [surveyID])
                while let row = try rows.next() {
                    let target = Self.storedTarget(row)
                    targets[target.name] = target
                }
                already = try Int64.fetchOne(
                    db, sql: "SELECT id FROM catalogues WHERE survey_id = ? AND sha256 = ?", arguments: [surveyID, sha256])
            }
            let maxTarget = try Int64.fetchOne(db, sql: "SELECT max(targ_id) FROM targets") ?? IdentifierSpace.targetBase
            var nextObject: [ResolutionMode: Int64] = [:]
            for mode in ResolutionMode.allCases {
                let base = IdentifierSpace.objectBase(mode)
                let maxObject = try Int64.fetchOne(
                    db, sql: "SELECT max(u_obj_id) FROM objects WHERE resolution = ?", arguments: [mode.rawValue]) ?? base
                nextObject[mode] = maxObject - base + 1
            }
            return CatalogueSnapshot(
                generation: generation, surveyID: surveyID, surveyTargets: targets, alreadyIngested: already,
                nextTargetSerial: maxTarget - IdentifierSpace.targetBase + 1, nextObjectSerial: nextObject)
        }
    }

    /// Every linked target of one resolution mode, at epoch 2016.0, for the shared-target procedure.
    public func linkedTargets(mode: ResolutionMode) throws -> [SharedTargetLinker.Linked] {
        try pool.read { db in
            var result: [SharedTargetLinker.Linked] = []
            let rows = try Row.fetchCursor(
                db, sql: "SELECT ra2016, dec2016, u_obj_id FROM targets WHERE resolution = ?", arguments: [mode.rawValue])
            while let row = try rows.next() {
                result.append(.init(position: SkyPosition(ra: row[0], dec: row[1]), objectID: row[2]))
            }
            return result
        }
    }

    /// Writes a prepared catalogue in one transaction and returns its catalogue id. Refuses, writing nothing,
    /// when another catalogue was committed since the snapshot the commit was prepared from.
    public func commitCatalogue(_ c: CatalogueCommit, progress: ((Int, Int) -> Void)? = nil) throws -> Int64 {
        let total = c.newTargets.count + c.updatedTargets.count + c.newObjects.count
        return try pool.write { db in
            // A million rows go into several randomly ordered indexes; with SQLite's default 2 MB page cache
            // every insert would evict and re-read index pages. The cache only grows as pages are touched.
            try db.execute(sql: "PRAGMA cache_size = -1048576")
            defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
            let generation = try Int64.fetchOne(
                db, sql: "SELECT value FROM counters WHERE name = ?", arguments: [Self.catalogueGeneration]) ?? 0
            guard generation == c.generation else {
                throw StoreError(
                    "another target catalogue was ingested while this one was being prepared; nothing was written — run the ingest again")
            }
            let now = Date().timestamp
            try db.execute(sql: "INSERT INTO surveys (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING",
                           arguments: [c.survey, now])
            let surveyID = try Int64.fetchOne(db, sql: "SELECT id FROM surveys WHERE name = ?", arguments: [c.survey])!
            try db.execute(
                sql: """
                    INSERT INTO catalogues (survey_id, sha256, original_name, repo_path, hdu, columns, link_radius_arcsec,
                        rows, new_targets, updated_targets, unchanged_targets, rejected_rows, new_objects, merges, ingested_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [surveyID, c.sha256, c.originalName, c.repoPath, c.hdu, c.columnsJSON, c.linkRadiusArcseconds,
                            c.rows, c.newTargets.count, c.updatedTargets.count, c.unchangedTargets, c.rejects.count,
                            c.newObjects.count, c.merges.count, now])
            let catalogueID = db.lastInsertedRowID
            var done = 0
            func tick() {
                done += 1
                if done % 50_000 == 0 { progress?(done, total) }
            }

            let reject = try db.cachedStatement(sql: "INSERT INTO catalogue_rejects (catalogue_id, row, name, reason) VALUES (?, ?, ?, ?)")
            for r in c.rejects { try reject.execute(arguments: [catalogueID, r.row, r.name, r.reason]) }

            let object = try BulkInsert(db, sql: """
                INSERT INTO objects (u_obj_id, resolution, ra, dec, cname, iau_name, iau_key, founder_targ_id, catalogue_id,
                    created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for o in c.newObjects {
                try object.run(
                    .integer(o.objectID), .integer(Int64(o.resolution.rawValue)), .real(o.reference.ra), .real(o.reference.dec),
                    .text(o.cname), .text(o.iauName), .integer(CoordinateName.numericKey(o.iauName) ?? 0),
                    .integer(o.founderTargID), .integer(catalogueID), .real(now))
                tick()
            }
            let target = try BulkInsert(db, sql: """
                INSERT INTO targets (targ_id, survey_id, name, resolution, ra, dec, pmra, pmdec, epoch, parallax, mag,
                    mag_type, ra2016, dec2016, hpx, cname, cname_key, u_obj_id, first_u_obj_id, catalogue_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for t in c.newTargets {
                let a = t.astrometry
                try target.run(
                    .integer(t.targID), .integer(surveyID), .text(t.name), .integer(Int64(t.resolution.rawValue)),
                    .real(a.position.ra), .real(a.position.dec), .real(a.pmRA), .real(a.pmDec), .real(a.epoch),
                    .real(a.parallax), t.mag.bulk, t.magType.bulk, .real(t.reference.ra), .real(t.reference.dec),
                    .integer(HEALPix.indexCell(t.reference)), .text(t.cname), .integer(CoordinateName.numericKey(t.cname) ?? 0),
                    .integer(t.objectID), .integer(t.objectID), .integer(catalogueID))
                tick()
            }
            let update = try db.cachedStatement(sql: """
                UPDATE targets SET ra = ?, dec = ?, pmra = ?, pmdec = ?, epoch = ?, parallax = ?, mag = ?, mag_type = ?,
                    ra2016 = ?, dec2016 = ?, hpx = ?, cname = ?, cname_key = ?, u_obj_id = ?, updated_catalogue_id = ?
                WHERE targ_id = ?
                """)
            // An object sits where its founder is: a founder's new astrometry moves it (its names stay, being ids).
            let moveObject = try db.cachedStatement(sql: "UPDATE objects SET ra = ?, dec = ? WHERE founder_targ_id = ?")
            for t in c.updatedTargets {
                let a = t.astrometry
                try update.execute(arguments: [
                    a.position.ra, a.position.dec, a.pmRA, a.pmDec, a.epoch, a.parallax, t.mag, t.magType,
                    t.reference.ra, t.reference.dec, HEALPix.indexCell(t.reference), t.cname,
                    CoordinateName.numericKey(t.cname) ?? 0, t.objectID, catalogueID,
                    t.targID,
                ])
                try moveObject.execute(arguments: [t.reference.ra, t.reference.dec, t.targID])
                tick()
            }
            for m in c.merges {
                try db.execute(sql: "UPDATE objects SET merged_into = ? WHERE u_obj_id = ? OR merged_into = ?",
                               arguments: [m.survivor, m.absorbed, m.absorbed])
                try db.execute(sql: "UPDATE targets SET u_obj_id = ? WHERE u_obj_id = ?", arguments: [m.survivor, m.absorbed])
                try db.execute(sql: "UPDATE object_merges SET survivor = ? WHERE survivor = ?", arguments: [m.survivor, m.absorbed])
                try db.execute(
                    sql: "INSERT INTO object_merges (absorbed, survivor, bridging_targ_id, catalogue_id, at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [m.absorbed, m.survivor, m.bridgingTargID, catalogueID, now])
            }
            try db.execute(
                sql: "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                arguments: [Self.catalogueGeneration])
            try Self.log(Event(
                at: now, kind: "targets.ingested", sha256: c.sha256, path: c.repoPath,
                message: "catalogue \(catalogueID) of survey \(c.survey) (\(c.originalName)): \(c.newTargets.count) new targets, "
                    + "\(c.updatedTargets.count) updated, \(c.unchangedTargets) unchanged, \(c.rejects.count) rows rejected; "
                    + "\(c.newObjects.count) new objects, \(c.merges.count) merges"), in: db)
            progress?(total, total)
            return catalogueID
        }
    }

    /// The catalogues ingested so far, oldest first.
    public func catalogues() throws -> [CatalogueSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.*, s.name AS survey FROM catalogues c JOIN surveys s ON s.id = c.survey_id ORDER BY c.id
                """).map { row in
                CatalogueSummary(
                    id: row["id"], survey: row["survey"], originalName: row["original_name"], repoPath: row["repo_path"],
                    sha256: row["sha256"], rows: row["rows"], newTargets: row["new_targets"],
                    updatedTargets: row["updated_targets"], unchangedTargets: row["unchanged_targets"],
                    rejectedRows: row["rejected_rows"], newObjects: row["new_objects"], merges: row["merges"],
                    linkRadiusArcseconds: row["link_radius_arcsec"], ingestedAt: row["ingested_at"])
            }
        }
    }

    /// The rows a catalogue did not load, in row order.
    public func catalogueRejects(catalogueID: Int64) throws -> [CatalogueReject] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT row, name, reason FROM catalogue_rejects WHERE catalogue_id = ? ORDER BY row",
                             arguments: [catalogueID]).map { CatalogueReject(row: $0[0], name: $0[1], reason: $0[2]) }
        }
    }

    static func storedTarget(_ row: Row) -> StoredTarget {
        StoredTarget(
            targID: row["targ_id"], name: row["name"], resolution: ResolutionMode(rawValue: row["resolution"]) ?? .low,
            astrometry: Astrometry(
                position: SkyPosition(ra: row["ra"], dec: row["dec"]), pmRA: row["pmra"], pmDec: row["pmdec"],
                epoch: row["epoch"], parallax: row["parallax"]),
            mag: row["mag"], magType: row["mag_type"], reference: SkyPosition(ra: row["ra2016"], dec: row["dec2016"]),
            cname: row["cname"], objectID: row["u_obj_id"])
    }
}
