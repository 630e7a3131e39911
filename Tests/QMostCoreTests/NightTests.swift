import Foundation
import Testing
@testable import QMostCore

struct NightTests {
    @Test(arguments: [
        (59606.10523960, "2022-01-26"),  // EFOSC.2022-01-27T02:31:32.701: after midnight UTC, still the 26th's night
        (59605.79349780, "2022-01-26"),  // 19:02 UTC on the 26th
        (59607.00574401, "2022-01-27"),  // 00:08 UTC on the 28th
        (59608.05004107, "2022-01-28"),
        (59605.49999, "2022-01-25"),     // 11:59:59 UTC belongs to the previous night
        (59605.50001, "2022-01-26"),
    ])
    func mjdMinusTwelveHours(mjd: Double, night: String) throws {
        let header = HeaderFacts([("MJD-OBS", String(mjd))])
        #expect(try NightRule().night(for: header).get().iso == night)
    }

    @Test func nightKeywordWins() throws {
        let header = HeaderFacts([("MJD-OBS", "59606.1"), ("NIGHT", "20220301")])
        #expect(try NightRule().night(for: header).get().iso == "2022-03-01")
    }

    @Test func missingKeywordsSayWhy() {
        let result = NightRule().night(for: HeaderFacts([("OBJECT", "x")]))
        guard case .failure(let e) = result else { Issue.record("expected failure"); return }
        #expect(e.description.contains("MJD-OBS"))
        #expect(e.description.contains("NIGHT"))
    }

    @Test func badValuesAreRejected() {
        #expect(throws: NightAssignmentError.self) { try NightRule().night(for: HeaderFacts([("MJD-OBS", "abc")])).get() }
        #expect(throws: NightAssignmentError.self) { try NightRule().night(for: HeaderFacts([("NIGHT", "2022-02-30")])).get() }
    }

    @Test(arguments: ["2024-02-29", "20240229", "2022-12-31"])
    func validNights(_ text: String) { #expect(Night(text) != nil) }

    @Test(arguments: ["2023-02-29", "2022-13-01", "2022-1-01", "22-01-01", "", "2022/01/01"])
    func invalidNights(_ text: String) { #expect(Night(text) == nil) }

    @Test func mjdRoundTrip() {
        let d = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(abs(MJD.date(MJD.mjd(d)).timeIntervalSince(d)) < 1e-3)
        #expect(MJD.mjd(Date(timeIntervalSince1970: 0)) == 40587)
    }
}
