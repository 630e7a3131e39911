import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1

/// The per-night multi-spectrum container (FIBMETATAB, SPECTAB, OBMETATAB, PROVTAB; datamodel §1.4).
struct NightSpectraFileTests {
    /// The Phase 3 test spectrum with every header fact set away from its default (so a fact the container forgot
    /// would show as a difference), varied by `k`.
    static func spectrum(_ k: Int, bins: Int = 23201, obID: Int64, heliocentric: Bool = true) -> Phase3Spectrum {
        var s = Phase3SpectrumFileTests.spectrum(bins: bins)
        if !heliocentric { s.header.heliocentricCorrection = nil }
        let d = Double(k)
        var h = s.header
        h.cname = ["20562750-4111450", "00033300+2847587", "12000000-0000010", "23595999+8959599"][k % 4]
        h.targetID = 9_000_000 + Int64(k)
        h.objectUID = 11_031_146_000 + Int64(k)
        h.spectrumUID = 4_242_000 + Int64(k)
        h.spectrumProvenance = k == 0 ? "" : SpectrumProvenance(specuid: h.spectrumUID, night: Night("2022-09-04")!, obID: obID,
                                                                 spectrograph: k % 2 == 0 ? "LRS-A" : "LRS-B", arm: k == 2 ? "B" : "J",
                                                                 stack: k == 1 ? .ob : .exposure, pipelineVersion: "0.\(k).0").text
        h.object = "Field 0\(k)A"
        h.ra = 314.1146 + d
        h.dec = -41.19583 + d / 10
        h.exposureTime = 1200 + d
        h.totalExposureTime = 3600 + d
        h.mjdStart = 59827.125 + d / 100
        h.mjdEnd = 59827.13888889 + d / 100
        h.programme = "60.A-929\(k)(A)"
        h.obID = obID
        h.combined = 3 + k
        h.fluxCalibration = k % 2 == 0 ? .absolute : .uncalibrated
        h.fluxScaleError = 10 + d
        h.software = "qmostd/test\(k)"
        h.reference = k == 1 ? "2026A&A...1..1X" : ""
        h.provenance = k == 2 ? [] : ["qmost_a_\(k)_LR1.fits", "qmost_a_\(k)_LG1.fits"]
        h.associated = k == 3 ? ["single_\(k).fits", "other_\(k).fits"] : []
        h.extendedObject = k % 2 == 1
        h.continuumNormalised = k % 3 == 1
        h.totalFlux = k % 2 == 0
        h.wavelengthRMS = 0.0012 + d / 1000
        h.wavelengthLines = 143 + k
        h.wavelengthStatisticalError = 0.001 * d
        h.wavelengthSystematicError = 0.002 * d
        h.resolvingPower = 4933.19 + d
        h.date = "2026-12-0\(k + 1)"
        h.node = "QL\(k)"
        h.release = "DR\(k)"
        h.submitted = "2026-12-02T02:00:0\(k).000"
        h.user = "user\(k)"
        h.contact = "ops\(k)@example.org"
        h.pipelineVersion = "0.\(k)"
        h.title = "Title \(k)"
        h.aperture = 0.00039 + d / 1e6
        var q = h.processing
        q.biasCorrection = "master+oscor\(k)"
        q.profileFile = "prof\(k).fits"
        q.wavelengthFile = "wave\(k).fits"
        q.fibreFlatFile = "flat\(k).fits"
        q.minimumSNR = "0.\(k)"
        q.minimumSNRSpectrum = "\(k + 10)"
        q.minimumSNRFibre = "\(k + 20)"
        q.maximumSNR = "9\(k)"
        q.maximumSNRSpectrum = "\(k + 30)"
        q.maximumSNRFibre = "\(k + 40)"
        q.medianSNR = "5.\(k)"
        q.skySubtracted = k % 2 == 0
        q.pcaApplied = k % 2 == 1
        q.pcaVariance = 93.75 + d
        q.pcaComponents = 11 + k
        q.telluricCorrected = k % 3 == 0
        q.telluricFile = "tell\(k).fits"
        q.sensitivityFile = "sens\(k).fits"
        q.zeroPointOffset = 0.01 * d + 0.5
        q.calibrators = 2 + k
        h.processing = q
        var f = h.fibre
        f.spectrumNumber = 334 + k
        f.fibreID = 644 + k
        f.slitPosition = 339 + k
        f.root = 1 + k % 3
        f.state = k % 3
        f.use = 1 + k % 6
        f.phi = 0.5 + d
        f.theta = 0.25 + d
        f.targetName = "QMST-\(k)"
        f.catalogueID = 3 + k
        f.targetRA = 314.1 + d
        f.targetDec = -41.2 + d
        f.pmRA = 1.5 + d
        f.pmDec = -2.5 + d
        f.parallax = 0.4 + d
        f.epoch = 2016 + d
        f.surveyBits = 1_102_349 + Int64(k)
        f.priority = 1 + k
        f.ruleset = 12 + k
        f.centroidWavelength = 628.7 + d
        f.magnitudes = [21.25 + d, 21.1, 20.9]
        f.magnitudeErrors = [0.0176, 0.0187 + d, 0.0149]
        f.magnitudeIDs = [1, 2 + k, 3]
        f.arcRMS = 0.0124 + d
        f.arcFWHM = 1.2829 + d
        f.wavelengthOffset = 0.01 + d
        f.wavelengthOffsetRMS = 0.02 + d
        f.skyLineOffset = 0.03 + d
        f.skyLineRMS = 0.04 + d
        f.skyShift = 0.05 + d
        f.skyScale = 1.06 + d
        f.totalCounts = 96041.3 + d
        f.meanCounts = 32013.8 + d
        h.fibre = f
        s.header = h
        s.flux = s.flux.map { $0 * Float(1 + k) }
        return s
    }

