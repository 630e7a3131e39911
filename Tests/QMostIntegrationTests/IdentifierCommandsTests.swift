import Foundation
import QMostCore
import QMostStore
import QMostTesting
import Testing

/// `qmostd targets`, `ids` and `cone` as an operator runs them.
@Suite(.serialized)
struct IdentifierCommandsTests {
    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    @Test(.timeLimit(.minutes(2)))
    func ingestLookUpAndSearch() throws {
        let inst = try TestInstallation(yaml: "targets:\n  link_radius_arcsec: 2", label: "qmost-ids")
        let scratch = try TemporaryDirectory("qmost-ids-cat")
        let catalogue = scratch.file("survey.fits")
        try SyntheticCatalogue.write([
            .init(name: "alpha", ra: 314.1146, dec: -41.19583, epoch: 2016, resolution: 1),
            .init(name: "beta", ra: 314.1146 + 1.5 / 3600 / cos(41.19583 * .pi / 180), dec: -41.19583, epoch: 2016, resolution: 1),
            .init(name: "bad", ra: 400, dec: 0),
        ], to: catalogue)

        let (status, output) = try inst.cli(["targets", "ingest", catalogue, "--survey", "WAVES"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("row 3 (bad): RA 400.0 is not in [0, 360)"))
        #expect(output.contains("2 new targets") && output.contains("1 new objects"), "the 2\" radius links alpha and beta: \(output)")

        let (again, againOut) = try inst.cli(["targets", "ingest", catalogue, "--survey", "WAVES"])
        #expect(again == 0 && againOut.contains("already ingested"))

        let (_, listed) = try inst.cli(["targets", "list", "--json"])
        let list = try decode([CatalogueSummary].self, listed)
        #expect(list.count == 1 && list[0].rejectedRows == 1 && list[0].linkRadiusArcseconds == 2)
        let (_, rejects) = try inst.cli(["targets", "rejects", "\(list[0].id)"])
        #expect(rejects.contains("row 3 (bad)"))

        let (idStatus, idJSON) = try inst.cli(["ids", "20562750-4111449", "--json"])
        #expect(idStatus == 0, "\(idJSON)")
        let report = try decode(IdentifierReport.self, idJSON)
        #expect(report.matchedAs == "CNAME")
        #expect(Set(report.targets.map(\.name)) == ["alpha", "beta"])
        #expect(report.objects.count == 1 && report.objects[0].iauName == "4MOST J20562750-4111449")

        let (textStatus, text) = try inst.cli(["ids", "4MOST", "J20562750-4111449"])
        #expect(textStatus == 0 && text.contains("read as IAU_NAME") && text.contains("WAVES/alpha"), "\(text)")

        let (unknown, unknownOut) = try inst.cli(["ids", "1000000000999"])
        #expect(unknown == 1 && unknownOut.contains("not known"))
        let (garbage, garbageOut) = try inst.cli(["ids", "hello"])
        #expect(garbage != 0 && garbageOut.contains("is not an identifier"))

        let (coneStatus, coneJSON) = try inst.cli(["cone", "314.1146", "-41.19583", "60", "--json"])
        #expect(coneStatus == 0, "\(coneJSON)")
        let cone = try decode(ConeReport.self, coneJSON)
        #expect(cone.targets.map(\.name) == ["alpha", "beta"] && cone.objects.count == 1)
        let (badCone, badConeOut) = try inst.cli(["cone", "314.1", "-95", "60"])
        #expect(badCone != 0 && badConeOut.contains("Dec -95.0 is not in [-90, 90]"))
    }

    @Test(.timeLimit(.minutes(2)))
    func aBrokenCatalogueChangesNothing() throws {
        let inst = try TestInstallation(yaml: "", label: "qmost-badcat")
        let scratch = try TemporaryDirectory("qmost-badcat-cat")
        let catalogue = scratch.file("nora.fits")
        try SyntheticCatalogue.write([.init(name: "x", ra: 1, dec: 1)], to: catalogue, omit: ["RA"])
        let (status, output) = try inst.cli(["targets", "ingest", catalogue, "--survey", "S"])
        #expect(status != 0)
        #expect(output.contains(catalogue) && output.contains("no RA column") && output.contains("nothing was changed"))
        #expect(try inst.count("SELECT COUNT(*) FROM catalogues") == 0)
    }
}
