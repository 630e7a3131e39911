import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1

/// The Phase 3 1D-spectrum product against the real QL1 sample (datamodel §1.2, §7).
struct Phase3SpectrumFileTests {
    static var samplePath: String? {
        guard let dir = SharedData.directory else { return nil }
        let path = dir + "/4most/qmost-L1-sample-LJ1.fits"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
    static let sampleMissing = "../shared/data/4most/qmost-L1-sample-LJ1.fits not found: the comparison with the real sample is skipped"

    /// A spectrum on the joint LRS grid (3700–9500 Å, 0.25 Å, 23201 bins), with a heliocentric correction applied.
    static func spectrum(bins: Int = 23201) -> Phase3Spectrum {
        let wave = (0..<bins).map { Float(3700 + 0.25 * Double($0)) }
        let flux = (0..<bins).map { i in Float(1e-17 * (1 + 0.3 * sin(Double(i) / 500))) }
        let err = (0..<bins).map { i in Float(2e-18 * (1 + 0.1 * cos(Double(i) / 77))) }
        var qual = [Int32](repeating: 0, count: bins)
        for i in stride(from: 17, to: bins, by: 733) { qual[i] = 1 }
        let noss = flux.map { $0 + 3e-17 }
        let errNoss = err.map { $0 * 1.7 }
        var fibre = Phase3Fibre(spectrumNumber: 334, fibreID: 644, slitPosition: 339, root: SpectrographName.lrsB.fibreRoot,
                                targetName: "QMST20562750-4111450", targetRA: 314.1146, targetDec: -41.19583)
        fibre.catalogueID = 3
        fibre.parallax = 0.4
        fibre.surveyBits = 1_102_349
        fibre.ruleset = 12
        fibre.magnitudes = [21.25, 21.1, 20.9]
        fibre.magnitudeErrors = [0.0176, 0.0187, 0.0149]
        fibre.magnitudeIDs = [1, 1, 1]
        fibre.centroidWavelength = 628.7
        fibre.arcRMS = 0.0124
        fibre.arcFWHM = 1.2829
        fibre.totalCounts = 96041.3
        fibre.meanCounts = 32013.8
        var processing = Phase3Processing()
        processing.wavelengthFile = "qmost_wave_LB1.fits"
        processing.pcaApplied = true
        processing.pcaVariance = 93.75
        processing.pcaComponents = 11
        let header = Phase3Header(
            cname: "20562750-4111450", targetID: 9_000_123, objectUID: 11_031_146_069, spectrumUID: 4_242_001,
            spectrumProvenance: "4242001_20220904_OB112_LRSB_J_OB_0.3.0",
            object: "Field 02A", ra: 314.1146, dec: -41.19583, exposureTime: 1200, totalExposureTime: 1200,
            mjdStart: 59827.125, mjdEnd: 59827.13888889, programme: "60.A-9296(A)", obID: 112, combined: 3,
            provenance: ["qmost_20562750-4111450_20220904_100118_LR1.fits", "qmost_20562750-4111450_20220904_100118_LG1.fits",
                         "qmost_20562750-4111450_20220904_100118_LB1.fits"],
            associated: ["single_100118.fits"], wavelengthRMS: 0.0012, wavelengthLines: 143, resolvingPower: 4933.19,
            date: "2026-12-02", submitted: "2026-12-02T02:00:00.000", user: "qmostd", contact: "ops@example.org",
            processing: processing, fibre: fibre)
        let topocentric = Phase3Spectrum(wavelength: wave, flux: flux, error: err, quality: qual, fluxNoSkySubtraction: noss,
                                         errorNoSkySubtraction: errNoss, header: header)
        let v = HeliocentricCorrection.velocity(mjd: 0.5 * (header.mjdStart + header.mjdEnd), ra: header.ra, dec: header.dec)
        return topocentric.applyingHeliocentricCorrection(velocity: v)
    }

    /// Keyword names of one header (valued cards only), normalised.
    static func keywords(_ h: FITSHeader) -> Set<String> {
        Set(h.cards.filter { $0.value != nil }.map { $0.keyword.uppercased().replacingOccurrences(of: "HIERARCH ", with: "") })
    }

    @Test(.enabled(if: samplePath != nil, "\(sampleMissing)"))
    func everyKeywordOfTheRealSampleIsInOurs() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        let path = dir.file("ours.fits")
        try Phase3SpectrumFile.write(path, Self.spectrum())
        let sample = try withFITSFile(Self.samplePath!) { try $0.headers() }
        let ours = try withFITSFile(path) { try $0.headers() }
        #expect(sample.count == 2 && ours.count == 2)
        for (i, label) in ["primary", "PHASE3SPECTRUM"].enumerated() {
            let missing = Self.keywords(sample[i]).subtracting(Self.keywords(ours[i]))
            print("measured: \(label): sample \(Self.keywords(sample[i]).count) keywords, ours \(Self.keywords(ours[i]).count), missing \(missing.sorted())")
            #expect(missing.isEmpty, "\(label) lacks \(missing.sorted())")
        }
        let extra = ["CNAME", "TARG_ID", "U_OBJ_ID", "SPECUID", "SPECUID_P"]
        #expect(extra.allSatisfy { ours[0].contains($0) })
        #expect(ours[1].string("EXTNAME") == "PHASE3SPECTRUM" && ours[0].string("SPECSYS") == "HELIOCEN")
    }