    /// A night: two OBs, three joined LRS spectra (one topocentric) and one shorter single-arm spectrum, three inputs.
    static func night() -> NightSpectra {
        let night = Night("2022-09-04")!
        let blocks = [
            NightObservingBlock(obID: 112, object: "Field 02A", ra: 314.1146, dec: -41.19583, mjdStart: 59827.125, mjdEnd: 59827.13888889,
                                exposureTime: 1200, totalExposureTime: 3600, exposures: 3, airmassStart: 1.05, airmassEnd: 1.12,
                                programme: "60.A-9296(A)"),
            NightObservingBlock(obID: 113, object: "Field 03B", ra: 10.5, dec: 28.8, mjdStart: 59827.25, mjdEnd: 59827.27,
                                exposureTime: 900, totalExposureTime: 1800, exposures: 2, airmassStart: 1.3, airmassEnd: 1.25,
                                programme: "60.A-9296(B)"),
        ]
        let parts: [Phase3SpectrumPart] = [.joined, .joined, .arm(.blue), .joined]
        var spectra: [NightSpectrum] = []
        for k in 0..<4 {
            let s = spectrum(k, bins: k == 2 ? 6144 : 23201, obID: k < 2 ? 112 : 113, heliocentric: k != 3)
            let name = Phase3SpectrumFile.fileName(cname: s.header.cname, night: night, sequence: 100_100 + k, resolution: .low, part: parts[k])!
            spectra.append(NightSpectrum(spectrum: s, part: parts[k], fileName: name))
        }
        let provenance = [
            NightProvenance(fileName: "QMOST.2022-09-04T03:00:00.000.fits", sha256: String(repeating: "0123456789abcdef", count: 4), kind: "RAW"),
            NightProvenance(fileName: "qmost_master_bias_LRS-B_blue.fits", kind: "MASTER"),
            NightProvenance(fileName: "QMOST.2022-09-04T03:21:00.000.fits", sha256: String(repeating: "FEDCBA9876543210", count: 4), kind: "RAW"),
        ]
        return NightSpectra(night: night, spectra: spectra, observingBlocks: blocks, provenance: provenance, date: "2026-12-02")
    }

