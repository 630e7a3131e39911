import Foundation
import QMostCore
import QMostFITS

/// One spectrum of a night container: the Phase 3 spectrum, which part of its target it is, and the name of the
/// spectrum's own Phase 3 file (``Phase3SpectrumFile/fileName(cname:night:sequence:resolution:part:)``).
public struct NightSpectrum: Sendable, Equatable {
    public var spectrum: Phase3Spectrum
    public var part: Phase3SpectrumPart
    /// The Phase 3 file this spectrum is (or would be) written to; a bare file name.
    public var fileName: String

    public init(spectrum: Phase3Spectrum, part: Phase3SpectrumPart, fileName: String) {
        self.spectrum = spectrum
        self.part = part
        self.fileName = fileName
    }
}

/// One observing block of the night: a row of OBMETATAB.
public struct NightObservingBlock: Sendable, Equatable {
    /// OBID: the ESO OB id (the spectra's OBID1).
    public var obID: Int64
    /// OBJECT: the field/OB name.
    public var object: String
    /// RA, DEC: field centre, ICRS degrees.
    public var ra: Double
    public var dec: Double
    /// MJD-OBS, MJD-END: start of the first and end of the last science exposure (UTC).
    public var mjdStart: Double
    public var mjdEnd: Double
    /// EXPTIME: integration time of one science exposure, s.
    public var exposureTime: Double
    /// TEXPTIME: sum of the science exposures' integration times, s.
    public var totalExposureTime: Double
    /// NCOMBINE: science exposures taken.
    public var exposures: Int
    /// AIRM_STA, AIRM_END: airmass at the start and end (ESO TEL AIRM START/END).
    public var airmassStart: Double
    public var airmassEnd: Double
    /// PROG_ID, e.g. `60.A-9296(A)`.
    public var programme: String

    public init(obID: Int64, object: String, ra: Double, dec: Double, mjdStart: Double, mjdEnd: Double, exposureTime: Double,
                totalExposureTime: Double, exposures: Int, airmassStart: Double, airmassEnd: Double, programme: String) {
        self.obID = obID
        self.object = object
        self.ra = ra
        self.dec = dec
        self.mjdStart = mjdStart
        self.mjdEnd = mjdEnd
        self.exposureTime = exposureTime
        self.totalExposureTime = totalExposureTime
        self.exposures = exposures
        self.airmassStart = airmassStart
        self.airmassEnd = airmassEnd
        self.programme = programme
    }
}

/// One input file of the night's products: a row of PROVTAB.
public struct NightProvenance: Sendable, Equatable {
    /// ESOFILENAME: the file's name.
    public var fileName: String
    /// SHA256: its SHA-256 as 64 hexadecimal digits, nil when not known (written blank).
    public var sha256: String?
    /// KIND: what the file is, e.g. `RAW`, `MASTER`, `L1`; free text, not blank.
    public var kind: String

    public init(fileName: String, sha256: String? = nil, kind: String) {
        self.fileName = fileName
        self.sha256 = sha256
        self.kind = kind
    }
}

/// Everything one night container holds.
public struct NightSpectra: Sendable, Equatable {
    /// NIGHT.
    public var night: Night
    /// FIBMETATAB and SPECTAB, row i ↔ spectrum i.
    public var spectra: [NightSpectrum]
    /// OBMETATAB, one row per OB; every spectrum's OBID1 must be one of them.
    public var observingBlocks: [NightObservingBlock]
    /// PROVTAB, one row per input file.
    public var provenance: [NightProvenance]
    /// PROCSOFT.
    public var software: String
    /// DATE: processing date `YYYY-MM-DD`.
    public var date: String

    public init(night: Night, spectra: [NightSpectrum], observingBlocks: [NightObservingBlock], provenance: [NightProvenance],
                software: String = "qmostd/\(QMostVersion.current)", date: String) {
        self.night = night
        self.spectra = spectra
        self.observingBlocks = observingBlocks
        self.provenance = provenance
        self.software = software
        self.date = date
    }
}

