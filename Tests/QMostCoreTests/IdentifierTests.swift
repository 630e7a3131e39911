import Testing
@testable import QMostCore

struct IdentifierTests {
    @Test func kindsLiveInSeparateBlocks() {
        #expect(IdentifierSpace.classify(IdentifierSpace.targetID(serial: 42))! == (.target, nil))
        #expect(IdentifierSpace.classify(IdentifierSpace.objectID(serial: 7, mode: .low))! == (.object, .low))
        #expect(IdentifierSpace.classify(IdentifierSpace.objectID(serial: 7, mode: .high))! == (.object, .high))
        #expect(IdentifierSpace.classify(IdentifierSpace.spectrumID(serial: 1))! == (.spectrum, nil))
        #expect(IdentifierSpace.classify(42) == nil)
        #expect(IdentifierSpace.classify(IdentifierSpace.targetBase) == nil)
        #expect(IdentifierSpace.classify(4_000_000_000_001) == nil)
    }

    @Test func specuidProvenanceRoundTrips() throws {
        let p = SpectrumProvenance(
            specuid: IdentifierSpace.spectrumID(serial: 42), night: Night("2022-09-04")!, obID: 100118,
            spectrograph: "LRS-A", arm: "J", stack: .exposure, pipelineVersion: "0.3.0_rc1")
        #expect(p.text == "5000000000042_20220904_OB100118_LRSA_J_EXP_0.3.0_rc1")
        #expect(SpectrumProvenance(parsing: p.text) == p)
    }

    @Test func malformedProvenanceIsRejected() {
        for bad in ["5000000000042_20220904_OB1_LRSA_J_EXP", "1000000000042_20220904_OB1_LRSA_J_EXP_1",
                    "5000000000042_2022094_OB1_LRSA_J_EXP_1", "5000000000042_20220904_1_LRSA_J_EXP_1",
                    "5000000000042_20220904_OB1_LRSA_J_DEEP_1"] {
            #expect(SpectrumProvenance(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func unknownOBIsZero() {
        let p = SpectrumProvenance(specuid: 5_000_000_000_001, night: Night("2023-01-02")!, obID: nil,
                                   spectrograph: "HRS", arm: "B", stack: .night, pipelineVersion: "1")
        #expect(p.text == "5000000000001_20230102_OB0_HRS_B_NIGHT_1")
    }
}
