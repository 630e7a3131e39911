import Foundation
import QMostCore
import QMostStore
import Testing
@testable import QMostEngine

/// Which stacks a night's OB products call for (seed 11.5): a night stack of an object seen in more than one OB
/// of the night, a deep stack of one seen on more than one night; each per part and resolution, never mixing them.
struct L1StackPlanningTests {
    func entry(_ id: Int64, night: String, ob: Int64, spectrograph: String = "LRS-A", part: String = "J", object: String) -> Phase3Entry {
        var product = Product(kind: "l1_phase3", level: "l1", night: night, path: "repo/l1/\(night)/singlespec/\(object)_\(ob)_\(part).fits",
                              sha256: String(repeating: "a", count: 64), stageRunID: nil, createdAt: 0)
        product.id = id
        return Phase3Entry(product: product, phase3: Phase3Product(productID: id, night: night, obID: ob, spectrograph: spectrograph, part: part,
                                                                   stack: "OB", objectKey: object, cname: "10000000+1000000", specuid: 5_000_000_000_000 + id,
                                                                   combined: 2))
    }

    @Test func nightStacksNeedTwoOBsAndDeepStacksTwoNights() {
        let tonight = [
            entry(1, night: "2026-11-21", ob: 10, object: "uobj:1"), entry(2, night: "2026-11-21", ob: 11, object: "uobj:1"),
            entry(3, night: "2026-11-21", ob: 10, object: "uobj:2"),
            entry(4, night: "2026-11-21", ob: 10, part: "B", object: "uobj:2"),
            entry(5, night: "2026-11-21", ob: 12, spectrograph: "HRS", part: "B", object: "uobj:2"),
        ]
        let earlier = [entry(6, night: "2026-11-20", ob: 9, object: "uobj:2"), entry(7, night: "2026-11-20", ob: 9, spectrograph: "LRS-B", part: "B", object: "uobj:2")]
        let plans = L1NightStacksJob.plans(night: tonight, deep: tonight + earlier)
        let night = plans.filter { $0.level == .night }, deep = plans.filter { $0.level == .all }
        // Object 1: two OBs tonight, joined: a night stack; one night only: no deep stack.
        #expect(night.count == 1 && night[0].objectKey == "uobj:1" && night[0].inputs.map(\.phase3.productID) == [1, 2])
        // Object 2: joined LRS and blue LRS (LRS-A tonight, LRS-B before) on two nights; its HRS blue only tonight.
        #expect(deep.map { "\($0.objectKey) \($0.part) \($0.resolution == .low ? "low" : "high")" }.sorted() == ["uobj:2 B low", "uobj:2 J low"])
        #expect(deep.first { $0.part == "J" }!.inputs.map(\.phase3.productID).sorted() == [3, 6])
        #expect(deep.first { $0.part == "B" }!.inputs.map(\.phase3.productID).sorted() == [4, 7])
    }
}