    @Test(.enabled(if: samplePath != nil, "\(sampleMissing)"))
    func columnsHaveTheSampleUnitsDescriptionsAndArrayLayout() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        let path = dir.file("ours.fits")
        try Phase3SpectrumFile.write(path, Self.spectrum())
        let (sampleCols, sampleHeader) = try withFITSFile(Self.samplePath!) { f in (try f.columnDescriptions(hdu: 1), try f.header(hdu: 1)) }
        let (ourCols, ourHeader, rows) = try withFITSFile(path) { f in (try f.columnDescriptions(hdu: 1), try f.header(hdu: 1), try f.rowCount(hdu: 1)) }
        print("measured: sample columns \(sampleCols.map { "\($0.name)[\($0.format)] \($0.unit ?? "-")" })")
        print("measured: our columns \(ourCols.map { "\($0.name)[\($0.format)] \($0.unit ?? "-")" }), rows \(rows)")
        #expect(ourCols.map(\.name) == sampleCols.map(\.name))
        #expect(ourCols.map(\.unit) == sampleCols.map(\.unit))
        #expect(ourCols.map(\.format) == sampleCols.map(\.format))  // same grid: 23201E / 23201J
        #expect(ourCols.map(\.null) == sampleCols.map(\.null))  // TNULL4 = -1 on QUAL, none elsewhere
        #expect(sampleCols[3].null == -1)
        #expect(ourHeader.int("TNULL4") == sampleHeader.int("TNULL4"))
        #expect(rows == 1)
        for k in 1...6 {
            for stem in ["TCOMM", "TUTYP", "TUCD", "TDISP"] {
                #expect(ourHeader.string("\(stem)\(k)") == sampleHeader.string("\(stem)\(k)"), "\(stem)\(k)")
            }
        }
    }

    @Test func roundTripIsEqual() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        let s = Self.spectrum()
        let name = try #require(Phase3SpectrumFile.fileName(cname: s.header.cname, night: Night("2022-09-04")!, sequence: 100118,
                                                            resolution: .low, part: .joined))
        let path = dir.file(name)
        try Phase3SpectrumFile.write(path, s)
        #expect(!FileManager.default.fileExists(atPath: dir.file(".\(name).part")))
        let back = try Phase3SpectrumFile.read(path)
        #expect(back == s)
        #expect(back.header.heliocentricCorrection == s.header.heliocentricCorrection)
        let checks = try withFITSFile(path) { f in [try f.verifyChecksums(hdu: 0), try f.verifyChecksums(hdu: 1)] }
        #expect(checks.allSatisfy { $0.checksum == .valid && $0.datasum == .valid })
        let primary = try withFITSFile(path) { try $0.header(hdu: 0) }
        print("measured: round trip equal, HELIOCR \(back.header.heliocentricCorrection!) km/s, WAVE[0] \(back.wavelength[0]) Å, SNR \(primary.double("SNR")!), WAVELMIN \(primary.double("WAVELMIN")!) nm, SPEC_BIN \(primary.double("SPEC_BIN")!) nm")
        // A topocentric spectrum says so.
        var topo = s
        topo.header.heliocentricCorrection = nil
        try Phase3SpectrumFile.write(path, topo)
        #expect(try withFITSFile(path) { try $0.header(hdu: 0) }.string("SPECSYS") == "TOPOCENT")
        #expect(try Phase3SpectrumFile.read(path) == topo)
    }

    @Test func specuidPIsAStringCard() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        let path = dir.file("specuid-p.fits")
        var s = Self.spectrum(bins: 100)
        let provenance = SpectrumProvenance(specuid: 5_000_000_000_042, night: Night("2022-09-04")!, obID: 100118, spectrograph: "LRS-A",
                                            arm: "J", stack: .exposure, pipelineVersion: "0.3.0")
        #expect(provenance.text == "5000000000042_20220904_OB100118_LRSA_J_EXP_0.3.0")
        // Blank (not known), the documented example, and one too long for a single card (cfitsio continues it).
        for text in ["", provenance.text, provenance.text + "-rc1+build.20261202.0123456789abcdef"] {
            s.header.spectrumProvenance = text
            try Phase3SpectrumFile.write(path, s)
            let primary = try withFITSFile(path) { try $0.header(hdu: 0) }
            #expect(primary["SPECUID_P"] == .string(text), "'\(text)'")
            #expect(try Phase3SpectrumFile.read(path).header.spectrumProvenance == text)
            #expect(try Phase3SpectrumFile.read(path) == s)
        }
        let card = try withFITSFile(path) { try $0.header(hdu: 0) }.cards.first { $0.keyword.hasSuffix("SPECUID_P") }
        #expect(card?.keyword == "HIERARCH SPECUID_P")
    }

    @Test func fitsverifyFindsNoWarningsOrErrors() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        let path = dir.file("qmost_20562750-4111450_20220904_100118_LJ1.fits")
        try Phase3SpectrumFile.write(path, Self.spectrum())
        let log = dir.file("fitsverify.txt")
        let child = try ChildProcess(["/usr/bin/fitsverify", "-e", path], outputPath: log)
        let status = child.wait(timeout: 60)
        print("measured: fitsverify \(child.output.split(separator: "\n").last { $0.contains("Verification found") } ?? "no summary")")
        #expect(status == 0 && child.output.contains("Verification found 0 warning(s) and 0 error(s)"), "\(child.output)")
    }

    @Test func fileNamesFollowTheQL1Pattern() {
        let night = Night("2022-09-04")!
        #expect(Phase3SpectrumFile.fileName(cname: "QMOST20562750--4111450", night: night, sequence: 100118, resolution: .low, part: .joined)
                == "qmost_20562750-4111450_20220904_100118_LJ1.fits")
        #expect(Phase3SpectrumFile.fileName(cname: "20562750-4111450", night: night, sequence: 25, resolution: .low, part: .arm(.blue))
                == "qmost_20562750-4111450_20220904_000025_LB1.fits")
        #expect(Phase3SpectrumFile.fileName(cname: "00033300+2847587", night: night, sequence: 7, resolution: .high, part: .arm(.red))
                == "qmost_00033300+2847587_20220904_000007_HR1.fits")
        #expect(Phase3SpectrumFile.fileName(cname: "20562750-4111450", night: night, sequence: 7, resolution: .high, part: .joined) == nil)
        #expect(Phase3SpectrumFile.fileName(cname: "not a cname", night: night, sequence: 7, resolution: .low, part: .joined) == nil)
        #expect(Phase3SpectrumFile.fileName(cname: "20562750-4111450", night: night, sequence: 1_000_000, resolution: .low, part: .joined) == nil)
    }

    @Test func badInputIsRefusedByName() throws {
        let dir = try TemporaryDirectory("qmost-phase3")
        var s = Self.spectrum(bins: 100)
        s.flux.removeLast()
        let path = dir.file("bad.fits")
        #expect { try Phase3SpectrumFile.write(path, s) } throws: { "\($0)".contains(path) && "\($0)".contains("elements") }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect { try Phase3SpectrumFile.read(dir.file("missing.fits")) } throws: { "\($0)".contains(dir.file("missing.fits")) }
    }
}

