import Foundation
import Testing
@testable import QMostCore

/// The qa_analyse test catalogue from `qa.tests` (seed 9.2.2): states from req and goal, and bad entries named.
struct QualityTestConfigurationTests {
    @Test func aCatalogueReplacesTheDefaultsAndStatesFollowReqAndGoal() throws {
        let c = try Configuration.parse("""
            qa:
              tests:
                - {id: 7, name: offset, metric: sky_line_offset, req: 0.1, goal: 0.03, direction: max}
                - {id: 8, name: sky share, metric: sky_fibre_fraction, req: 0.05, goal: 0.08, direction: min}
            """, path: "q.yaml")
        #expect(c.qaTests.map(\.id) == [7, 8])
        let offset = c.qaTests[0], share = c.qaTests[1]
        #expect(offset.state(0.02) == 2 && offset.state(0.05) == 1 && offset.state(0.3) == 0 && offset.state(.nan) == 0)
        #expect(share.state(0.1) == 2 && share.state(0.06) == 1 && share.state(0.01) == 0)
        #expect(try Configuration.parse("qa: {}", path: "q.yaml").qaTests == QualityTest.defaults)
    }

    @Test func badEntriesAreRefusedNamingTheEntry() {
        for (yaml, words) in [
            ("qa: {tests: [{id: 1, name: x, metric: brightness, req: 1, goal: 0, direction: max}]}", "unknown metric 'brightness'"),
            ("qa: {tests: [{id: 1, name: x, metric: noise_factor, req: 1, goal: 0, direction: up}]}", "direction 'up'"),
            ("qa: {tests: [{id: 1, name: x, metric: noise_factor, req: 1, goal: 2, direction: max}]}", "goal 2.0 is not at least as good"),
            ("qa: {tests: [{id: 1, name: x, metric: noise_factor, req: 1, goal: 0, direction: max}, {id: 1, name: y, metric: noise_factor, req: 1, goal: 0, direction: max}]}", "test id 1 is used twice"),
        ] {
            #expect { try Configuration.parse(yaml, path: "q.yaml") } throws: { "\($0)".contains(words) && "\($0)".contains("q.yaml") }
        }
    }
}