    @Test func roundTripIsEqual() throws {
        let dir = try TemporaryDirectory("qmost-night-spectra")
        let n = Self.night()
        let name = NightSpectraFile.fileName(night: n.night)
        #expect(name == "qmost_20220904_nightspectra.fits")
        let path = dir.file(name)
        let started = Date()
        try NightSpectraFile.write(path, n)
        let wrote = Date()
        let back = try NightSpectraFile.read(path)
        let read = Date()
        #expect(!FileManager.default.fileExists(atPath: dir.file(".\(name).part")))
        #expect(back == n)
        for (a, b) in zip(back.spectra, n.spectra) where a != b {
            Issue.record("SPECUID \(b.spectrum.header.spectrumUID) differs: \(a.spectrum.header) vs \(b.spectrum.header)")
        }
        // Layout: HDU order, row counts, the padded short spectrum, QUAL's null value, checksums.
        try withFITSFile(path) { f in
            #expect(try f.hduCount == 5)
            #expect(try (1...4).map { try f.header(hdu: $0).string("EXTNAME") } == ["FIBMETATAB", "SPECTAB", "OBMETATAB", "PROVTAB"])
            #expect(try [1, 2, 3, 4].map { try f.rowCount(hdu: $0) } == [4, 4, 2, 3])
            let spec = try f.columnDescriptions(hdu: 2)
            #expect(spec.map(\.name) == ["WAVE", "FLUX", "ERR_FLUX", "QUAL", "FLUX_NOSS", "ERR_FLUX_NOSS", "NELEM", "SPECUID"])
            #expect(spec[0].format == "23201E" && spec[3].format == "23201J" && spec[3].null == -1)
            let qual = try f.readColumn("QUAL", hdu: 2, as: Int32.self)
            #expect(qual.row(2).suffix(23201 - 6144).allSatisfy { $0 == -1 })
            #expect(try f.readColumn("FLUX", hdu: 2, as: Float.self).row(2).suffix(23201 - 6144).allSatisfy(\.isNaN))
            let primary = try f.header(hdu: 0)
            #expect(primary.string("NIGHT") == "2022-09-04" && primary.int("NSPEC") == 4 && primary.double("MJD-END") == 59827.27)
            for hdu in 0...4 {
                let c = try f.verifyChecksums(hdu: hdu)
                #expect(c.checksum == .valid && c.datasum == .valid, "HDU \(hdu)")
            }
            let fib = try f.columnDescriptions(hdu: 1)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print("measured: night container \(size) bytes, FIBMETATAB \(fib.count) columns, SPECTAB \(spec.count) columns × 23201, write \(Int(wrote.timeIntervalSince(started) * 1000)) ms, read \(Int(read.timeIntervalSince(wrote) * 1000)) ms for 4 spectra")
        }
        // Each spectrum is the one its own Phase 3 file holds.
        for entry in back.spectra {
            let single = dir.file(entry.fileName)
            try Phase3SpectrumFile.write(single, n.spectra.first { $0.fileName == entry.fileName }!.spectrum)
            #expect(try Phase3SpectrumFile.read(single) == entry.spectrum)
        }
    }