/// The independent-reader check: a Phase 3 file read with astropy (Python) gives the same numbers as the project's
/// reader. Needs `python3` with astropy (`make deps` installs it); skipped with a message when it is missing.
struct Phase3AstropyCrossCheckTests {
    /// Whether `python3 -c 'import astropy'` succeeds (checked once).
    static let astropyAvailable: Bool = {
        let log = NSTemporaryDirectory() + "/qmost-astropy-probe-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: log) }
        guard let child = try? ChildProcess(["/usr/bin/env", "python3", "-c", "import astropy"], outputPath: log) else { return false }
        return child.wait(timeout: 120) == 0
    }()
    static let astropyMissing = "python3 with astropy not found (install: make deps, or python3 -m pip install astropy): the astropy cross-check is skipped"

    static let columns = ["WAVE", "FLUX", "ERR_FLUX", "QUAL", "FLUX_NOSS", "ERR_FLUX_NOSS"]
    static let numericKeys = ["RA", "DEC", "EXPTIME", "TEXPTIME", "MJD-OBS", "MJD-END", "SNR", "WAVELMIN", "WAVELMAX", "SPEC_BIN",
                              "SPEC_RES", "OBID1", "NCOMBINE", "TARG_ID", "U_OBJ_ID", "SPECUID"]
    static let tableKeys = ["TMID", "TELAPSE", "SPEC_VAL", "SPEC_BW", "NELEM", "HELIOCR", "TRG_UID", "FIB_ID", "TNULL4"]