/// The per-night multi-spectrum container: one FITS file holding all of a night's L1 spectra, for L2 to read in one
/// go. Modelled on the nightly "MEC" files 4MOST delivers to surveys (datamodel §1.4), whose full layout is not
/// public; the HDUs are in that order:
///
/// 0. Primary, no data: `NIGHT` (ISO date), `PROCSOFT`, `DATE`, `NSPEC`/`NOB`/`NPROV` (the tables' row counts),
///    `MJD-OBS`/`MJD-END` (earliest start and latest end over the OBs), ORIGIN/TELESCOP/INSTRUME as in Phase 3.
/// 1. `FIBMETATAB`, one row per spectrum, holding every fact of its ``Phase3Header`` so that each
///    ``Phase3Spectrum`` is recovered exactly. Columns the datamodel names are used with its names: `SPECUID`,
///    `OBJ_UID` (the header's U_OBJ_ID / TRG_UID), `OSTD_TARG_ID` (TARG_ID), `OBJ_NME` (TRG_NME), `OBJ_RA`/`OBJ_DEC`
///    (TRG_RA/TRG_DEC, catalogue position), `OBJECT` and `SNR` (median S/N per bin, derived and not read back). Our
///    choices: `CNAME`, `SPECUID_P`, `RA`/`DEC` (the spectrum's position), `OBID` (OBID1, the key into OBMETATAB),
///    `ARM` (`B`, `G`, `R` or `J` for joined), `FILENAME` (the spectrum's own Phase 3 file), `MAG`/`MAG_ERR`/`MAG_ID`
///    (3-element vectors: blue, green, red = TRG_BL/GR/RD, TRG_BLER…, TRG_BLID…), `PROV`/`ASSON` (the PROVi/ASSONi
///    file names joined by commas), and every other fact under the name of its Phase 3 keyword (`EXPTIME`,
///    `MJD-OBS`, `FLUXCAL`, `SPECSYS`, `HELIOCR`, …, `BIASCOR`, …, `NSPEC`, `FIB_ID`, `SLIT_POS`, `FIB_ROOT`, …).
///    Each column carries a TCOMMn saying what it is. The TiDES MEC columns `SEEING` and `SKYBRITE` are not written:
///    no per-spectrum value of either exists here.
/// 2. `SPECTAB`, one row per spectrum (same order), the arrays of PHASE3SPECTRUM in vector cells with the same
///    names, units, TUCD/TUTYP/TCOMM/TDISP: `WAVE`, `FLUX`, `ERR_FLUX`, `QUAL` (TNULL −1), `FLUX_NOSS`,
///    `ERR_FLUX_NOSS`; then `NELEM` (the spectrum's length) and `SPECUID` (a check on the row match). Cells are as
///    wide as the longest spectrum; a shorter one (a single arm beside joined spectra) is padded after NELEM with NaN
///    and QUAL −1 (the null value). The explicit WAVE column replaces the MEC's linear-WCS keywords (`1CRVL1`…),
///    which could not describe spectra on different grids; errors are 1σ (ERR_FLUX), not the MEC's inverse variance.
/// 3. `OBMETATAB`, one row per OB (not per spectrum as TiDES reads its MEC; spectra join it through OBID):
///    `OBID`, `OBJECT`, `RA`, `DEC`, `MJD-OBS`, `MJD-END`, `EXPTIME`, `TEXPTIME`, `NCOMBINE`, `AIRM_STA`, `AIRM_END`,
///    `PROG_ID`, plus `DATE-OBS`, `TMID` and `TELAPSE` derived from the MJDs (written, not read back).
/// 4. `PROVTAB`, one row per input file: `ESOFILENAME` (datamodel name), `SHA256` (blank when unknown), `KIND`.
///
/// Strings must be printable ASCII and lose trailing blanks (FITS pads with them). The whole night is built in
/// memory: about 0.56 MB per joined LRS spectrum.
public enum NightSpectraFile {
    public static let fibreTable = "FIBMETATAB"
    public static let spectrumTable = "SPECTAB"
    public static let obTable = "OBMETATAB"
    public static let provenanceTable = "PROVTAB"

    /// `qmost_<YYYYMMDD>_nightspectra.fits` (our choice; the public MEC names are not documented).
    public static func fileName(night: Night) -> String { "qmost_\(night.compact)_nightspectra.fits" }

    /// Writes the night atomically (``ProductFile/writeAtomically(_:_:)``). Refused, naming `path`: no spectra;
    /// a spectrum whose arrays disagree, hold fewer than 2 bins or whose WAVE does not increase; a CNAME that is not
    /// one (it is written in canonical form, as in ``Phase3SpectrumFile``); repeated SPECUIDs or OBIDs; a spectrum
    /// whose OBID1 has no OB; magnitude vectors not of 3; a PROVi/ASSONi name that is blank or holds a comma; a blank
    /// file name or kind; a SHA-256 that is not 64 hex digits.
    public static func write(_ path: String, _ night: NightSpectra) throws(FileProblem) {
        let entries = try validated(night, path: path)
        let width = entries.map(\.spectrum.wavelength.count).max()!
        let fibreCols = fibreColumns.map { $0.column(entries) }
        let obCols = obColumns.map { $0.column(night.observingBlocks) }
        let provCols = provenanceColumns.map { $0.column(night.provenance) }
        let specCols = spectrumColumns(entries, width: width)
        try ProductFile.writeAtomically(path) { file in
            try file.appendEmptyPrimary(cards: primaryCards(night))
            try file.appendBinaryTable(name: fibreTable, columns: fibreCols, cards: commentCards(fibreColumns.map(\.comment)))
            try file.appendBinaryTable(name: spectrumTable, columns: specCols, cards: spectrumCards())
            try file.appendBinaryTable(name: obTable, columns: obCols, cards: commentCards(obColumns.map(\.comment)))
            try file.appendBinaryTable(name: provenanceTable, columns: provCols, cards: commentCards(provenanceColumns.map(\.comment)))
        }
    }

