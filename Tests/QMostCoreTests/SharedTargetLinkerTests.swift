import Foundation
import Testing
@testable import QMostCore

struct SharedTargetLinkerTests {
    /// A position `arcsec` east of (150, 2) along the equator-parallel.
    private func east(_ arcsec: Double, dec: Double = 2) -> SkyPosition {
        SkyPosition(ra: 150 + arcsec / 3600 / cos(dec * .pi / 180), dec: dec)
    }

    @Test func chainsLinkTransitively() {
        // A-B and B-C are 0.8" apart, A-C 1.6": one object through B; D is alone.
        let incoming = [east(0), east(0.8), east(1.6), east(10)].map { SharedTargetLinker.Incoming(position: $0) }
        let result = SharedTargetLinker.link(incoming: incoming, linked: [], radiusArcseconds: 1)
        #expect(result.newObjects == [0, 3])
        #expect(result.assignments == [.new(0), .new(0), .new(0), .new(1)])
        #expect(result.merges.isEmpty)
    }

    @Test func orderOfTheChainDoesNotMatter() {
        let incoming = [east(1.6), east(10), east(0), east(0.8)].map { SharedTargetLinker.Incoming(position: $0) }
        let result = SharedTargetLinker.link(incoming: incoming, linked: [], radiusArcseconds: 1)
        #expect(result.newObjects == [0, 1])
        #expect(result.assignments == [.new(0), .new(1), .new(0), .new(0)])
    }

    @Test func newTargetsJoinExistingObjects() {
        let linked = [SharedTargetLinker.Linked(position: east(0), objectID: 2_000_000_000_007)]
        let incoming = [SharedTargetLinker.Incoming(position: east(0.5)), SharedTargetLinker.Incoming(position: east(1.3))]
        let result = SharedTargetLinker.link(incoming: incoming, linked: linked, radiusArcseconds: 1)
        // The second is 1.3" from the old target but 0.8" from the first new one: friends of friends.
        #expect(result.assignments == [.existing(2_000_000_000_007), .existing(2_000_000_000_007)])
        #expect(result.newObjects.isEmpty)
    }

    @Test func bridgingTargetMergesIntoTheOldestObject() {
        let linked = [
            SharedTargetLinker.Linked(position: east(0), objectID: 2_000_000_000_009),
            SharedTargetLinker.Linked(position: east(1.8), objectID: 2_000_000_000_003),
            SharedTargetLinker.Linked(position: east(30), objectID: 2_000_000_000_004),
        ]
        let incoming = [SharedTargetLinker.Incoming(position: east(30.2)), SharedTargetLinker.Incoming(position: east(0.9))]
        let result = SharedTargetLinker.link(incoming: incoming, linked: linked, radiusArcseconds: 1)
        #expect(result.assignments == [.existing(2_000_000_000_004), .existing(2_000_000_000_003)])
        #expect(result.merges == [.init(absorbed: 2_000_000_000_009, survivor: 2_000_000_000_003, bridgingTarget: 1)])
    }

    @Test func updatedTargetsStayWithTheirObject() {
        // A re-ingested target that moved by 0.3" keeps its object even though nothing else is near it.
        let incoming = [SharedTargetLinker.Incoming(position: east(50), objectID: 2_000_000_000_001)]
        let result = SharedTargetLinker.link(incoming: incoming, linked: [], radiusArcseconds: 1)
        #expect(result.assignments == [.existing(2_000_000_000_001)])
    }

    @Test func radiusIsConfigurable() {
        let incoming = [east(0), east(2.5)].map { SharedTargetLinker.Incoming(position: $0) }
        #expect(SharedTargetLinker.link(incoming: incoming, linked: [], radiusArcseconds: 1).newObjects.count == 2)
        #expect(SharedTargetLinker.link(incoming: incoming, linked: [], radiusArcseconds: 3).newObjects.count == 1)
    }
}
