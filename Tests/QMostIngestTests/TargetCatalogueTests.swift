import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostStore
import QMostTesting
import Testing

struct TargetCatalogueTests {
    @Test func loadsTargetsWithIDsInRowOrderAndNamesThem() throws {
        let inst = try Installation()
        let path = try inst.catalogue("cat.fits", [
            Target(name: "A", ra: 314.1146, dec: -41.19583, epoch: 2000, resolution: 1),
            Target(name: "B", ra: 10, dec: 10, resolution: 2),
        ])
        let outcome = try inst.ingestCatalogue(path)
        #expect(outcome.newTargets == 2 && outcome.newObjects == 2 && outcome.rejects.isEmpty)
        let ids = try inst.targetIDs()
        #expect(ids["A"] == IdentifierSpace.targetID(serial: 1))
        #expect(ids["B"] == IdentifierSpace.targetID(serial: 2))
        let targets = try inst.storedTargets()
        #expect(targets[ids["A"]!]!.cname == "20562750-4111449")
        #expect(IdentifierSpace.classify(targets[ids["A"]!]!.object)! == (.object, .low))
        #expect(IdentifierSpace.classify(targets[ids["B"]!]!.object)! == (.object, .high))
        // The catalogue is kept in the repository and the ingest is in the event log.
        let summary = try #require(try inst.repository.catalogues().first)
        #expect(FileManager.default.fileExists(atPath: inst.absolute(summary.repoPath)))
        #expect(try inst.events(kind: "targets.ingested").count == 1)
    }

    @Test func badRowsAreReportedAndTheRestLoad() throws {
        let inst = try Installation()
        let path = try inst.catalogue("cat.fits", [
            target("good1", east(0)),
            Target(name: "badRA", ra: 361, dec: 0),
            Target(name: "badDec", ra: 10, dec: -91),
            Target(name: "", ra: 10, dec: 0),
            Target(name: "badRes", ra: 10, dec: 0, resolution: 3),
            target("good1", east(100)),
            Target(name: "tooFast", ra: 10, dec: 0, pmra: 30_000, epoch: 2000),
            Target(name: "noEpoch", ra: 10, dec: 0, pmra: 5, epoch: .nan),
            Target(name: "nanRA", ra: .nan, dec: 0),
            target("good2", east(200)),
        ])
        let outcome = try inst.ingestCatalogue(path)
        #expect(outcome.newTargets == 2)
        #expect(outcome.rejects.map(\.row) == [2, 3, 4, 5, 6, 7, 8, 9])
        let reasons = Dictionary(uniqueKeysWithValues: outcome.rejects.map { ($0.row, $0.reason) })
        #expect(reasons[2]!.contains("RA 361.0 is not in [0, 360)"))
        #expect(reasons[3]!.contains("DEC -91.0"))
        #expect(reasons[4]!.contains("NAME is empty"))
        #expect(reasons[5]!.contains("'3' is neither 1 (LR) nor 2 (HR)"))
        #expect(reasons[6]!.contains("already used in row 1"))
        #expect(reasons[7]!.contains("faster than any known star"))
        #expect(reasons[8]!.contains("EPOCH nan"))
        #expect(reasons[9]!.contains("RA nan"))
        // Every reject is kept for `targets rejects`.
        #expect(try inst.repository.catalogueRejects(catalogueID: outcome.catalogueID).count == 8)
    }