    @Test func theDatamodelColumnNamesAreThere() throws {
        let dir = try TemporaryDirectory("qmost-night-spectra")
        let path = dir.file("night.fits")
        try NightSpectraFile.write(path, Self.night())
        try withFITSFile(path) { f in
            let fib = Set(try f.columnDescriptions(hdu: 1).map(\.name))
            let mec = ["OBJ_UID", "OBJ_NME", "OBJ_RA", "OBJ_DEC", "SPECUID", "SNR", "OSTD_TARG_ID", "OBJECT"]
            let brief = ["CNAME", "FIB_ID", "SLIT_POS", "RA", "DEC", "MAG", "OBID", "ARM", "FILENAME"]
            #expect(fib.isSuperset(of: mec + brief), "\(Set(mec + brief).subtracting(fib))")
            let ob = Set(try f.columnDescriptions(hdu: 3).map(\.name))
            #expect(ob.isSuperset(of: ["OBID", "OBJECT", "RA", "DEC", "EXPTIME", "TEXPTIME", "MJD-OBS", "MJD-END", "DATE-OBS", "NCOMBINE",
                                       "TELAPSE", "TMID", "AIRM_STA", "AIRM_END", "PROG_ID"]))
            #expect(try f.columnDescriptions(hdu: 4).map(\.name) == ["ESOFILENAME", "SHA256", "KIND"])
            let dateObs = try f.readStringColumn("DATE-OBS", hdu: 3).values
            #expect(dateObs == ["2022-09-05T03:00:00.000", "2022-09-05T06:00:00.000"])  // the morning after the night of 2022-09-04
            #expect(try f.readStringColumn("ARM", hdu: 1).values == ["J", "J", "B", "J"])
            #expect(try f.readStringColumn("SPECSYS", hdu: 1).values == ["HELIOCEN", "HELIOCEN", "HELIOCEN", "TOPOCENT"])
            let snr = try f.readColumn("SNR", hdu: 1, as: Double.self).values
            #expect(snr == Self.night().spectra.map(\.spectrum.medianSNR))
            let header = try f.header(hdu: 1)
            #expect(header.string("TCOMM1") == "Unique spectrum identifier")
            // SPECUID_P is text (docs/identifiers.md), blank for the spectrum that has none.
            #expect(try f.readStringColumn("SPECUID_P", hdu: 1).values == Self.night().spectra.map(\.spectrum.header.spectrumProvenance))
            #expect(try f.readStringColumn("SPECUID_P", hdu: 1).values[1] == "4242001_20220904_OB112_LRSB_J_OB_0.1.0")
        }
    }

    @Test func fitsverifyFindsNoWarningsOrErrors() throws {
        let dir = try TemporaryDirectory("qmost-night-spectra")
        let path = dir.file("qmost_20220904_nightspectra.fits")
        var n = Self.night()
        try NightSpectraFile.write(path, n)
        // A night without provenance has an empty PROVTAB, which must be just as clean.
        n.provenance = []
        let empty = dir.file("no-provenance.fits")
        try NightSpectraFile.write(empty, n)
        #expect(try NightSpectraFile.read(empty) == n)
        for file in [path, empty] {
            let log = dir.file((file as NSString).lastPathComponent + ".txt")
            let child = try ChildProcess(["/usr/bin/fitsverify", "-e", file], outputPath: log)
            let status = child.wait(timeout: 60)
            print("measured: fitsverify \((file as NSString).lastPathComponent): \(child.output.split(separator: "\n").last { $0.contains("Verification found") } ?? "no summary")")
            #expect(status == 0 && child.output.contains("Verification found 0 warning(s) and 0 error(s)"), "\(child.output)")
        }
    }

    @Test func badNightsAreRefusedByNameAndNothingIsWritten() throws {
        let dir = try TemporaryDirectory("qmost-night-spectra")
        let path = dir.file("bad.fits")
        let good = Self.night()
        var cases: [(String, NightSpectra)] = []
        var n = good
        n.spectra = []
        cases.append(("no spectra", n))
        n = good
        n.spectra[1].spectrum.header.spectrumUID = n.spectra[0].spectrum.header.spectrumUID
        cases.append(("SPECUIDs repeat", n))
        n = good
        n.observingBlocks[1].obID = 112
        cases.append(("OBIDs repeat", n))
        n = good
        n.spectra[3].spectrum.header.obID = 999
        cases.append(("OBID1 999", n))
        n = good
        n.spectra[2].spectrum.flux.removeLast()
        cases.append(("elements", n))
        n = good
        n.spectra[0].spectrum.header.cname = "nowhere"
        cases.append(("CNAME 'nowhere'", n))
        n = good
        n.spectra[0].spectrum.header.provenance = ["a,b.fits"]
        cases.append(("comma", n))
        n = good
        n.spectra[0].spectrum.header.fibre.magnitudes = [1, 2]
        cases.append(("3 values", n))
        n = good
        n.provenance[0].sha256 = "abc"
        cases.append(("64 hexadecimal", n))
        n = good
        n.provenance[1].kind = ""
        cases.append(("blank", n))
        for (expected, night) in cases {
            #expect { try NightSpectraFile.write(path, night) } throws: { "\($0)".contains(path) && "\($0)".contains(expected) }
            #expect(!FileManager.default.fileExists(atPath: path), "\(expected)")
        }
        #expect { try NightSpectraFile.read(dir.file("missing.fits")) } throws: { "\($0)".contains(dir.file("missing.fits")) }
        // A Phase 3 single-spectrum file is not a night container: the problem names the missing table.
        let single = dir.file("single.fits")
        try Phase3SpectrumFile.write(single, Phase3SpectrumFileTests.spectrum(bins: 100))
        #expect { try NightSpectraFile.read(single) } throws: { "\($0)".contains(single) && "\($0)".contains("NIGHT") }
    }

    // MARK: Streaming

    /// The test night with a fifth spectrum, so that batches of 2 leave a short last one.
    static func fiveSpectra() -> NightSpectra {
        var n = night()
        let s = spectrum(4, bins: 12_000, obID: 113)
        let name = Phase3SpectrumFile.fileName(cname: s.header.cname, night: n.night, sequence: 100_104, resolution: .low, part: .arm(.red))!
        n.spectra.append(NightSpectrum(spectrum: s, part: .arm(.red), fileName: name))
        return n
    }

    /// The night as the streaming write takes it: headers only.
    static func headersOnly(_ n: NightSpectra) -> NightSpectra {
        var out = n
        for i in out.spectra.indices {
            let h = out.spectra[i].spectrum.header
            out.spectra[i].spectrum = Phase3Spectrum(wavelength: [], flux: [], error: [], quality: [], fluxNoSkySubtraction: [],
                                                     errorNoSkySubtraction: [], header: h)
        }
        return out
    }

    /// The file's 80-byte records, CHECKSUM and DATASUM cards left out: their comments carry the time of writing.
    static func recordsWithoutChecksums(_ path: String) throws -> [Data] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return stride(from: 0, to: data.count, by: 80).map { data[$0..<min($0 + 80, data.count)] }
            .filter { !$0.starts(with: Array("CHECKSUM= ".utf8)) && !$0.starts(with: Array("DATASUM = ".utf8)) }
    }

    @Test func streamingInBatchesGivesTheFileOfTheOneShotWrite() throws {
        let dir = try TemporaryDirectory("qmost-night-spectra")
        let n = Self.fiveSpectra()
        let whole = dir.file("whole.fits"), streamed = dir.file("streamed.fits")
        try NightSpectraFile.write(whole, n)
        var loaded: [Int] = []
        try NightSpectraFile.write(streamed, Self.headersOnly(n), elements: n.spectra.map(\.spectrum.wavelength.count), batch: 2) { i in
            loaded.append(i)
            return n.spectra[i].spectrum
        }
        #expect(loaded == [0, 1, 2, 3, 4])
        #expect(!FileManager.default.fileExists(atPath: dir.file(".streamed.fits.part")))
        let back = try NightSpectraFile.read(streamed)
        #expect(back == n)
        #expect(back == (try NightSpectraFile.read(whole)))
        // SNR, derived from the arrays the headers did not have, is filled in from the loaded spectra.
        let snr = try withFITSFile(streamed) { try $0.readColumn("SNR", hdu: 1, as: Double.self).values }
        #expect(snr == n.spectra.map(\.spectrum.medianSNR) && snr.allSatisfy { $0 > 0 })
        let (a, b) = (try Self.recordsWithoutChecksums(whole), try Self.recordsWithoutChecksums(streamed))
        #expect(a.count == b.count && a == b, "the two files differ beyond their checksum cards")
        try withFITSFile(streamed) { f in
            #expect(try f.columnDescriptions(hdu: 2).map(\.format) == ["23201E", "23201E", "23201E", "23201J", "23201E", "23201E", "1J", "1K"])
            #expect(try f.readColumn("NELEM", hdu: 2, as: Int32.self).values == [23201, 23201, 6144, 23201, 12_000])
            #expect(try f.readColumn("WAVE", hdu: 2, as: Float.self).row(4).suffix(23201 - 12_000).allSatisfy(\.isNaN))
            for hdu in 0...4 {
                let c = try f.verifyChecksums(hdu: hdu)
                #expect(c.checksum == .valid && c.datasum == .valid, "HDU \(hdu)")
            }
        }
    }

    @Test func streamedSpectraThatDisagreeWithTheirHeadersAreRefusedAndNothingIsWritten() throws {
        let dir = try TemporaryDirectory("qmost-night-spectra")
        let n = Self.fiveSpectra()
        let headers = Self.headersOnly(n)
        let elements = n.spectra.map(\.spectrum.wavelength.count)
        let path = dir.file("streamed.fits")
        func expectRefusal(_ expected: String, elements given: [Int]? = nil, batch: Int = 2,
                           load: (Int) throws(FileProblem) -> Phase3Spectrum) {
            #expect { try NightSpectraFile.write(path, headers, elements: given ?? elements, batch: batch, load: load) } throws: { error in
                "\(error)".contains(path) && "\(error)".contains(expected)
            }
            #expect(!FileManager.default.fileExists(atPath: path), "\(expected)")
            #expect(!FileManager.default.fileExists(atPath: dir.file(".streamed.fits.part")), "\(expected)")
        }
        // Spectrum 3, in the second batch: SPECTAB is half written when the problem shows.
        expectRefusal("elements") { i in i == 3 ? Phase3SpectrumFileTests.spectrum(bins: 6144) : n.spectra[i].spectrum }
        expectRefusal("elements") { i in
            var s = n.spectra[i].spectrum
            if i == 4 { s.quality.removeLast() }
            return s
        }
        expectRefusal("SPECUID \(n.spectra[1].spectrum.header.spectrumUID)") { i in
            var s = n.spectra[i].spectrum
            if i == 2 { s.header.spectrumUID = n.spectra[1].spectrum.header.spectrumUID }
            return s
        }
        let source = dir.file("qmost_missing_LJ1.fits")
        expectRefusal(source) { i throws(FileProblem) in
            if i == 1 { throw FileProblem(path: source, problem: "no such file") }
            return n.spectra[i].spectrum
        }
        expectRefusal("one per spectrum", elements: Array(elements.dropLast())) { n.spectra[$0].spectrum }
        expectRefusal("at least 2", elements: [23201, 23201, 1, 23201, 12_000]) { n.spectra[$0].spectrum }
        expectRefusal("batch", batch: 0) { n.spectra[$0].spectrum }
        // An earlier file at the path survives a refused write.
        try NightSpectraFile.write(path, n)
        #expect { try NightSpectraFile.write(path, headers, elements: elements, batch: 2) { i in
            i == 4 ? Phase3SpectrumFileTests.spectrum(bins: 100) : n.spectra[i].spectrum
        } } throws: { "\($0)".contains(path) && "\($0)".contains("elements") }
        #expect(try NightSpectraFile.read(path) == n)
    }
}