    /// Reads a container ``write(_:_:)`` made back; derived columns (SNR, DATE-OBS, TMID, TELAPSE) are not read.
    public static func read(_ path: String) throws(FileProblem) -> NightSpectra {
        do {
            return try withFITSFile(path) { file in
                let primary = try file.header(hdu: 0)
                guard let nightText = primary.string("NIGHT"), let night = Night(nightText) else {
                    throw FileProblem(path: path, problem: "keyword NIGHT is missing or not a date")
                }
                let reader = Phase3SpectrumFile.HeaderReader(path: path)
                func table(_ name: String) throws -> (hdu: Int, rows: Int) {
                    guard let hdu = try? file.moveTo(extname: name) else { throw FileProblem(path: path, problem: "no \(name) table") }
                    return (hdu, try file.rowCount(hdu: hdu))
                }
                let fibre = try table(fibreTable), spec = try table(spectrumTable), obs = try table(obTable), prov = try table(provenanceTable)
                guard fibre.rows == spec.rows else {
                    throw FileProblem(path: path, problem: "\(fibreTable) has \(fibre.rows) rows but \(spectrumTable) \(spec.rows)")
                }
                for (key, rows) in [("NSPEC", fibre.rows), ("NOB", obs.rows), ("NPROV", prov.rows)] where try reader.int(primary, key) != Int64(rows) {
                    throw FileProblem(path: path, problem: "\(key) = \(primary.int(key)!) but its table has \(rows) rows")
                }
                var entries = [NightSpectrum](repeating: blankSpectrum, count: fibre.rows)
                for column in fibreColumns { try column.read?(file, fibre.hdu, &entries) }
                try readSpectra(file, hdu: spec.hdu, into: &entries, path: path)
                var blocks = [NightObservingBlock](repeating: blankOB, count: obs.rows)
                for column in obColumns { try column.read?(file, obs.hdu, &blocks) }
                var inputs = [NightProvenance](repeating: NightProvenance(fileName: "", kind: ""), count: prov.rows)
                for column in provenanceColumns { try column.read?(file, prov.hdu, &inputs) }
                return NightSpectra(night: night, spectra: entries, observingBlocks: blocks, provenance: inputs,
                                    software: try reader.string(primary, "PROCSOFT"), date: try reader.string(primary, "DATE"))
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }

    // MARK: Validation

    /// The spectra with canonical CNAMEs, or the first problem.
    static func validated(_ night: NightSpectra, path: String) throws(FileProblem) -> [NightSpectrum] {
        func refuse(_ problem: String) -> FileProblem { FileProblem(path: path, problem: problem) }
        guard !night.spectra.isEmpty else { throw refuse("the night has no spectra; there is nothing to write") }
        let obIDs = night.observingBlocks.map(\.obID)
        guard Set(obIDs).count == obIDs.count else { throw refuse("OBIDs repeat in the observing blocks") }
        let uids = night.spectra.map(\.spectrum.header.spectrumUID)
        guard Set(uids).count == uids.count else { throw refuse("SPECUIDs repeat among the spectra") }
        var entries: [NightSpectrum] = []
        for (i, entry) in night.spectra.enumerated() {
            let h = entry.spectrum.header
            let label = "spectrum \(i) (SPECUID \(h.spectrumUID))"
            if let problem = Phase3SpectrumFile.arrayProblem(entry.spectrum) { throw refuse("\(label): \(problem)") }
            guard let cname = CoordinateName.canonicalCNAME(h.cname) else {
                throw refuse("\(label): CNAME '\(h.cname)' is not HHMMSSss±DDMMSSs")
            }
            guard obIDs.contains(h.obID) else { throw refuse("\(label): OBID1 \(h.obID) is not one of the night's observing blocks") }
            let f = h.fibre
            guard f.magnitudes.count == 3, f.magnitudeErrors.count == 3, f.magnitudeIDs.count == 3 else {
                throw refuse("\(label): the magnitudes, their errors and ids must hold 3 values each (blue, green, red)")
            }
            for name in h.provenance + h.associated where name.isEmpty || name.contains(",") {
                throw refuse("\(label): PROV/ASSON file name '\(name)' is blank or holds a comma")
            }
            guard !entry.fileName.isEmpty else { throw refuse("\(label): the file name is blank") }
            var e = entry
            e.spectrum.header.cname = cname
            entries.append(e)
        }
        for p in night.provenance {
            guard !p.fileName.isEmpty, !p.kind.isEmpty else { throw refuse("provenance '\(p.fileName)': blank file name or kind") }
            if let sum = p.sha256, sum.utf8.count != 64 || !sum.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }) {
                throw refuse("provenance '\(p.fileName)': SHA256 '\(sum)' is not 64 hexadecimal digits")
            }
        }
        return entries
    }

    // MARK: Headers

    private static func card(_ keyword: String, _ value: FITSValue, _ comment: String) -> FITSCard {
        FITSCard(keyword: keyword, value: value, comment: comment)
    }

    static func primaryCards(_ n: NightSpectra) -> [FITSCard] {
        var cards: [FITSCard] = [
            .comment("4MOST Level 1 night spectra container"),
            card("ORIGIN", "ESO-PARANAL", "Observatory or facility"),
            card("TELESCOP", "ESO-VISTA", "ESO telescope designation"),
            card("INSTRUME", "QMOST", "Instrument name"),
            card("NIGHT", .string(n.night.iso), "Night of observation (local evening date)"),
            card("PROCSOFT", .string(n.software), "Data reduction software and version"),
            card("DATE", .string(n.date), "Date YYYY-MM-DD"),
            card("NSPEC", .int(Int64(n.spectra.count)), "Spectra: rows of FIBMETATAB and SPECTAB"),
            card("NOB", .int(Int64(n.observingBlocks.count)), "Observing blocks: rows of OBMETATAB"),
            card("NPROV", .int(Int64(n.provenance.count)), "Input files: rows of PROVTAB"),
        ]
        if let start = n.observingBlocks.map(\.mjdStart).min(), let end = n.observingBlocks.map(\.mjdEnd).max() {
            cards.append(card("MJD-OBS", .double(start), "Start of earliest observation"))
            cards.append(card("MJD-END", .double(end), "End of latest observation"))
        }
        return cards
    }

    static func commentCards(_ comments: [String]) -> [FITSCard] {
        comments.enumerated().map { card("TCOMM\($0.offset + 1)", .string($0.element), "Verbal description of field") }
    }

