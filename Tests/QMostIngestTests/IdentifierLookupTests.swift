import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostStore
import QMostTesting
import Testing

struct IdentifierLookupTests {
    @Test func everyIdentifierResolvesToTheOthers() throws {
        let inst = try Installation()
        _ = try inst.ingestCatalogue(try inst.catalogue("a.fits", [
            Target(name: "star", ra: 314.1146, dec: -41.19583, epoch: 2016), target("other", east(30)),
        ]))
        let targ = try inst.targetIDs()["star"]!
        let object = try inst.objectOf("star")
        let spectra = try inst.repository.registerSpectra([SpectrumRegistration(
            night: Night("2022-09-04")!, obID: 100118, spectrograph: "LRS-A", arm: "J", stack: .exposure,
            pipelineVersion: "0.3.0", fibre: 644, targID: targ)])
        let specuid = spectra[0].specuid
        #expect(specuid == IdentifierSpace.spectrumID(serial: 1))
        #expect(spectra[0].text == "5000000000001_20220904_OB100118_LRSA_J_EXP_0.3.0")

        for text in ["\(targ)", "\(object)", "20562750-4111449", "QMOST20562750--4111449", "4MOST J20562750-4111449",
                     "\(specuid)", spectra[0].text] {
            let query = try #require(IdentifierQuery(text), "\(text)")
            let report = try inst.repository.resolve(query, text: text)
            #expect(report.targets.map(\.targID) == [targ], "\(text)")
            #expect(report.objects.map(\.uObjID) == [object], "\(text)")
            #expect(report.spectra.map(\.specuid) == [specuid], "\(text)")
            #expect(report.spectra.first?.uObjID == object, "\(text): the object is filled in from the target")
        }
        #expect(try inst.repository.resolve(.targetID(IdentifierSpace.targetID(serial: 99)), text: "").isEmpty)
    }

    @Test func spectrumRegistrationIsIdempotent() throws {
        let inst = try Installation()
        let r = SpectrumRegistration(night: Night("2022-09-04")!, obID: 1, spectrograph: "HRS", arm: "B", stack: .exposure,
                                     pipelineVersion: "1.0", fibre: 3)
        let first = try inst.repository.registerSpectra([r, r])
        #expect(first[0].specuid == first[1].specuid)
        var newer = r
        newer.pipelineVersion = "1.1"
        var otherArm = r
        otherArm.arm = "R"
        let second = try inst.repository.registerSpectra([r, newer, otherArm])
        #expect(second[0].specuid == first[0].specuid)
        #expect(Set(second.map(\.specuid)).count == 3)
        let stack = SpectrumRegistration(night: Night("2022-09-04")!, obID: 1, spectrograph: "HRS", arm: "B", stack: .ob,
                                         pipelineVersion: "1.0", inputs: [second[1].specuid, second[0].specuid])
        let stacked = try inst.repository.registerSpectra([stack])[0]
        let view = try inst.repository.resolve(.specuid(stacked.specuid), text: "")
        #expect(view.spectra.first?.inputs == [second[0].specuid, second[1].specuid].sorted())
        // Once L1 has written the file, the spectrum points at it.
        let product = try inst.repository.pool.write { db -> Int64 in
            try db.execute(sql: "INSERT INTO products (kind, level, night, path, sha256, created_at) VALUES ('spectrum', 'L1', '2022-09-04', 'repo/l1/x.fits', 'abc', 0)")
            return db.lastInsertedRowID
        }
        try inst.repository.attachSpectra([stacked.specuid], toProduct: product)
        #expect(try inst.repository.resolve(.specuid(stacked.specuid), text: "").spectra.first?.product == "repo/l1/x.fits")
    }

    @Test func coneSearchUsesReferencePositionsAndFindsOnlyWhatIsInside() throws {
        let inst = try Installation()
        _ = try inst.ingestCatalogue(try inst.catalogue("a.fits", [
            target("in1", east(0)), target("in2", east(20)), target("edge", east(59)), target("out", east(61)),
            // Catalogued at J2000 60" away but moved into the cone by 2016.
            Target(name: "mover", ra: east(-70).ra, dec: 2, pmra: 4000, epoch: 2000, resolution: 1),
        ]))
        let report = try inst.repository.cone(centre: SkyPosition(ra: 150, dec: 2), radiusArcsec: 60)
        #expect(report.targets.map(\.name) == ["in1", "mover", "in2", "edge"])
        #expect(report.objects.count == 4)
        #expect(report.targets.allSatisfy { $0.separationArcsec! <= 60 })
    }

    @Test(arguments: [(0.0001, 10.0), (359.9999, -10.0), (45.0, 89.9999), (200.0, -89.9999)])
    func coneSearchAcrossRAZeroAndThePoles(ra: Double, dec: Double) throws {
        let inst = try Installation()
        // Four targets 5" from the centre in four directions, one 30" away.
        let centre = SkyPosition(ra: ra, dec: dec)
        func offset(_ north: Double, _ eastward: Double) -> Target {
            let u = centre.unitVector
            let a = ra * .pi / 180, d = dec * .pi / 180
            let k = 1.0 / 3600 * .pi / 180
            let moved = UnitVector(x: u.x - eastward * k * sin(a) - north * k * sin(d) * cos(a),
                                   y: u.y + eastward * k * cos(a) - north * k * sin(d) * sin(a),
                                   z: u.z + north * k * cos(d)).position
            return Target(name: "\(north),\(eastward)", ra: moved.ra, dec: moved.dec, epoch: 2016)
        }
        _ = try inst.ingestCatalogue(try inst.catalogue("c.fits", [offset(5, 0), offset(-5, 0), offset(0, 5), offset(0, -5), offset(30, 0)]))
        let report = try inst.repository.cone(centre: centre, radiusArcsec: 10)
        #expect(report.targets.count == 4, "\(report.targets.map(\.name))")
    }
}
