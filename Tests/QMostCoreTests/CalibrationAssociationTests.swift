import Foundation
import QMostCore
import Testing

/// Calibration association ranks masters as ESO's EDPS does: same OB, then same night, then the nearest night
/// within the kind's window; other spectrographs never qualify.
struct CalibrationAssociationTests {
    let n = Night("2026-11-20")!
    func candidate(_ id: Int64, _ kind: CalibrationKind, _ night: String, ob: Int64? = nil, spectrograph: String = "LRS-A") -> CalibrationCandidate {
        CalibrationCandidate(id: id, kind: kind, spectrograph: spectrograph, night: Night(night)!, obID: ob)
    }

    @Test func sameOBBeatsSameNightBeatsNearestNight() {
        let a = CalibrationAssociation()
        let all = [candidate(1, .trace, "2026-11-19"), candidate(2, .trace, "2026-11-20"), candidate(3, .trace, "2026-11-20", ob: 77)]
        let ob = a.choose(.trace, from: all, spectrograph: "LRS-A", night: n, obID: 77)
        #expect(ob?.candidate.id == 3 && ob?.tier == .sameOB)
        // Another OB's master of the same night is as good as the night's own; the later one is taken.
        #expect(a.choose(.trace, from: all, spectrograph: "LRS-A", night: n, obID: 78)?.candidate.id == 3)
        #expect(a.choose(.trace, from: all, spectrograph: "LRS-A", night: n, obID: 78)?.tier == .sameNight)
        #expect(a.choose(.trace, from: [all[0]], spectrograph: "LRS-A", night: n, obID: nil)?.tier == .nearby)
        #expect(a.choose(.trace, from: [all[0]], spectrograph: "LRS-A", night: n, obID: nil)?.nightsApart == 1)
    }

    @Test func windowsBoundTheSearchAndTheNearerOrLaterMasterWins() {
        let a = CalibrationAssociation(windows: [.bias: 7])
        let biases = [candidate(1, .bias, "2026-11-12"), candidate(2, .bias, "2026-11-15"), candidate(3, .bias, "2026-11-25")]
        // 8 nights away is out of a 7-night window; of 5 before and 5 after, the later is taken.
        #expect(a.choose(.bias, from: [biases[0]], spectrograph: "LRS-A", night: n, obID: nil) == nil)
        #expect(a.choose(.bias, from: biases, spectrograph: "LRS-A", night: n, obID: nil)?.candidate.id == 3)
        #expect(a.choose(.dark, from: [candidate(4, .dark, "2026-11-19")], spectrograph: "LRS-A", night: n, obID: nil) == nil,
                "a kind without a window takes only its own night's")
        #expect(a.choose(.dark, from: [candidate(4, .dark, "2026-11-20")], spectrograph: "LRS-A", night: n, obID: nil)?.tier == .sameNight)
        #expect(a.choose(.bias, from: [candidate(5, .bias, "2026-11-20", spectrograph: "HRS")], spectrograph: "LRS-A", night: n, obID: nil) == nil)
    }

    @Test func aChoiceIsBetterByTierThenDistance() {
        let c = candidate(1, .bias, "2026-11-20")
        let sameNight = CalibrationChoice(candidate: c, tier: .sameNight, nightsApart: 0)
        let near = CalibrationChoice(candidate: c, tier: .nearby, nightsApart: 1)
        let far = CalibrationChoice(candidate: c, tier: .nearby, nightsApart: 3)
        #expect(sameNight.isBetter(than: near) && near.isBetter(than: far) && far.isBetter(than: Optional<CalibrationChoice>.none))
        #expect(!near.isBetter(than: near) && !far.isBetter(than: sameNight))
    }

    @Test func nightsCountCalendarDaysAcrossMonthsAndYears() {
        #expect(Night("2026-12-31")!.daysTo(Night("2027-01-02")!) == 2)
        #expect(Night("2024-03-01")!.daysTo(Night("2024-02-28")!) == -2)
    }

    @Test func windowsAreConfigurableAndBadKindsAreNamed() throws {
        let c = try Configuration.parse("calibrations:\n  max_nights: {bias: 2, wave: 0}\n", path: "/x/etc/qmostd.yaml")
        #expect(c.calibrationWindows[.bias] == 2 && c.calibrationWindows[.wave] == 0 && c.calibrationWindows[.dark] == 31)
        #expect(throws: (any Error).self) { try Configuration.parse("calibrations:\n  max_nights: {flat: 2}\n", path: "/x/etc/qmostd.yaml") }
        do {
            _ = try Configuration.parse("calibrations:\n  max_nights: {flat: 2}\n", path: "/x/etc/qmostd.yaml")
        } catch {
            #expect("\(error)".contains("unknown calibration kind 'flat'"), "\(error)")
        }
        #expect(throws: (any Error).self) { try Configuration.parse("calibrations:\n  max_nights: {bias: -1}\n", path: "/x/etc/qmostd.yaml") }
    }

    @Test func crosstalkIsConfiguredPerDetectorAndCheckedForShape() throws {
        let c = try Configuration.parse("calibrations:\n  crosstalk: {LRS-A/BLUE: [[0, 3.2e-4], [-1.8e-4, 0]]}\n", path: "/x/etc/qmostd.yaml")
        #expect(c.crosstalk["LRS-A/BLUE"] == [[0, 3.2e-4], [-1.8e-4, 0]])
        for bad in ["{LRS-C/BLUE: [[0, 1], [1, 0]]}", "{LRS-A/BLUE: [[0, 1]]}", "{BLUE: [[0, 1], [1, 0]]}"] {
            #expect(throws: (any Error).self, "\(bad)") { try Configuration.parse("calibrations:\n  crosstalk: \(bad)\n", path: "/x/etc/qmostd.yaml") }
        }
    }
}