    static func spectrumCards() -> [FITSCard] {
        var cards: [FITSCard] = []
        for (i, c) in Phase3SpectrumFile.columns.enumerated() {
            let k = i + 1
            cards.append(card("TCOMM\(k)", .string(c.comment), "Verbal description of field"))
            cards.append(card("TUTYP\(k)", .string(c.utype), "UType for field"))
            cards.append(card("TUCD\(k)", .string(c.ucd), "UCD for field"))
            cards.append(card("TDISP\(k)", .string(c.display), "Display format for field"))
        }
        let n = Phase3SpectrumFile.columns.count
        cards.append(card("TCOMM\(n + 1)", "Number of valid elements in this row's arrays", "Verbal description of field"))
        cards.append(card("TCOMM\(n + 2)", "SPECUID of the spectrum (row of FIBMETATAB)", "Verbal description of field"))
        return cards
    }

    // MARK: SPECTAB

    static func spectrumColumns(_ entries: [NightSpectrum], width: Int) -> [FITSColumn] {
        func padded<T>(_ get: (Phase3Spectrum) -> [T], _ fill: T) -> [T] {
            var out: [T] = []
            out.reserveCapacity(entries.count * width)
            for e in entries {
                let v = get(e.spectrum)
                out += v
                out += repeatElement(fill, count: width - v.count)
            }
            return out
        }
        let meta = Phase3SpectrumFile.columns
        let null = Phase3SpectrumFile.qualityNull
        return [
            FITSColumn(name: meta[0].name, unit: meta[0].unit, data: .float(padded(\.wavelength, .nan)), repeatCount: width),
            FITSColumn(name: meta[1].name, unit: meta[1].unit, data: .float(padded(\.flux, .nan)), repeatCount: width),
            FITSColumn(name: meta[2].name, unit: meta[2].unit, data: .float(padded(\.error, .nan)), repeatCount: width),
            FITSColumn(name: meta[3].name, unit: meta[3].unit, data: .int32(padded(\.quality, null)), repeatCount: width, null: Int64(null)),
            FITSColumn(name: meta[4].name, unit: meta[4].unit, data: .float(padded(\.fluxNoSkySubtraction, .nan)), repeatCount: width),
            FITSColumn(name: meta[5].name, unit: meta[5].unit, data: .float(padded(\.errorNoSkySubtraction, .nan)), repeatCount: width),
            FITSColumn(name: "NELEM", data: .int32(entries.map { Int32($0.spectrum.wavelength.count) })),
            FITSColumn(name: "SPECUID", data: .int64(entries.map(\.spectrum.header.spectrumUID))),
        ]
    }

    static func readSpectra(_ file: FITSFile, hdu: Int, into entries: inout [NightSpectrum], path: String) throws {
        let lengths = try file.readColumn("NELEM", hdu: hdu, as: Int32.self).values
        let uids = try file.readColumn("SPECUID", hdu: hdu, as: Int64.self).values
        func floats(_ name: String) throws -> FITSColumnValues<Float> { try file.readColumn(name, hdu: hdu, as: Float.self) }
        let wave = try floats("WAVE"), flux = try floats("FLUX"), err = try floats("ERR_FLUX")
        let noss = try floats("FLUX_NOSS"), errNoss = try floats("ERR_FLUX_NOSS")
        let qual = try file.readColumn("QUAL", hdu: hdu, as: Int32.self)
        let width = wave.repeatCount
        guard [flux, err, noss, errNoss].allSatisfy({ $0.repeatCount == width }), qual.repeatCount == width,
              lengths.count == entries.count, uids.count == entries.count else {
            throw FileProblem(path: path, problem: "\(spectrumTable) columns disagree in width or rows")
        }
        for i in entries.indices {
            let n = Int(lengths[i])
            guard (2...width).contains(n) else {
                throw FileProblem(path: path, problem: "\(spectrumTable) row \(i + 1): NELEM \(n) is outside 2...\(width)")
            }
            guard uids[i] == entries[i].spectrum.header.spectrumUID else {
                throw FileProblem(path: path, problem: "\(spectrumTable) row \(i + 1): SPECUID \(uids[i]) is not FIBMETATAB's \(entries[i].spectrum.header.spectrumUID)")
            }
            func cut<T>(_ v: FITSColumnValues<T>) -> [T] { Array(v.row(i).prefix(n)) }
            entries[i].spectrum.wavelength = cut(wave)
            entries[i].spectrum.flux = cut(flux)
            entries[i].spectrum.error = cut(err)
            entries[i].spectrum.quality = cut(qual)
            entries[i].spectrum.fluxNoSkySubtraction = cut(noss)
            entries[i].spectrum.errorNoSkySubtraction = cut(errNoss)
        }
    }

    // MARK: Metadata tables

    /// A placeholder every FIBMETATAB column overwrites when reading.
    static let blankSpectrum = NightSpectrum(
        spectrum: Phase3Spectrum(
            wavelength: [], flux: [], error: [], quality: [], fluxNoSkySubtraction: [], errorNoSkySubtraction: [],
            header: Phase3Header(
                cname: "", targetID: 0, objectUID: 0, spectrumUID: 0, object: "", ra: 0, dec: 0, exposureTime: 0,
                totalExposureTime: 0, mjdStart: 0, mjdEnd: 0, programme: "", obID: 0, combined: 0, provenance: [],
                wavelengthRMS: 0, wavelengthLines: 0, resolvingPower: 0, date: "", submitted: "",
                fibre: Phase3Fibre(spectrumNumber: 0, fibreID: 0, slitPosition: 0, root: 0, targetName: "", targetRA: 0, targetDec: 0))),
        part: .joined, fileName: "")