    /// Reads the file with astropy.io.fits (checksums verified) and astropy.table (TNULL masking); writes the six
    /// arrays as little-endian float32/int32 to `<out>.bin` and the header numbers and findings as JSON to `<out>`.
    /// Header numbers travel as Python's repr text: Foundation's JSON parser does not round every decimal correctly
    /// (it read 1200.0000956933945 one ulp off), `Double(String)` does.
    static let script = """
    import json, sys, warnings
    import numpy as np
    from astropy.io import fits
    from astropy.table import Table
    path, out = sys.argv[1], sys.argv[2]
    cols = \(columns)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with fits.open(path, checksum=True) as hdul:
            p, t = hdul[0].header, hdul["PHASE3SPECTRUM"]
            d = t.data
            with open(out + ".bin", "wb") as f:
                for c in cols:
                    f.write(np.ascontiguousarray(d[c][0], dtype="<i4" if c == "QUAL" else "<f4").tobytes())
            res = {
                "rows": len(d), "lengths": [int(len(d[c][0])) for c in cols], "names": [c.name for c in t.columns],
                "primary": {k: repr(p[k]) for k in \(numericKeys) if k in p},
                "table": {k: repr(t.header[k]) for k in \(tableKeys) if k in t.header},
                "strings": {k: p[k] for k in ["CNAME", "SPECSYS", "PROG_ID", "SPECUID_P"] if k in p},
            }
        tab = Table.read(path, hdu="PHASE3SPECTRUM")
        res["qual_masked"] = int(np.ma.count_masked(tab["QUAL"][0])) if hasattr(tab["QUAL"], "mask") else 0
    res["warnings"] = [str(w.message) for w in caught]
    res["astropy"] = __import__("astropy").__version__
    with open(out, "w") as f:
        json.dump(res, f)
    """

    struct AstropyView {
        let json: [String: Any]
        let arrays: [[UInt32]]  // bit patterns, column by column

        func number(_ section: String, _ key: String) -> Double? { ((json[section] as? [String: String])?[key]).flatMap { Double($0) } }
        func int(_ section: String, _ key: String) -> Int64? { ((json[section] as? [String: String])?[key]).flatMap { Int64($0) } }
    }

