import Foundation
import QMostFITS
import Testing

@Suite("Header cards written and read back")
struct HeaderWritingTests {
    static let longText = String(String(repeating: "qmost_20562750--4111450_20220904_100118_LR1.fits ", count: 4).dropLast())

    static let cards: [FITSCard] = [
        FITSCard(keyword: "OBJECT", value: "Field 02A", comment: "Target designation"),
        FITSCard(keyword: "QUOTED", value: "O'Brien's"),
        FITSCard(keyword: "NCOMBINE", value: 3, comment: "frames"),
        FITSCard(keyword: "BIGINT", value: .int(9_007_199_254_740_993)),
        FITSCard(keyword: "TENTH", value: 0.1),
        FITSCard(keyword: "TINY", value: 1e-5),
        FITSCard(keyword: "HUGE", value: 1.7976931348623157e308),
        FITSCard(keyword: "WHOLE", value: 1e20),
        FITSCard(keyword: "NEGZERO", value: -2.5),
        FITSCard(keyword: "FLAG", value: true),
        FITSCard(keyword: "NOFLAG", value: false, comment: "off"),
        FITSCard(keyword: "CPLX", value: .complex(re: 1.5, im: -0.25)),
        FITSCard(keyword: "UNSET", value: .undefined, comment: "not known yet"),
        FITSCard(keyword: "HIERARCH ESO DPR CATG", value: "SCIENCE", comment: "Observation category"),
        FITSCard(keyword: "HIERARCH ESO TEL AIRM START", value: 1.25),
        FITSCard(keyword: "PROVLIST", value: .string(longText), comment: "long value"),
        FITSCard.comment("a comment record"),
        FITSCard.history("a history record"),
    ]