    static let blankOB = NightObservingBlock(
        obID: 0, object: "", ra: 0, dec: 0, mjdStart: 0, mjdEnd: 0, exposureTime: 0, totalExposureTime: 0, exposures: 0,
        airmassStart: 0, airmassEnd: 0, programme: "")

    typealias S = NightSpectrum
    typealias Col = TableColumn<NightSpectrum>

    static var fibreColumns: [Col] {
        [
            .int64("SPECUID", nil, "Unique spectrum identifier", \S.spectrum.header.spectrumUID),
            .int64("SPECUID_P", nil, "SPECUID of the parent product; -1 none", \S.spectrum.header.parentSpectrumUID),
            .string("CNAME", nil, "4MOST object name from coordinates", \S.spectrum.header.cname),
            .int64("OBJ_UID", nil, "Unique object identifier (U_OBJ_ID, TRG_UID)", \S.spectrum.header.objectUID),
            .int64("OSTD_TARG_ID", nil, "OSTD target identifier (TARG_ID)", \S.spectrum.header.targetID),
            .string("OBJ_NME", nil, "Unique name/id of catalog entry (TRG_NME)", \S.spectrum.header.fibre.targetName),
            .double("OBJ_RA", "deg", "Catalogue target right ascension (TRG_RA)", \S.spectrum.header.fibre.targetRA),
            .double("OBJ_DEC", "deg", "Catalogue target declination (TRG_DEC)", \S.spectrum.header.fibre.targetDec),
            .double("RA", "deg", "Equatorial RA of the spectrum (ICRS)", \S.spectrum.header.ra),
            .double("DEC", "deg", "Equatorial Dec of the spectrum (ICRS)", \S.spectrum.header.dec),
            .string("OBJECT", nil, "Target designation as given by PI (field/OB)", \S.spectrum.header.object),
            .int64("OBID", nil, "Observation Block id (OBID1); row of OBMETATAB", \S.spectrum.header.obID),
            Col(name: "ARM", unit: nil, comment: "B, G, R arm or J joined",
                write: { .string($0.map(\.part.letter)) },
                read: { file, hdu, rows in
                    let v = try Col.strings(file, hdu, "ARM", rows.count)
                    for i in rows.indices {
                        switch v[i] {
                        case "B": rows[i].part = .arm(.blue)
                        case "G": rows[i].part = .arm(.green)
                        case "R": rows[i].part = .arm(.red)
                        case "J": rows[i].part = .joined
                        default: throw FITSTableProblem("ARM '\(v[i])' in row \(i + 1) is not B, G, R or J")
                        }
                    }
                }),
            .string("FILENAME", nil, "Phase 3 file of this spectrum", \S.fileName),
            Col(name: "SNR", unit: nil, comment: "Median signal/noise per pixel (not read back)",
                write: { .double($0.map(\.spectrum.medianSNR)) }, read: nil),
            .double("EXPTIME", "s", "Total integration time per data element", \S.spectrum.header.exposureTime),
            .double("TEXPTIME", "s", "Sum of integration time of all exposures", \S.spectrum.header.totalExposureTime),
            .double("MJD-OBS", "d", "Start of (earliest) observation [MJD]", \S.spectrum.header.mjdStart),
            .double("MJD-END", "d", "End of (latest) observation [MJD]", \S.spectrum.header.mjdEnd),
            .string("PROG_ID", nil, "Observing run identification code", \S.spectrum.header.programme),
            .int("NCOMBINE", nil, "Number of combined raw science data files", \S.spectrum.header.combined),
            Col(name: "FLUXCAL", unit: nil, comment: "ABSOLUTE or UNCALIBRATED",
                write: { .string($0.map(\.spectrum.header.fluxCalibration.rawValue)) },
                read: { file, hdu, rows in
                    let v = try Col.strings(file, hdu, "FLUXCAL", rows.count)
                    for i in rows.indices {
                        guard let c = Phase3FluxCalibration(rawValue: v[i]) else {
                            throw FITSTableProblem("FLUXCAL '\(v[i])' in row \(i + 1) is neither ABSOLUTE nor UNCALIBRATED")
                        }
                        rows[i].spectrum.header.fluxCalibration = c
                    }
                }),
            .double("FLUXERR", nil, "Fractional uncertainty on flux scale [%]", \S.spectrum.header.fluxScaleError),
            .string("PROCSOFT", nil, "Data reduction software and version", \S.spectrum.header.software),
            .string("REFERENC", nil, "Primary publication describing data product", \S.spectrum.header.reference),
            .list("PROV", "PROVi: input file names, comma-separated", \S.spectrum.header.provenance),
            .list("ASSON", "ASSONi: associated file names, comma-separated", \S.spectrum.header.associated),
            Col(name: "SPECSYS", unit: nil, comment: "TOPOCENT, or HELIOCEN when HELIOCR applied",
                write: { .string($0.map { $0.spectrum.header.heliocentricCorrection == nil ? "TOPOCENT" : "HELIOCEN" }) },
                read: { file, hdu, rows in
                    let v = try Col.strings(file, hdu, "SPECSYS", rows.count)
                    let c = try Col.values(file, hdu, "HELIOCR", rows.count, Double.self)
                    for i in rows.indices {
                        switch v[i] {
                        case "HELIOCEN": rows[i].spectrum.header.heliocentricCorrection = c[i]
                        case "TOPOCENT": rows[i].spectrum.header.heliocentricCorrection = nil
                        default: throw FITSTableProblem("SPECSYS '\(v[i])' in row \(i + 1) is neither HELIOCEN nor TOPOCENT")
                        }
                    }
                }),
            Col(name: "HELIOCR", unit: "km/s", comment: "Applied heliocentric correction (0 when TOPOCENT)",
                write: { .double($0.map { $0.spectrum.header.heliocentricCorrection ?? 0 }) }, read: nil),  // read with SPECSYS
            .bool("EXT_OBJ", "TRUE if extended object", \S.spectrum.header.extendedObject),
            .bool("CONTNORM", "TRUE if spectrum normalised to continuum", \S.spectrum.header.continuumNormalised),
            .bool("TOT_FLUX", "TRUE if flux data represent total source flux", \S.spectrum.header.totalFlux),
            .double("LAMRMS", "nm", "RMS of residuals of wavelength solution", \S.spectrum.header.wavelengthRMS),
            .int("LAMNLIN", nil, "Number of arc lines used in wavelength solution", \S.spectrum.header.wavelengthLines),
            .double("SPEC_ERR", "nm", "Statistical error in spectral coordinate", \S.spectrum.header.wavelengthStatisticalError),
            .double("SPEC_SYE", "nm", "Systematic error in spectral coordinate", \S.spectrum.header.wavelengthSystematicError),
            .double("SPEC_RES", nil, "Average spectral resolving power", \S.spectrum.header.resolvingPower),
            .string("DATE", nil, "Processing date YYYY-MM-DD", \S.spectrum.header.date),
            .string("QMNODE", nil, "4MOST pipeline that produced this data product", \S.spectrum.header.node),
            .string("RELEASE", nil, "Data release of this data product", \S.spectrum.header.release),
            .string("DATETIME", nil, "DateTime stamp when file submitted to NXP", \S.spectrum.header.submitted),
            .string("PUSER", nil, "User responsible for running pipeline", \S.spectrum.header.user),
            .string("PCONTACT", nil, "Who to contact regarding this product", \S.spectrum.header.contact),
            .string("CASUVERS", nil, "Pipeline released version", \S.spectrum.header.pipelineVersion),
            .string("TITLE", nil, "Title of the dataset", \S.spectrum.header.title),
            .double("APERTURE", "deg", "Aperture angular size", \S.spectrum.header.aperture),
            .string("BIASCOR", nil, "Bias correction method", \S.spectrum.header.processing.biasCorrection),
            .string("PROFILES", nil, "Profile PSF file", \S.spectrum.header.processing.profileFile),
            .string("WAVEFILE", nil, "File with wavelength solution", \S.spectrum.header.processing.wavelengthFile),
            .string("OBFBFLAT", nil, "OB fibre flat", \S.spectrum.header.processing.fibreFlatFile),
            .string("MINSNR", nil, "Minimum S/N ratio within the OB", \S.spectrum.header.processing.minimumSNR),
            .string("SPCMINSN", nil, "Spectrum with min S/N ratio within the OB", \S.spectrum.header.processing.minimumSNRSpectrum),
            .string("FIBMINSN", nil, "Fibre with min S/N ratio within the OB", \S.spectrum.header.processing.minimumSNRFibre),
            .string("MAXSNR", nil, "Maximum S/N ratio within the OB", \S.spectrum.header.processing.maximumSNR),
            .string("SPCMAXSN", nil, "Spectrum with max S/N ratio within the OB", \S.spectrum.header.processing.maximumSNRSpectrum),
            .string("FIBMAXSN", nil, "Fibre with max S/N ratio within the OB", \S.spectrum.header.processing.maximumSNRFibre),
            .string("MEDSNR", nil, "Median S/N ratio within the OB", \S.spectrum.header.processing.medianSNR),
            .bool("SKYSUB", "FLUX spectrum is sky subtracted", \S.spectrum.header.processing.skySubtracted),
            .bool("PCASUB", "PCA correction applied", \S.spectrum.header.processing.pcaApplied),
            .double("PCATOTAL", nil, "Percentage sky residual variation accounted for", \S.spectrum.header.processing.pcaVariance),
            .int("PCANUM", nil, "Number of PCA eigenvectors used", \S.spectrum.header.processing.pcaComponents),
            .bool("TELLSUB", "Telluric correction applied", \S.spectrum.header.processing.telluricCorrected),
            .string("TELLCOR", nil, "Telluric correction file used", \S.spectrum.header.processing.telluricFile),
            .string("SENSFILE", nil, "Master sensfunc file that was scaled", \S.spectrum.header.processing.sensitivityFile),
            .double("DELMAGZP", "mag", "Mag offset applied as sensfunc scale factor", \S.spectrum.header.processing.zeroPointOffset),
            .int("NCALIBRT", nil, "Number of calibrators used", \S.spectrum.header.processing.calibrators),
            .int("NSPEC", nil, "Number of the spectrum in extracted order", \S.spectrum.header.fibre.spectrumNumber),
            .int("FIB_ID", nil, "Fibre ID", \S.spectrum.header.fibre.fibreID),
            .int("SLIT_POS", nil, "Slit position of the fibre", \S.spectrum.header.fibre.slitPosition),
            .int("FIB_ROOT", nil, "1:LRSA 2:LRSB 3:HRS", \S.spectrum.header.fibre.root),
            .int("FIB_ST", nil, "0:DISABLED 1:PARKED 2:ALLOCATED", \S.spectrum.header.fibre.state),
            .int("FIB_USE", nil, "1:OBJ 2:REF 3:SKY 4:CAL 5:ACT.GUID 6:INACT.GUID", \S.spectrum.header.fibre.use),
            .double("FIB_PHI", "deg", "Ideal PHI, focal surface fibre coord", \S.spectrum.header.fibre.phi),
            .double("FIB_THET", "deg", "Ideal THETA, focal surface fibre coord", \S.spectrum.header.fibre.theta),
            .int("TRG_CTID", nil, "Catalogue ID for CAT.IDi header dictionary", \S.spectrum.header.fibre.catalogueID),
            .double("TRG_PMRA", "mas/yr", "RA proper motion of target", \S.spectrum.header.fibre.pmRA),
            .double("TRG_PMDE", "mas/yr", "Dec proper motion of target", \S.spectrum.header.fibre.pmDec),
            .double("TRG_PRLX", "mas", "Target parallax", \S.spectrum.header.fibre.parallax),
            .double("TRG_EPOC", "yr", "Epoch of coordinates", \S.spectrum.header.fibre.epoch),
            .int64("TRG_BIT", nil, "Unique ID associated to surveys+subsurveys", \S.spectrum.header.fibre.surveyBits),
            .int("TRG_PRIO", nil, "Target relative priority within survey", \S.spectrum.header.fibre.priority),
            .int("TRG_RLID", nil, "Predefined algorithm (ruleset)", \S.spectrum.header.fibre.ruleset),
            .double("TRG_WAV", "nm", "Wavelength to target when centroiding", \S.spectrum.header.fibre.centroidWavelength),
            .doubles("MAG", "mag", "Blue/green/red arm mag estimates (TRG_BL/GR/RD)", \S.spectrum.header.fibre.magnitudes),
            .doubles("MAG_ERR", "mag", "Errors on MAG (TRG_BLER/GRER/RDER)", \S.spectrum.header.fibre.magnitudeErrors),
            Col(name: "MAG_ID", unit: nil, comment: "MAG.IDi ids of MAG (TRG_BLID/GRID/RDID)",
                write: { .int64($0.flatMap { $0.spectrum.header.fibre.magnitudeIDs.map(Int64.init) }) }, repeatCount: 3,
                read: { file, hdu, rows in
                    let v = try Col.values(file, hdu, "MAG_ID", rows.count * 3, Int64.self)
                    for i in rows.indices { rows[i].spectrum.header.fibre.magnitudeIDs = v[(3 * i)..<(3 * i + 3)].map { Int($0) } }
                }),
            .double("RMS_ARC", "Angstrom", "RMS of wavelength solution for fibre", \S.spectrum.header.fibre.arcRMS),
            .double("RESOL", "Angstrom", "Mean FWHM of arc lines for fibre", \S.spectrum.header.fibre.arcFWHM),
            .double("WAVCR", "Angstrom", "Applied wavelength correction", \S.spectrum.header.fibre.wavelengthOffset),
            .double("WAVCRRMS", "Angstrom", "RMS of wavelength offset correction", \S.spectrum.header.fibre.wavelengthOffsetRMS),
            .double("SKYLNOFF", "Angstrom", "Offset: sky lines - rest wavelengths", \S.spectrum.header.fibre.skyLineOffset),
            .double("SKYLNRMS", "Angstrom", "RMS of SKYLNOFF", \S.spectrum.header.fibre.skyLineRMS),
            .double("SKYSHIFT", "Angstrom", "Offset: <sky> to spec in bckgd cor", \S.spectrum.header.fibre.skyShift),
            .double("SKYSCALE", nil, "Scaling: to <sky> before spec sky subtract", \S.spectrum.header.fibre.skyScale),
            .double("TOT_FLX", "adu", "Total flux of extracted object", \S.spectrum.header.fibre.totalCounts),
            .double("FLX_PIX", "adu", "Mean flux per pixel of extracted object", \S.spectrum.header.fibre.meanCounts),
        ]
    }

