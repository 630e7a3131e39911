import Foundation
import QMostCore
import QMostFITS
import QMostIngest
import QMostStore
import QMostTesting
import Testing

/// The ten real EFOSC2 raw frames, ingested as they would arrive from the telescope.
@Suite("Ingest of the real ESO raw frames",
       .enabled(if: !SharedData.esoRawFrames.isEmpty, "shared data (../shared/data/eso-raw) not found"))
struct ESORawFrameIngestTests {
    /// Kind, classification rule and ESO night (UTC date of the start minus 12 h) of each frame, from its DPR
    /// keywords and the DATE-OBS in its name.
    static let expected: [String: (kind: FrameKind, rule: String, night: String)] = [
        "EFOSC.2022-01-26T19:02:38.210.fits": (.dark, "dark", "2022-01-26"),
        "EFOSC.2022-01-26T19:03:08.542.fits": (.dark, "dark", "2022-01-26"),
        "EFOSC.2022-01-26T19:18:58.464.fits": (.fibreFlat, "fibre-flat", "2022-01-26"),  // CALIB FLAT SPECTRUM
        "EFOSC.2022-01-26T19:21:12.485.fits": (.fibreFlat, "fibre-flat", "2022-01-26"),
        "EFOSC.2022-01-26T19:37:39.560.fits": (.arc, "arc", "2022-01-26"),  // WAVE
        "EFOSC.2022-01-27T02:31:32.701.fits": (.science, "science", "2022-01-26"),  // after midnight: previous night
        "EFOSC.2022-01-27T04:46:29.093.fits": (.science, "science", "2022-01-26"),
        "EFOSC.2022-01-28T00:08:16.282.fits": (.twilightFlat, "sky-flat", "2022-01-27"),  // SKY,FLAT
        "EFOSC.2022-01-28T04:54:24.341.fits": (.science, "science", "2022-01-27"),
        "EFOSC.2022-01-29T01:12:03.548.fits": (.standard, "standard", "2022-01-28"),  // STD
    ]

    @Test func allTenFramesAreKnown() {
        #expect(Set(SharedData.esoRawFrames.map { ($0 as NSString).lastPathComponent }) == Set(Self.expected.keys))
    }

    @Test(arguments: SharedData.esoRawFrames)
    func frameIsClassifiedAssignedAndStored(original: String) throws {
        let name = (original as NSString).lastPathComponent
        let expected = try #require(Self.expected[name])
        let site = try Installation()
        let spoolPath = site.spool(name)
        try Files.copy(original, to: spoolPath)

        let accepted = try site.accept(spoolPath)
        #expect(accepted.kind == expected.kind)
        #expect(accepted.rule == expected.rule)
        #expect(accepted.night.iso == expected.night)
        #expect(accepted.repoPath == site.repoPath(night: expected.night, name: name))
        #expect(accepted.sha256 == (try Files.sha256sum(original)))

        // The bytes moved from the spool to repo/raw/<night>/<name>, unchanged.
        #expect(!Files.exists(spoolPath))
        #expect(site.regularFiles(under: "spool") == [])
        #expect(site.regularFiles(under: "repo") == [accepted.repoPath])
        #expect(try Files.sha256sum(site.absolute(accepted.repoPath)) == accepted.sha256)

        let file = try #require(try site.files().first)
        #expect(try site.files().count == 1)
        #expect(file.sha256 == accepted.sha256)
        #expect(file.size == (try Files.size(original)))
        #expect(file.originalName == name)
        #expect(file.spoolPath == spoolPath)
        #expect(file.repoPath == accepted.repoPath)
        #expect(file.source == "spool/raw")

        // The frame row carries the header facts, checked against the file's own header.
        let header = try withFITSFile(original) { try $0.header(hdu: 0) }
        let fileID = try #require(file.id)
        let frame = try #require(try site.repository.frame(fileID: fileID))
        #expect(frame.kind == expected.kind.rawValue)
        #expect(frame.rule == expected.rule)
        #expect(frame.night == expected.night)
        #expect(frame.obID != nil)
        #expect(frame.obID == header.int("ESO OBS ID"))
        #expect(frame.mjdObs != nil)
        #expect(frame.mjdObs == header.double("MJD-OBS"))
        #expect(frame.exptime == header.double("EXPTIME"))
        #expect(frame.dprCatg == header.string("ESO DPR CATG"))
        #expect(frame.dprType == header.string("ESO DPR TYPE"))
        #expect(frame.dprTech == header.string("ESO DPR TECH"))
        #expect(frame.instrument == "EFOSC")
        #expect(frame.object == header.string("OBJECT"))
        #expect(frame.hdus == 1)

        // These frames carry CHECKSUM/DATASUM and both verify.
        #expect(header.contains("CHECKSUM") && header.contains("DATASUM"))
        let sums = try withFITSFile(original) { try $0.verifyChecksums(hdu: 0) }
        #expect(sums.checksum == .valid && sums.datasum == .valid)
        #expect(frame.checksum == "valid")

        // The night exists and the ingest is in the log with its rule.
        #expect(try site.repository.night(expected.night) != nil)
        let event = try #require(try site.events(kind: "ingested").first)
        #expect(event.night == expected.night)
        #expect(event.sha256 == accepted.sha256)
        #expect(event.path == accepted.repoPath)
        #expect(event.message.contains("rule \(expected.rule)"))
    }

    @Test func allTenTogetherFillThreeNights() throws {
        let site = try Installation()
        for original in SharedData.esoRawFrames {
            let spoolPath = site.spool((original as NSString).lastPathComponent)
            try Files.copy(original, to: spoolPath)
            _ = try site.accept(spoolPath)
        }
        #expect(try site.count("files") == 10)
        #expect(try site.count("frames") == 10)
        #expect(site.regularFiles(under: "spool") == [])
        let stored = site.regularFiles(under: "repo")
        #expect(stored.count == 10)
        #expect(stored.filter { $0.hasPrefix("repo/raw/2022-01-26/") }.count == 7)
        #expect(stored.filter { $0.hasPrefix("repo/raw/2022-01-27/") }.count == 2)
        #expect(stored.filter { $0.hasPrefix("repo/raw/2022-01-28/") }.count == 1)
        let kinds = try site.frames().map(\.kind).sorted()
        #expect(kinds == ["arc", "dark", "dark", "fibre_flat", "fibre_flat", "science", "science", "science",
                          "standard", "twilight_flat"])
        #expect(Set(try site.frames().map(\.rule)) == ["dark", "fibre-flat", "arc", "science", "sky-flat", "standard"])
        for night in ["2022-01-26", "2022-01-27", "2022-01-28"] {
            #expect(try site.repository.night(night) != nil)
        }
    }
}
