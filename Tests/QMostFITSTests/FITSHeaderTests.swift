import Testing

@testable import QMostFITS

@Suite("FITSHeader lookups")
struct FITSHeaderTests {
    let header = FITSHeader(cards: [
        FITSCard(keyword: "SIMPLE", value: true),
        FITSCard(keyword: "COMMENT", value: nil, comment: "text"),
        FITSCard(keyword: "OBJECT", value: "  M31   "),
        FITSCard(keyword: "EXPTIME", value: 30.0),
        FITSCard(keyword: "NCOMBINE", value: 3),
        FITSCard(keyword: "AIRMASS", value: " 1.25 "),
        FITSCard(keyword: "FDEXP", value: "1.5D2"),
        FITSCard(keyword: "HIERARCH ESO DPR CATG", value: "CALIB"),
        FITSCard(keyword: "HIERARCH ESO DET WIN1 ST", value: true),
        FITSCard(keyword: "OBJECT", value: "second"),
        FITSCard(keyword: "INTSTR", value: "42"),
        FITSCard(keyword: "WHOLE", value: 12.0),
        FITSCard(keyword: "FLAGSTR", value: "F"),
        FITSCard(keyword: "UNDEF", value: .undefined),
    ])

    @Test func lookupsIgnoreCaseBlanksAndTheHierarchPrefix() {
        #expect(header["ESO DPR CATG"] == .string("CALIB"))
        #expect(header["HIERARCH ESO DPR CATG"] == .string("CALIB"))
        #expect(header["hierarch  eso dpr   catg"] == .string("CALIB"))
        #expect(header["exptime"] == .double(30))
        #expect(header.contains("Eso Det Win1 St"))
        #expect(!header.contains("MISSING"))
        #expect(header["MISSING"] == nil)
    }

    @Test func firstCardWinsAndCommentaryIsNotAValue() {
        #expect(header.string("OBJECT") == "M31")
        #expect(header["COMMENT"] == nil)
        #expect(header.card("OBJECT")?.value == .string("  M31   "))
    }

    @Test func typedAccessorsConvert() {
        #expect(header.double("EXPTIME") == 30)
        #expect(header.double("NCOMBINE") == 3)
        #expect(header.double("AIRMASS") == 1.25)
        #expect(header.double("FDEXP") == 150)
        #expect(header.double("OBJECT") == nil)
        #expect(header.int("NCOMBINE") == 3)
        #expect(header.int("WHOLE") == 12)
        #expect(header.int("EXPTIME") == 30)
        #expect(header.int("AIRMASS") == nil)
        #expect(header.int("INTSTR") == 42)
        #expect(header.bool("ESO DET WIN1 ST") == true)
        #expect(header.bool("FLAGSTR") == false)
        #expect(header.bool("NCOMBINE") == nil)
        #expect(header.string("NCOMBINE") == "3")
        #expect(header.string("SIMPLE") == "T")
        #expect(header.string("UNDEF") == nil)
        #expect(header["UNDEF"] == .undefined)
    }

    @Test func editingCardsKeepsTheIndexCurrent() {
        var edited = header
        edited.cards.append(FITSCard(keyword: "NEWKEY", value: 5))
        edited.cards[3].value = 60.0
        #expect(edited.int("NEWKEY") == 5)
        #expect(edited.double("EXPTIME") == 60)
        edited.cards.removeAll { $0.keyword == "NEWKEY" }
        #expect(!edited.contains("NEWKEY"))
        #expect(edited != header)
    }
}