    typealias O = NightObservingBlock

    static var obColumns: [TableColumn<NightObservingBlock>] {
        [
            .int64("OBID", nil, "Observation Block id", \O.obID),
            .string("OBJECT", nil, "Field/OB name as given by PI", \O.object),
            .double("RA", "deg", "Field centre RA (ICRS)", \O.ra),
            .double("DEC", "deg", "Field centre Dec (ICRS)", \O.dec),
            .double("MJD-OBS", "d", "Start of first science exposure [MJD]", \O.mjdStart),
            .double("MJD-END", "d", "End of last science exposure [MJD]", \O.mjdEnd),
            TableColumn(name: "DATE-OBS", unit: nil, comment: "MJD-OBS as UTC date and time (not read back)",
                        write: { .string($0.map { isoDate(mjd: $0.mjdStart) }) }, read: nil),
            TableColumn(name: "TMID", unit: "d", comment: "Midpoint of MJD-OBS and MJD-END [MJD] (not read back)",
                        write: { .double($0.map { 0.5 * ($0.mjdStart + $0.mjdEnd) }) }, read: nil),
            TableColumn(name: "TELAPSE", unit: "s", comment: "MJD-END - MJD-OBS (not read back)",
                        write: { .double($0.map { ($0.mjdEnd - $0.mjdStart) * 86400 }) }, read: nil),
            .double("EXPTIME", "s", "Integration time of one science exposure", \O.exposureTime),
            .double("TEXPTIME", "s", "Sum of the science exposure times", \O.totalExposureTime),
            .int("NCOMBINE", nil, "Number of science exposures", \O.exposures),
            .double("AIRM_STA", nil, "Airmass at start", \O.airmassStart),
            .double("AIRM_END", nil, "Airmass at end", \O.airmassEnd),
            .string("PROG_ID", nil, "Observing run identification code", \O.programme),
        ]
    }