    @Test func everyValueKindRoundTrips() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("cards.fits")
            try withNewFITSFile(url.path) { try $0.appendImage([Float](repeating: 0, count: 4), shape: [2, 2], cards: Self.cards) }
            let header = try withFITSFile(url.path) { try $0.header(hdu: 0) }
            for card in Self.cards where card.value != nil {
                #expect(header.card(card.keyword) == card, "\(card.keyword)")
            }
            #expect(header.cards.contains(.comment("a comment record")))
            #expect(header.cards.contains(.history("a history record")))
            // Exact doubles survive through their shortest decimal form.
            #expect(header.double("TENTH") == 0.1)
            #expect(header.double("HUGE") == 1.7976931348623157e308)
            #expect(FITSValidator.inspect(path: url.path).validation != nil)
        }
    }

    @Test func hierarchKeywordsCanBeWrittenWithoutTheirPrefix() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("hierarch.fits")
            let cards = [
                FITSCard(keyword: "ESO OBS NAME", value: "BIAS"),
                FITSCard(keyword: "ESO INS SLIT1 WID", value: 1.5),
                FITSCard(keyword: "ESO OCS LONG", value: .string(Self.longText)),
                FITSCard(keyword: "exptime", value: 30.0),
            ]
            try withNewFITSFile(url.path) { try $0.appendEmptyPrimary(cards: cards) }
            let header = try withFITSFile(url.path) { try $0.header(hdu: 0) }
            #expect(header.card("ESO OBS NAME")?.keyword == "HIERARCH ESO OBS NAME")
            #expect(header.string("HIERARCH ESO OBS NAME") == "BIAS")
            #expect(header.double("ESO INS SLIT1 WID") == 1.5)
            #expect(header.string("ESO OCS LONG") == Self.longText)
            #expect(header.card("EXPTIME")?.keyword == "EXPTIME")
        }
    }

    @Test func structuralKeywordsInCardsAreSkipped() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("reserved.fits")
            let cards = [
                FITSCard(keyword: "BZERO", value: 32768.0),
                FITSCard(keyword: "BSCALE", value: 2.0),
                FITSCard(keyword: "BITPIX", value: 16),
                FITSCard(keyword: "NAXIS1", value: 999),
                FITSCard(keyword: "CHECKSUM", value: "0000000000000000"),
                FITSCard(keyword: "TFORM1", value: "1E"),
                FITSCard(keyword: "TFORMAT", value: "kept: not an indexed column keyword"),
            ]
            let pixels: [Float] = [1, 2, 3, 4, 5, 6]
            try withNewFITSFile(url.path) { try $0.appendImage(pixels, shape: [3, 2], cards: cards) }
            try withFITSFile(url.path) { file throws in
                let header = try file.header(hdu: 0)
                #expect(header.int("BITPIX") == -32)
                #expect(header.int("NAXIS1") == 3)
                #expect(!header.contains("BZERO") && !header.contains("BSCALE") && !header.contains("CHECKSUM") && !header.contains("TFORM1"))
                #expect(header.contains("TFORMAT"))
                #expect(try file.readImage(hdu: 0, as: Float.self).pixels == pixels)
            }
        }
    }

    @Test(.enabled(if: TestData.available, "shared data (../shared/data) not found"))
    func esoHeaderCopiedOntoAFloatImageKeepsItsKeywordsButNotItsScaling() throws {
        let frame = try #require(TestData.esoFrames.first)
        try withTemporaryDirectory { dir throws in
            let (raw, header) = try withFITSFile(frame.path) { file throws in
                (try file.readImage(hdu: 0, as: Float.self), try file.header(hdu: 0))
            }
            let url = dir.appendingPathComponent("reduced.fits")
            try withNewFITSFile(url.path) { try $0.appendImage(raw.pixels, shape: raw.shape, cards: header.cards) }
            try withFITSFile(url.path) { file throws in
                let copied = try file.header(hdu: 0)
                #expect(copied.string("ESO DPR CATG") == header.string("ESO DPR CATG"))
                #expect(copied.int("ESO OBS ID") == header.int("ESO OBS ID"))
                #expect(copied.string("DATE-OBS") == header.string("DATE-OBS"))
                #expect(!copied.contains("BZERO"))
                #expect(try file.readImage(hdu: 0, as: Float.self).pixels == raw.pixels)
            }
        }
    }

    @Test func copyingACfitsioHeaderDoesNotRepeatItsStandardComments() throws {
        try withTemporaryDirectory { dir throws in
            let first = dir.appendingPathComponent("first.fits")
            try withNewFITSFile(first.path) { try $0.appendEmptyPrimary(cards: [.comment("mine")]) }
            let header = try withFITSFile(first.path) { try $0.header(hdu: 0) }
            #expect(header.cards.filter(\.isCommentary).count == 3)
            let second = dir.appendingPathComponent("second.fits")
            try withNewFITSFile(second.path) { try $0.appendEmptyPrimary(cards: header.cards) }
            let copied = try withFITSFile(second.path) { try $0.header(hdu: 0) }
            #expect(copied == header)
        }
    }

    @Test func setCardsUpdatesInPlaceAndAppends() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("update.fits"))
            try withFITSFile(url.path, writable: true) { file throws in
                try file.setCards(
                    [
                        FITSCard(keyword: "EXPTIME", value: 60.0, comment: "changed"),
                        FITSCard(keyword: "ESO DPR CATG", value: "CALIB"),
                        FITSCard(keyword: "PIPEVERS", value: "qmostd 0.1"),
                        .history("reprocessed"),
                    ], hdu: 0)
            }
            let header = try withFITSFile(url.path) { try $0.header(hdu: 0) }
            #expect(header.double("EXPTIME") == 60)
            #expect(header.card("EXPTIME")?.comment == "changed")
            #expect(header.cards.filter { $0.keyword == "EXPTIME" }.count == 1)
            #expect(header.string("ESO DPR CATG") == "CALIB")
            #expect(header.cards.filter { FITSHeaderKey.matches($0.keyword, "ESO DPR CATG") }.count == 1)
            #expect(header.string("PIPEVERS") == "qmostd 0.1")
            #expect(header.cards.last == .history("reprocessed"))
        }
    }

    @Test func unwritableValuesAreRejectedNamingTheKeyword() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("bad-cards.fits")
            try withNewFITSFile(url.path) { file throws in
                try file.appendEmptyPrimary()
                let nan = #expect(throws: FITSError.self) { try file.setCards([FITSCard(keyword: "BAD", value: .double(.nan))]) }
                #expect(nan?.status == 402)
                #expect(nan?.message.contains("BAD") == true)
                let unicode = #expect(throws: FITSError.self) { try file.setCards([FITSCard(keyword: "NAME", value: "Ångström")]) }
                #expect(unicode?.status == 207)
                #expect(unicode?.path == url.path)
            }
        }
    }
}

/// Keyword comparison the way FITSHeader looks keys up, for counting duplicates.
enum FITSHeaderKey {
    static func matches(_ keyword: String, _ key: String) -> Bool {
        FITSHeader(cards: [FITSCard(keyword: keyword, value: 0)]).contains(key)
    }
}
