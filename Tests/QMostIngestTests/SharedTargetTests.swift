import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostStore
import QMostTesting
import Testing

struct SharedTargetTests {
    @Test func transitiveChainsBecomeOneObject() throws {
        let inst = try Installation()
        let path = try inst.catalogue("chain.fits", [
            target("a", east(0)), target("b", east(0.9)), target("c", east(1.8)), target("d", east(2.7)), target("lone", east(10)),
        ])
        let outcome = try inst.ingestCatalogue(path)
        #expect(outcome.newObjects == 2)
        let a = try inst.objectOf("a")
        #expect(try ["b", "c", "d"].map { try inst.objectOf($0) } == [a, a, a])
        #expect(try inst.objectOf("lone") != a)
    }

    @Test func lowAndHighResolutionAreKeptApart() throws {
        let inst = try Installation()
        let path = try inst.catalogue("modes.fits", [
            target("lr", east(0), resolution: 1), target("hr", east(0.1), resolution: 2), target("lr2", east(0.2), resolution: 1),
        ])
        _ = try inst.ingestCatalogue(path)
        #expect(try inst.objectOf("lr") == inst.objectOf("lr2"))
        #expect(try inst.objectOf("lr") != inst.objectOf("hr"))
        #expect(IdentifierSpace.classify(try inst.objectOf("hr"))!.mode == .high)
    }

    @Test func idsAreStableAcrossASecondIngest() throws {
        let inst = try Installation()
        let first = try inst.catalogue("v1.fits", [target("p", east(0)), target("q", east(20)), target("r", east(40))])
        _ = try inst.ingestCatalogue(first)
        let before = try inst.storedTargets()
        // Same survey, new version: q moved by 0.2", s is new and lands on r, p unchanged.
        let second = try inst.catalogue("v2.fits", [target("s", east(40.5)), target("p", east(0)), target("q", east(20.2)), target("r", east(40))])
        let outcome = try inst.ingestCatalogue(second)
        #expect(outcome.newTargets == 1 && outcome.updatedTargets == 1 && outcome.unchangedTargets == 2 && outcome.newObjects == 0)
        let after = try inst.storedTargets()
        for (id, row) in before { #expect(after[id]?.name == row.name && after[id]?.object == row.object) }
        #expect(try inst.objectOf("s") == inst.objectOf("r"))
        // Ingesting the same file again is a no-op.
        let again = try inst.ingestCatalogue(second)
        #expect(again.alreadyIngested && again.catalogueID == outcome.catalogueID)
        #expect(try inst.count("catalogues") == 2)
    }

    @Test func aTargetThatMovesBeyondTheRadiusOrChangesModeIsRejected() throws {
        let inst = try Installation()
        _ = try inst.ingestCatalogue(try inst.catalogue("v1.fits", [target("p", east(0)), target("q", east(20))]))
        let outcome = try inst.ingestCatalogue(try inst.catalogue(
            "v2.fits", [target("p", east(5)), target("q", east(20), resolution: 2), target("new", east(80))]))
        #expect(outcome.newTargets == 1)
        #expect(outcome.rejects.count == 2)
        #expect(outcome.rejects[0].reason.contains("would move 5.000\""))
        #expect(outcome.rejects[1].reason.contains("cannot change resolution mode"))
    }

    @Test func bridgingTargetMergesAndOldIDsResolveToTheSurvivor() throws {
        let inst = try Installation()
        _ = try inst.ingestCatalogue(try inst.catalogue("a.fits", [target("west", east(0)), target("east", east(1.6))]), survey: "A")
        let west = try inst.objectOf("west"), eastObject = try inst.objectOf("east")
        #expect(west != eastObject)
        let outcome = try inst.ingestCatalogue(try inst.catalogue("b.fits", [target("bridge", east(0.8))]), survey: "B")
        let survivor = min(west, eastObject), absorbed = max(west, eastObject)
        #expect(outcome.merges == [ObjectMerge(absorbed: absorbed, survivor: survivor, bridgingTargID: try inst.targetIDs()["bridge"]!)])
        #expect(try ["west", "east", "bridge"].map { try inst.objectOf($0) } == [survivor, survivor, survivor])
        // Both old ids resolve to the survivor, and the merge is on record.
        for old in [west, eastObject] {
            let report = try inst.repository.resolve(.objectID(old), text: "\(old)")
            #expect(report.objects.contains { $0.uObjID == survivor && $0.mergedInto == nil })
            #expect(Set(report.targets.map(\.name)) == ["west", "east", "bridge"])
            #expect(report.merges.map(\.absorbed) == [absorbed])
        }
        let absorbedView = try inst.repository.resolve(.objectID(absorbed), text: "").objects.first { $0.uObjID == absorbed }
        #expect(absorbedView?.mergedInto == survivor)
        // A later merge into a new survivor re-points earlier merges (chains stay one step long).
        _ = try inst.ingestCatalogue(try inst.catalogue("c.fits", [target("far", east(3.2))]), survey: "C")
        let far = try inst.objectOf("far")
        _ = try inst.ingestCatalogue(try inst.catalogue("d.fits", [target("bridge2", east(2.4))]), survey: "D")
        #expect(try inst.objectOf("far") == survivor)
        let chain = try inst.repository.resolve(.objectID(absorbed), text: "")
        #expect(chain.objects.contains { $0.uObjID == survivor } && far != survivor)
    }

    @Test func aStaleCommitIsRefused() throws {
        let inst = try Installation()
        let snapshot = try inst.repository.catalogueSnapshot(survey: "S1", sha256: "x")
        _ = try inst.ingestCatalogue(try inst.catalogue("a.fits", [target("a", east(0))]))
        let stale = CatalogueCommit(
            survey: "S1", generation: snapshot.generation, sha256: "y", originalName: "b.fits", repoPath: "b.fits", hdu: 1,
            columnsJSON: "{}", linkRadiusArcseconds: 1, rows: 0, rejects: [], newTargets: [], updatedTargets: [],
            unchangedTargets: 0, newObjects: [], merges: [])
        #expect { _ = try inst.repository.commitCatalogue(stale) } throws: { "\($0)".contains("nothing was written") }
    }
}