    static var provenanceColumns: [TableColumn<NightProvenance>] {
        [
            .string("ESOFILENAME", nil, "Input file name", \NightProvenance.fileName),
            TableColumn(name: "SHA256", unit: nil, comment: "SHA-256 of the file, hex; blank when unknown",
                        write: { .string($0.map { $0.sha256 ?? "" }) },
                        read: { file, hdu, rows in
                            let v = try TableColumn<NightProvenance>.strings(file, hdu, "SHA256", rows.count)
                            for i in rows.indices { rows[i].sha256 = v[i].isEmpty ? nil : v[i] }
                        }),
            .string("KIND", nil, "What the file is (RAW, MASTER, L1, ...)", \NightProvenance.kind),
        ]
    }

    /// `YYYY-MM-DDThh:mm:ss.sss` (UTC) of an MJD.
    static func isoDate(mjd: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS"
        // To the nearest millisecond: the formatter truncates, and MJDs are rarely exact in binary.
        let seconds = (MJD.date(mjd).timeIntervalSince1970 * 1000).rounded() / 1000
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}

/// A table's structure problem found while reading; turned into a ``FileProblem`` naming the file.
struct FITSTableProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One column of a metadata table: how to make it from the rows, and how to put it back into them (nil for a
/// derived column that is written only).
struct TableColumn<Row> {
    let name: String
    let unit: String?
    let comment: String
    let write: ([Row]) -> FITSColumn.Data
    let repeatCount: Int
    let read: ((FITSFile, Int, inout [Row]) throws -> Void)?

    init(name: String, unit: String?, comment: String, write: @escaping ([Row]) -> FITSColumn.Data, repeatCount: Int = 1,
         read: ((FITSFile, Int, inout [Row]) throws -> Void)?) {
        self.name = name
        self.unit = unit
        self.comment = comment
        self.write = write
        self.repeatCount = repeatCount
        self.read = read
    }

    func column(_ rows: [Row]) -> FITSColumn {
        FITSColumn(name: name, unit: unit, data: write(rows), repeatCount: repeatCount)
    }

    /// `count` elements of a numeric column, or a problem naming the column.
    static func values<T: FITSNumber>(_ file: FITSFile, _ hdu: Int, _ name: String, _ count: Int, _ type: T.Type) throws -> [T] {
        let v = try file.readColumn(name, hdu: hdu, as: T.self).values
        guard v.count == count else { throw FITSTableProblem("column \(name) holds \(v.count) values, not \(count)") }
        return v
    }

    static func strings(_ file: FITSFile, _ hdu: Int, _ name: String, _ count: Int) throws -> [String] {
        let v = try file.readStringColumn(name, hdu: hdu).values
        guard v.count == count else { throw FITSTableProblem("column \(name) holds \(v.count) values, not \(count)") }
        return v
    }

    static func int64(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, Int64>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .int64($0.map { $0[keyPath: key] }) }) { file, hdu, rows in
            let v = try values(file, hdu, name, rows.count, Int64.self)
            for i in rows.indices { rows[i][keyPath: key] = v[i] }
        }
    }

