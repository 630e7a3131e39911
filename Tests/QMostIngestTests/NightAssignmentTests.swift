import Foundation
import QMostCore
import QMostFITS
import QMostIngest
import Testing

/// The night is the NIGHT keyword, else the UTC date of MJD-OBS minus `night.offset_hours`.
@Suite struct NightAssignmentTests {
    @Test func frameWithoutNightOrMJDIsQuarantinedNamingMJDOBS() throws {
        let site = try Installation()
        let path = site.spool("timeless.fits")
        try Frames.image(at: path, cards: Frames.scienceDPR + [FITSCard(keyword: "EXPTIME", value: .double(30))])
        let quarantined = try #require(try site.ingest(path).quarantined)
        #expect(quarantined.reason.contains("MJD-OBS"))
        #expect(!Files.exists(path))
        #expect(try site.count("files") == 0)
        // The file was whole, so its identity is known and kept with the record.
        #expect(try site.quarantineRecords().first?.sha256 == (try Files.sha256sum(site.absolute(quarantined.quarantinePath))))
    }

    @Test func unparsableMJDIsQuarantinedNamingIt() throws {
        let site = try Installation()
        let path = site.spool("badmjd.fits")
        try Frames.image(at: path, cards: Frames.scienceDPR + [FITSCard(keyword: "MJD-OBS", value: .string("yesterday"))])
        let quarantined = try #require(try site.ingest(path).quarantined)
        #expect(quarantined.reason.contains("MJD-OBS"))
    }

    @Test func mjdMinusTwelveHoursGivesTheNight() throws {
        let site = try Installation()
        let evening = site.spool("evening.fits"), morning = site.spool("morning.fits")
        try Frames.image(at: evening, cards: Frames.scienceDPR + [
            FITSCard(keyword: "MJD-OBS", value: .double(Frames.mjd("2023-05-01T23:30:00Z")))])
        try Frames.image(at: morning, cards: Frames.scienceDPR + [
            FITSCard(keyword: "MJD-OBS", value: .double(Frames.mjd("2023-05-02T09:00:00Z")))])
        #expect(try site.accept(evening).night.iso == "2023-05-01")
        #expect(try site.accept(morning).night.iso == "2023-05-01")
    }

    @Test func nightKeywordOverridesMJD() throws {
        let site = try Installation()
        let path = site.spool("night.fits")
        try Frames.image(at: path, cards: Frames.scienceDPR + [
            FITSCard(keyword: "NIGHT", value: .string("2023-06-15")),
            FITSCard(keyword: "MJD-OBS", value: .double(Frames.mjd("2023-05-02T03:00:00Z"))),
        ])
        let accepted = try site.accept(path)
        #expect(accepted.night.iso == "2023-06-15")
        #expect(accepted.repoPath == site.repoPath(night: "2023-06-15", name: "night.fits"))
        #expect(try site.frames().first?.night == "2023-06-15")
    }

    @Test func compactNightKeywordIsAccepted() throws {
        let site = try Installation()
        let path = site.spool("compact.fits")
        try Frames.image(at: path, cards: Frames.scienceDPR + [FITSCard(keyword: "NIGHT", value: .int(20230615))])
        #expect(try site.accept(path).night.iso == "2023-06-15")
    }

    @Test func invalidNightKeywordIsQuarantinedNamingIt() throws {
        let site = try Installation()
        let path = site.spool("badnight.fits")
        try Frames.image(at: path, cards: Frames.scienceDPR + [
            FITSCard(keyword: "NIGHT", value: .string("2023-02-30")),
            FITSCard(keyword: "MJD-OBS", value: .double(Frames.mjd("2023-05-02T03:00:00Z"))),
        ])
        let quarantined = try #require(try site.ingest(path).quarantined)
        #expect(quarantined.reason.contains("NIGHT"))
        #expect(quarantined.reason.contains("2023-02-30"))
    }

    @Test func customOffsetChangesTheNight() throws {
        let cards = Frames.scienceDPR + [FITSCard(keyword: "MJD-OBS", value: .double(Frames.mjd("2022-01-27T02:31:32Z")))]
        let eso = try Installation()
        let utc = try Installation { $0.night.offsetHours = 0 }
        for site in [eso, utc] { try Frames.image(at: site.spool("f.fits"), cards: cards) }
        #expect(try eso.accept(eso.spool("f.fits")).night.iso == "2022-01-26")
        #expect(try utc.accept(utc.spool("f.fits")).night.iso == "2022-01-27")
        #expect(utc.regularFiles(under: "repo") == ["repo/raw/2022-01-27/f.fits"])
    }

    @Test func ignoredNightKeywordFallsBackToMJD() throws {
        let site = try Installation { $0.night.keyword = nil }
        let path = site.spool("night.fits")
        try Frames.image(at: path, cards: Frames.scienceDPR + [
            FITSCard(keyword: "NIGHT", value: .string("2023-06-15")),
            FITSCard(keyword: "MJD-OBS", value: .double(Frames.mjd("2023-05-02T03:00:00Z"))),
        ])
        #expect(try site.accept(path).night.iso == "2023-05-01")
    }

    /// `NIGHT =` with an empty value field (FITS's undefined value) gives no night: MJD-OBS decides.
    @Test func undefinedNightKeywordFallsBackToMJD() throws {
        let site = try Installation()
        let path = site.spool("undefined.fits")
        try Frames.image(at: path, cards: Frames.scienceDPR + [
            FITSCard(keyword: "NIGHT", value: .undefined, comment: "not known when written"),
            FITSCard(keyword: "MJD-OBS", value: .double(Frames.mjd("2023-05-02T03:00:00Z"))),
        ])
        #expect(try withFITSFile(path) { try $0.header(hdu: 0)["NIGHT"] } == .undefined)
        #expect(try site.accept(path).night.iso == "2023-05-01")
    }
}
