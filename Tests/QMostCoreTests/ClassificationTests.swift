import Testing
@testable import QMostCore

struct ClassificationTests {
    private func header(_ catg: String, _ type: String, _ tech: String) -> HeaderFacts {
        HeaderFacts([("HIERARCH ESO DPR CATG", catg), ("HIERARCH ESO DPR TYPE", type), ("HIERARCH ESO DPR TECH", tech)])
    }

    // The DPR tuples of the real EFOSC2 frames in ../shared/data/eso-raw and of 4MOST's calibration kinds.
    @Test(arguments: [
        ("CALIB", "DARK", "IMAGE", FrameKind.dark),
        ("CALIB", "FLAT", "SPECTRUM", .fibreFlat),
        ("CALIB", "WAVE", "SPECTRUM", .arc),
        ("CALIB", "SKY,FLAT", "IMAGE", .twilightFlat),
        ("SCIENCE", "OBJECT", "SPECTRUM", .science),
        ("SCIENCE", "OBJECT", "IMAGE", .science),
        ("SCIENCE", "STD", "SPECTRUM", .standard),
        ("CALIB", "BIAS", "IMAGE", .bias),
        ("CALIB", "FLAT,LED", "IMAGE", .detectorFlat),
        ("CALIB", "FLAT,LAMP", "MOS", .fibreFlat),
        ("CALIB", "FLAT,TWILIGHT", "MOS", .twilightFlat),
        ("CALIB", "WAVE,FP", "MOS", .fp),
        ("CALIB", "WAVE,LAMP", "MOS", .arc),
        ("ACQUISITION", "OBJECT", "IMAGE", .other),
    ])
    func defaultRules(catg: String, type: String, tech: String, kind: FrameKind) {
        #expect(Classifier().classify(header(catg, type, tech)).kind == kind)
    }

    @Test func ruleNameIsReported() {
        let c = Classifier().classify(header("CALIB", "SKY,FLAT", "IMAGE"))
        #expect(c.rule == "sky-flat")
        #expect(Classifier().classify(HeaderFacts()).rule == "no rule matched")
    }

    @Test func keysAreNormalised() {
        let h = HeaderFacts([("hierarch eso dpr type ", " dark ")])
        #expect(h["ESO DPR TYPE"] == "dark")
        #expect(h["HIERARCH ESO DPR TYPE"] == "dark")
        #expect(Classifier().classify(h).kind == .dark)
    }

    @Test func presenceAndAbsencePatterns() {
        let present = ClassificationRule(name: "p", kind: .other, when: ["OBJECT": "*"])
        let absent = ClassificationRule(name: "a", kind: .other, when: ["OBJECT": "!"])
        #expect(present.matches(HeaderFacts([("OBJECT", "x")])))
        #expect(!present.matches(HeaderFacts()))
        #expect(absent.matches(HeaderFacts()))
    }

    @Test(arguments: [("A*C", "ABBC", true), ("A?C", "ABC", true), ("A?C", "AC", false), ("*", "", true),
                      ("FLAT*", "FLAT,LAMP", true), ("FLAT*", "SKY,FLAT", false), ("*FLAT", "SKY,FLAT", true),
                      ("A*B*C", "AXXBYYC", true), ("A*B*C", "AXXBYY", false)])
    func glob(pattern: String, text: String, matches: Bool) {
        #expect(Glob.matches(pattern, text) == matches)
    }
}