    /// Swift `Int` facts, stored as 64-bit integers (`K`) so that every value survives.
    static func int(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, Int>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .int64($0.map { Int64($0[keyPath: key]) }) }) { file, hdu, rows in
            let v = try values(file, hdu, name, rows.count, Int64.self)
            for i in rows.indices { rows[i][keyPath: key] = Int(v[i]) }
        }
    }

    static func double(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, Double>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .double($0.map { $0[keyPath: key] }) }) { file, hdu, rows in
            let v = try values(file, hdu, name, rows.count, Double.self)
            for i in rows.indices { rows[i][keyPath: key] = v[i] }
        }
    }

    /// A 3-element `Double` vector per row.
    static func doubles(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, [Double]>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .double($0.flatMap { $0[keyPath: key] }) }, repeatCount: 3) { file, hdu, rows in
            let v = try values(file, hdu, name, rows.count * 3, Double.self)
            for i in rows.indices { rows[i][keyPath: key] = Array(v[(3 * i)..<(3 * i + 3)]) }
        }
    }

    static func string(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, String>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .string($0.map { $0[keyPath: key] }) }) { file, hdu, rows in
            let v = try strings(file, hdu, name, rows.count)
            for i in rows.indices { rows[i][keyPath: key] = v[i] }
        }
    }

    /// A list of file names, joined by commas (blank for none).
    static func list(_ name: String, _ comment: String, _ key: WritableKeyPath<Row, [String]>) -> Self {
        Self(name: name, unit: nil, comment: comment, write: { .string($0.map { $0[keyPath: key].joined(separator: ",") }) }) { file, hdu, rows in
            let v = try strings(file, hdu, name, rows.count)
            for i in rows.indices {
                rows[i][keyPath: key] = v[i].isEmpty ? [] : v[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }
    }

    static func bool(_ name: String, _ comment: String, _ key: WritableKeyPath<Row, Bool>) -> Self {
        Self(name: name, unit: nil, comment: comment, write: { .bool($0.map { $0[keyPath: key] }) }) { file, hdu, rows in
            let v = try file.readBoolColumn(name, hdu: hdu).values
            guard v.count == rows.count else { throw FITSTableProblem("column \(name) holds \(v.count) values, not \(rows.count)") }
            for i in rows.indices { rows[i][keyPath: key] = v[i] }
        }
    }
}