    /// Runs the script on `path`.
    static func astropyRead(_ path: String, in dir: TemporaryDirectory) throws -> AstropyView {
        let script = dir.file("read_phase3.py"), out = dir.file("astropy-\((path as NSString).lastPathComponent).json")
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        let child = try ChildProcess(["/usr/bin/env", "python3", script, path, out], outputPath: dir.file("python.txt"))
        let status = child.wait(timeout: 300)
        try #require(status == 0, "astropy reader failed: \(child.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out + ".bin"))
        let lengths = try #require(json["lengths"] as? [Int])
        var arrays: [[UInt32]] = [], offset = 0
        for n in lengths {
            let words = bytes[offset..<(offset + 4 * n)].withUnsafeBytes { raw in (0..<n).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian } }
            arrays.append(words)
            offset += 4 * n
        }
        return AstropyView(json: json, arrays: arrays)
    }

    @Test(.enabled(if: astropyAvailable, "\(astropyMissing)"))
    func astropyReadsTheSameNumbersAsOurReader() throws {
        let dir = try TemporaryDirectory("qmost-phase3-astropy")
        var s = Phase3SpectrumFileTests.spectrum()
        for i in [5, 6, 20_000] { s.quality[i] = Phase3SpectrumFile.qualityNull }  // undefined: astropy must mask exactly these
        let path = dir.file("qmost_20562750-4111450_20220904_100118_LJ1.fits")
        try Phase3SpectrumFile.write(path, s)
        let ours = try Phase3SpectrumFile.read(path)
        let (primary, table) = try withFITSFile(path) { f in (try f.header(hdu: 0), try f.header(hdu: 1)) }
        let astropy = try Self.astropyRead(path, in: dir)

        #expect(astropy.json["rows"] as? Int == 1)
        #expect(astropy.json["names"] as? [String] == Self.columns)
        #expect(astropy.json["warnings"] as? [String] == [], "astropy warned: \(astropy.json["warnings"] ?? "")")
        let mine: [[UInt32]] = [ours.wavelength.map(\.bitPattern), ours.flux.map(\.bitPattern), ours.error.map(\.bitPattern),
                                ours.quality.map { UInt32(bitPattern: $0) }, ours.fluxNoSkySubtraction.map(\.bitPattern),
                                ours.errorNoSkySubtraction.map(\.bitPattern)]
        var identical = 0
        for (k, name) in Self.columns.enumerated() {
            #expect(astropy.arrays[k] == mine[k], "\(name) differs between astropy and our reader")
            if astropy.arrays[k] == mine[k] { identical += mine[k].count }
        }
        // Header numbers: every one astropy sees equals what our header reader sees.
        var compared = 0
        for key in Self.numericKeys {
            let a = try #require(astropy.number("primary", key), "astropy lacks \(key)")
            #expect(a == primary.double(key), "\(key): astropy \(a), ours \(primary.double(key).map { "\($0)" } ?? "none")")
            compared += 1
        }
        for key in Self.tableKeys {
            let a = try #require(astropy.number("table", key), "astropy lacks \(key)")
            #expect(a == table.double(key), "\(key): astropy \(a), ours \(table.double(key).map { "\($0)" } ?? "none")")
            compared += 1
        }
        // And the facts our reader turns them into.
        #expect(astropy.int("primary", "SPECUID") == ours.header.spectrumUID && astropy.int("primary", "U_OBJ_ID") == ours.header.objectUID)
        #expect(astropy.int("primary", "TARG_ID") == ours.header.targetID && astropy.number("primary", "MJD-OBS") == ours.header.mjdStart)
        #expect(astropy.number("table", "HELIOCR") == ours.header.heliocentricCorrection)
        #expect((astropy.json["strings"] as? [String: String])?["CNAME"] == ours.header.cname)
        #expect((astropy.json["strings"] as? [String: String])?["SPECUID_P"] == ours.header.spectrumProvenance)
        #expect(astropy.json["qual_masked"] as? Int == 3)
        print("measured: astropy \(astropy.json["astropy"] ?? "?") and our reader agree bit for bit on \(identical) array elements (6 × \(ours.wavelength.count)) and \(compared) header numbers; astropy masks \(astropy.json["qual_masked"] ?? "?") QUAL elements (TNULL4 = -1); checksums verified without warnings")
    }

    static var sampleSkipReason: String { astropyAvailable ? Phase3SpectrumFileTests.sampleMissing : astropyMissing }

    @Test(.enabled(if: astropyAvailable && Phase3SpectrumFileTests.samplePath != nil, "\(sampleSkipReason)"))
    func astropyAndOurFITSReaderAgreeOnTheRealSample() throws {
        let dir = try TemporaryDirectory("qmost-phase3-astropy")
        let path = Phase3SpectrumFileTests.samplePath!
        let astropy = try Self.astropyRead(path, in: dir)
        let mine: [[UInt32]] = try withFITSFile(path) { f in
            try Self.columns.map { name in
                name == "QUAL" ? try f.readColumn(name, hdu: 1, as: Int32.self).values.map { UInt32(bitPattern: $0) }
                               : try f.readColumn(name, hdu: 1, as: Float.self).values.map(\.bitPattern)
            }
        }
        for (k, name) in Self.columns.enumerated() {
            #expect(astropy.arrays[k] == mine[k], "\(name) differs between astropy and our reader")
        }
        let table = try withFITSFile(path) { try $0.header(hdu: 1) }
        #expect(astropy.int("table", "TNULL4") == -1 && table.int("TNULL4") == -1)
        print("measured: real sample: astropy and our FITS reader agree bit for bit on 6 × \(mine[0].count) elements; \(mine[3].filter { $0 == 1 }.count) QUAL = 1; astropy masks \(astropy.json["qual_masked"] ?? "?")")
    }
}
