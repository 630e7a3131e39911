import Testing
@testable import QMostCore

struct StageGraphTests {
    @Test func graphIsTheSeedsChain() {
        var chain: [StageName] = [.ingest]
        while let next = StageGraph.successors(of: chain.last!).first { chain.append(next.name) }
        #expect(chain == [.ingest, .l1, .qa, .qaAnalyse, .l2, .qc, .trickle])
    }

    @Test func l2IsBlockedOnValidation() {
        #expect(StageGraph.definition(.l2).blockers == [.nightValidated])
        #expect(StageGraph.definition(.l1).blockers == [.nightComplete])
    }
}
