import Testing

@testable import QMostFITS

/// The parser behind both `FITSFile.header` and the validator.
@Suite("Header card parsing")
struct CardParserTests {
    private func record(_ text: String) -> ArraySlice<UInt8> {
        Array(text.card(80).utf8)[...]
    }

    private func parse(_ text: String) throws -> FITSCard {
        try FITSCardParser.parseRecord(record(text), number: 1)
    }

    private func parseAll(_ lines: [String]) throws -> [FITSCard] {
        let bytes = lines.flatMap { Array($0.card(80).utf8) }
        return try FITSCardParser.parseCards(bytes[...], count: lines.count)
    }

    @Test func fixedFormatValues() throws {
        #expect(try parse("SIMPLE  =                    T / conforms") == FITSCard(keyword: "SIMPLE", value: .bool(true), comment: "conforms"))
        #expect(try parse("NAXIS1  =                 1030 / # pixels/axis").value == .int(1030))
        #expect(try parse("BZERO   =              32768.0 / pixel=FITS*BSCALE+BZERO").value == .double(32768))
        #expect(try parse("EQUINOX =                2000. / Standard FK5").value == .double(2000))
        #expect(try parse("TRG_UID =          11031146069").value == .int(11_031_146_069))
        #expect(try parse("DEC     =            -23.31194").value == .double(-23.31194))
        #expect(try parse("SMALL   =             .5E-3").value == .double(0.0005))
        #expect(try parse("FORTRAN =           1.5D+03").value == .double(1500))
        #expect(try parse("BIG     = 123456789012345678901234567890").value == .double(1.2345678901234568e29))
        #expect(try parse("Z       = (1.5, -2)  / complex").value == .complex(re: 1.5, im: -2))
        #expect(try parse("EMPTY   =                      / nothing here") == FITSCard(keyword: "EMPTY", value: .undefined, comment: "nothing here"))
    }

    @Test func strings() throws {
        #expect(try parse("ORIGIN  = 'TEST    '           / European Southern Observatory").value == .string("TEST"))
        #expect(try parse("QUOTE   = 'O''Brien'").value == .string("O'Brien"))
        #expect(try parse("LEAD    = '  padded  '").value == .string("  padded"))
        #expect(try parse("SLASH   = 'a/b' / c/d") == FITSCard(keyword: "SLASH", value: .string("a/b"), comment: "c/d"))
        #expect(try parse("BLANK   = ''").value == .string(""))
    }

    @Test func hierarchKeywords() throws {
        let card = try parse("HIERARCH ESO DPR CATG        = 'CALIB   '   / Observation category")
        #expect(card == FITSCard(keyword: "HIERARCH ESO DPR CATG", value: .string("CALIB"), comment: "Observation category"))
        // No blank before '=' (ESO writes these when the keyword is long).
        #expect(try parse("HIERARCH ESO OBS CONTAINER ID=   1000152904 / Scheduling container ID").value == .int(1_000_152_904))
        #expect(try parse("HIERARCH ESO TEL AMBI RHUM   =           49. / humidity").value == .double(49))
        #expect(try parse("HIERARCH no value indicator here").value == nil)
    }

    @Test func commentaryRecords() throws {
        #expect(try parse("COMMENT 4MOST Level 1 1D Spectrum") == FITSCard(keyword: "COMMENT", value: nil, comment: "4MOST Level 1 1D Spectrum"))
        #expect(try parse("HISTORY   indented = text") == FITSCard(keyword: "HISTORY", value: nil, comment: "  indented = text"))
        #expect(try parse("") == FITSCard(keyword: "", value: nil, comment: nil))
        // No value indicator in columns 9-10: commentary, even with '=' later on.
        #expect(try parse("NOTE    something = else").value == nil)
    }

    @Test func longStringsJoinTheirContinueRecords() throws {
        let cards = try parseAll([
            "LONGSTR = 'The first part of a long value that does not fit into one car&'",
            "CONTINUE  'd, and its end' / comment one",
            "NEXT    = 1",
        ])
        #expect(cards.count == 2)
        #expect(cards[0].value == .string("The first part of a long value that does not fit into one card, and its end"))
        #expect(cards[0].comment == "comment one")
        #expect(cards[1].value == .int(1))
    }

    @Test func parsingStopsAtEnd() throws {
        let cards = try parseAll(["A       = 1", "END", "B       = 2"])
        #expect(cards.map(\.keyword) == ["A"])
    }

    @Test func malformedRecordsAreRejected() {
        #expect(throws: FITSCardParseError.self) { try parse("OPEN    = 'no closing quote") }
        #expect(throws: FITSCardParseError.self) { try parse("WORD    = banana") }
        #expect(throws: FITSCardParseError.self) { try parse("TWO     = 1 2") }
        #expect(throws: FITSCardParseError.self) { try parse("AFTER   = 'x' junk") }
        #expect(throws: FITSCardParseError.self) { try parse("CPLX    = (1.0, 2.0") }
        var bytes = Array(record("TAB     = 1"))
        bytes[20] = 0x09
        let error = #expect(throws: FITSCardParseError.self) { try FITSCardParser.parseRecord(bytes[...], number: 5) }
        #expect(error?.message.contains("card 5") == true)
        #expect(error?.status == 207)
    }
}