    @Test(arguments: [
        ("missing column", [String: String](), [String: String](), Set(["RA"]), "no RA column 'RA'"),
        ("wrong unit", [:], ["RA": "h"], Set<String>(), "unit 'h', which is not a unit of deg"),
        ("proper motion without epoch", [:], [:], Set(["EPOCH"]), "no epoch column"),
    ])
    func wholeCatalogueFailuresChangeNothing(
        _ label: String, names: [String: String], units: [String: String], omit: Set<String>, message: String
    ) throws {
        let inst = try Installation()
        let before = try inst.catalogue("first.fits", [target("keep", east(0))])
        _ = try inst.ingestCatalogue(before)
        let path = try inst.catalogue("bad.fits", [target("x", east(50)), target("y", east(90))],
                                      names: names, units: units, omit: omit)
        #expect {
            _ = try inst.ingestCatalogue(path)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains(path)
        }
        #expect(try [inst.count("targets"), inst.count("catalogues"), inst.count("objects")] == [1, 1, 1])
        let kept = try FileManager.default.contentsOfDirectory(atPath: inst.absolute("repo/catalogues/S1"))
        #expect(kept.count == 1)
    }

    @Test func aCatalogueWithNoGoodRowFailsAsAWhole() throws {
        let inst = try Installation()
        let path = try inst.catalogue("bad.fits", [Target(name: "a", ra: 400, dec: 0), Target(name: "b", ra: 0, dec: 100)])
        #expect { _ = try inst.ingestCatalogue(path) } throws: { "\($0)".contains("no row could be loaded") }
        #expect(try inst.count("catalogues") == 0)
    }

    @Test func notAFITSFileIsAWholeFailure() throws {
        let inst = try Installation()
        let path = inst.directory.file("junk.fits")
        try Data("not fits at all".utf8).write(to: URL(fileURLWithPath: path))
        #expect { _ = try inst.ingestCatalogue(path) } throws: { "\($0)".contains(path) }
        #expect(try inst.count("catalogues") == 0)
    }

    @Test func unitsAreConverted() throws {
        let inst = try Installation()
        let path = try inst.catalogue("units.fits", [Target(name: "m", ra: 1, dec: 0.5, pmra: 1.2, pmdec: -0.4, epoch: 2000, parallax: 0.01)],
                                      units: ["PMRA": "arcsec yr-1", "PMDEC": "arcsec.yr**-1", "PARALLAX": "arcsec", "RA": "rad", "DEC": "rad"])
        let outcome = try inst.ingestCatalogue(path)
        #expect(outcome.notes.contains { $0.contains("PMRA converted") })
        let t = try inst.repository.pool.read { db in try Row.fetchOne(db, sql: "SELECT ra, dec, pmra, pmdec, parallax FROM targets")! }
        #expect(abs((t[0] as Double) - 180 / .pi) < 1e-9)
        #expect(abs((t[2] as Double) - 1200) < 1e-9 && abs((t[3] as Double) + 400) < 1e-9 && abs((t[4] as Double) - 10) < 1e-9)
    }

    @Test func customColumnNames() throws {
        let inst = try Installation()
        let path = try inst.catalogue("named.fits", [target("n", east(0))], names: ["RA": "RA_ICRS", "NAME": "TARGET"])
        var columns = Configuration.Targets.Columns()
        columns.ra = "RA_ICRS"
        columns.name = "target"  // names match case-insensitively
        let outcome = try inst.catalogues.ingest(path: path, survey: "S1", columns: columns)
        #expect(outcome.newTargets == 1)
    }

    @Test func barnardsStarGetsItsIAUNameAndLinksAcrossEpochs() throws {
        let inst = try Installation()
        // A J2000 catalogue entry (SIMBAD's position) and a Gaia DR3 one at 2016.0 from another survey.
        let j2000 = try inst.catalogue("j2000.fits", [Target(
            name: "GJ699", ra: (17 + 57.0 / 60 + 48.49847 / 3600) * 15, dec: 4 + 41.0 / 60 + 36.1139 / 3600,
            pmra: -801.551, pmdec: 10362.394, epoch: 2000, parallax: 546.9759, resolution: 2)])
        _ = try inst.ingestCatalogue(j2000, survey: "S1")
        let gaia = try inst.catalogue("gaia.fits", [Target(
            name: "Gaia DR3 4472832130942575872", ra: 269.44850252543836, dec: 4.739420051112412,
            pmra: -801.551, pmdec: 10362.394, epoch: 2016, parallax: 546.9759, resolution: 2)])
        let second = try inst.ingestCatalogue(gaia, survey: "S2")
        #expect(second.newObjects == 0)
        let object = try inst.objectOf("GJ699")
        #expect(try inst.objectOf("Gaia DR3 4472832130942575872") == object)
        let report = try inst.repository.resolve(.objectID(object), text: "\(object)")
        #expect(report.objects.first?.iauName == "4MOST J17574764+0444219")
        #expect(report.objects.first?.cname == "17574849+0441361")
    }
}
