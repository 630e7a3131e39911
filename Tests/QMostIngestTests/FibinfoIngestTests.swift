import Foundation
import QMostIngest
import QMostStore
import QMostTesting
import Testing

/// The FIBINFO table of a raw frame is recorded with the frame, or the frame is quarantined when the table could
/// not tie spectra to targets.
@Suite struct FibinfoIngestTests {
    /// A science fibre with the QL1 example values, a sky fibre with nothing known, and an HRS fibre whose CNAME
    /// is not one.
    static let fibres = [
        SyntheticFibre(fibre: 644, targID: 11_031_146_069, uObjID: 5001, cname: "QMOST20562750--4111450", ra: 314.1146,
                       dec: -41.19583, fibUse: 1, fibRoot: 2),
        SyntheticFibre(fibre: 12, fibUse: 3, fibRoot: 1),
        SyntheticFibre(fibre: 2000, targID: 7, uObjID: 8, cname: " field star ", ra: 10, dec: 20, fibUse: 1, fibRoot: 3),
    ]

    static let expected = [
        FibreRecord(fibre: 12, fibreUse: 3, spectrograph: "LRSA"),
        FibreRecord(fibre: 644, targID: 11_031_146_069, uObjID: 5001, cname: "20562750-4111450", ra: 314.1146,
                    dec: -41.19583, fibreUse: 1, spectrograph: "LRSB"),
        FibreRecord(fibre: 2000, targID: 7, uObjID: 8, cname: "field star", ra: 10, dec: 20, fibreUse: 1, spectrograph: "HRS"),
    ]

    static func spec(_ fibres: [SyntheticFibre]? = FibinfoIngestTests.fibres, names: [String: String] = [:],
                     omit: Set<String> = []) -> SyntheticFrames.Spec {
        var spec = Frames.spec(night: "2022-09-04")
        spec.fibinfo = fibres
        spec.fibinfoNames = names
        spec.fibinfoOmit = omit
        return spec
    }

    @Test func frameWithFibinfoRecordsItsFibres() throws {
        let site = try Installation()
        let path = site.spool("with-fibinfo.fits")
        try Frames.synthetic(Self.spec(), at: path)
        let accepted = try site.accept(path)

        let file = try #require(try site.files().first)
        #expect(try site.repository.fibinfo(fileID: try #require(file.id)) == Self.expected)
        #expect(try site.frames().first?.hdus == 2)
        #expect(try site.frames().first?.checksum == "valid")
        let event = try #require(try site.events(kind: "ingested").first)
        #expect(event.message.hasSuffix("for night \(accepted.night.iso), FIBINFO 3 fibres"))
    }

    @Test func frameWithoutFibinfoRecordsNone() throws {
        let site = try Installation()
        let path = site.spool("plain.fits")
        try Frames.synthetic(Self.spec(nil), at: path)
        _ = try site.accept(path)

        let file = try #require(try site.files().first)
        #expect(try site.repository.fibinfo(fileID: try #require(file.id)) == [])
        #expect(try site.count("fibinfo") == 0)
        #expect(try site.events(kind: "ingested").first?.message.contains("FIBINFO") == false)
    }

    @Test func olderColumnNamesAreAccepted() throws {
        let site = try Installation()
        let path = site.spool("older-names.fits")
        // The QL1 target id and the FIBMETATAB object name and position, in whatever case the writer chose.
        let names = ["FIB_ID": "fibre_id", "TARG_ID": "TRG_UID", "CNAME": "OBJ_NME", "TRG_RA": "OBJ_RA", "TRG_DEC": "obj_dec"]
        try Frames.synthetic(Self.spec(names: names, omit: ["FIB_ROOT"]), at: path)
        _ = try site.accept(path)

        let file = try #require(try site.files().first)
        let expected = Self.expected.map { var f = $0; f.spectrograph = nil; return f }
        #expect(try site.repository.fibinfo(fileID: try #require(file.id)) == expected)
    }

    @Test func missingFibreColumnIsQuarantined() throws {
        let site = try Installation()
        let reason = try quarantined(site, Self.spec(omit: ["FIB_ID"]))
        #expect(reason == "FIBINFO: no fibre-number column (looked for FIB_ID, FIBRE_ID, FIBER_ID)")
    }

    @Test func duplicatedFibreIsQuarantined() throws {
        let site = try Installation()
        let reason = try quarantined(site, Self.spec(Self.fibres + [SyntheticFibre(fibre: 644, targID: 99)]))
        #expect(reason == "FIBINFO: fibre 644 appears twice (rows 1 and 4 of FIB_ID)")
    }

    @Test func fibreNumberThatIsNotPositiveIsQuarantined() throws {
        let site = try Installation()
        let reason = try quarantined(site, Self.spec([SyntheticFibre(fibre: 1), SyntheticFibre(fibre: 0)]))
        #expect(reason == "FIBINFO: row 2: fibre number 0 is not positive")
    }

    /// Ingests a frame that must be quarantined and checks that nothing of it was recorded; returns the reason.
    private func quarantined(_ site: Installation, _ spec: SyntheticFrames.Spec) throws -> String {
        let path = site.spool("bad-fibinfo.fits")
        try Frames.synthetic(spec, at: path)
        let outcome = try site.ingest(path)
        let quarantined = try #require(outcome.quarantined, "expected a quarantine, got \(outcome)")
        #expect(!Files.exists(path))
        #expect(Files.exists(site.absolute(quarantined.quarantinePath)))
        #expect(try site.quarantineRecords().map(\.reason) == [quarantined.reason])
        #expect(try site.quarantineRecords().first?.sha256 != nil)
        #expect(try site.count("files") == 0)
        #expect(try site.count("frames") == 0)
        #expect(try site.count("fibinfo") == 0)
        #expect(site.regularFiles(under: "repo") == [])
        return quarantined.reason
    }

    // MARK: The reader without the validator's HDU list

    @Test func readerFindsTheTableByName() throws {
        let directory = try TemporaryDirectory("qmost-fibinfo")
        let with = directory.file("with.fits"), without = directory.file("without.fits")
        try Frames.synthetic(Self.spec(), at: with)
        try Frames.synthetic(Self.spec(nil), at: without)
        #expect(try FibinfoReader.read(path: with)?.sorted { $0.fibre < $1.fibre } == Self.expected)
        #expect(try FibinfoReader.read(path: without) == nil)
    }
}
