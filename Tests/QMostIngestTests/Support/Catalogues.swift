import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostStore
import QMostTesting

typealias Target = SyntheticCatalogue.Target

extension Installation {
    var catalogues: TargetCatalogueIngester { TargetCatalogueIngester(configuration: configuration, repository: repository) }

    /// Writes `targets` to a catalogue file in the installation's scratch folder.
    func catalogue(_ name: String, _ targets: [Target], names: [String: String] = [:], units: [String: String] = [:],
                   omit: Set<String> = []) throws -> String {
        let path = directory.file(name)
        try SyntheticCatalogue.write(targets, to: path, names: names, units: units, omit: omit)
        return path
    }

    func ingestCatalogue(_ path: String, survey: String = "S1") throws -> CatalogueOutcome {
        try catalogues.ingest(path: path, survey: survey)
    }

    func storedTargets() throws -> [Int64: StoredTargetRow] {
        try repository.pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT targ_id, name, u_obj_id, cname, resolution FROM targets").map {
                ($0[0], StoredTargetRow(name: $0[1], object: $0[2], cname: $0[3], resolution: $0[4]))
            })
        }
    }

    /// TARG_ID by target name (names are unique across the surveys these tests use).
    func targetIDs() throws -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: try storedTargets().map { ($0.value.name, $0.key) })
    }

    func objectOf(_ name: String) throws -> Int64 {
        try storedTargets().values.first { $0.name == name }!.object
    }
}

struct StoredTargetRow: Equatable {
    var name: String
    var object: Int64
    var cname: String
    var resolution: Int
}

/// A position `arcsec` east of (150, 2).
func east(_ arcsec: Double, ra: Double = 150, dec: Double = 2) -> (ra: Double, dec: Double) {
    (ra + arcsec / 3600 / cos(dec * .pi / 180), dec)
}

func target(_ name: String, _ p: (ra: Double, dec: Double), resolution: Int = 1, epoch: Double = 2016) -> Target {
    Target(name: name, ra: p.ra, dec: p.dec, epoch: epoch, resolution: resolution)
}
