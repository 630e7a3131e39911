import Foundation
import QMostCore
import QMostFITS

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
///    choices: `CNAME`, `SPECUID_P` (text, ``Phase3Header/spectrumProvenance``), `RA`/`DEC` (the spectrum's position), `OBID` (OBID1, the key into OBMETATAB),
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
/// Strings must be printable ASCII and lose trailing blanks (FITS pads with them). A joined LRS spectrum takes about
/// 0.56 MB, so a full night (~10,000 spectra) does not fit in memory at once: ``write(_:_:elements:batch:load:)``
/// streams SPECTAB a batch of spectra at a time; ``write(_:_:)`` and ``read(_:)`` hold the whole night.
public enum NightSpectraFile {
    public static let fibreTable = "FIBMETATAB"
    public static let spectrumTable = "SPECTAB"
    public static let obTable = "OBMETATAB"
    public static let provenanceTable = "PROVTAB"

    /// `qmost_<YYYYMMDD>_nightspectra.fits` (our choice; the public MEC names are not documented).
    public static func fileName(night: Night) -> String { "qmost_\(night.compact)_nightspectra.fits" }

    /// Writes the night atomically (``ProductFile/writeAtomically(_:_:)``), all of it held in memory; the same file
    /// as ``write(_:_:elements:batch:load:)`` makes from the same spectra. Refused, naming `path`: no spectra;
    /// a spectrum whose arrays disagree, hold fewer than 2 bins or whose WAVE does not increase; a CNAME that is not
    /// one (it is written in canonical form, as in ``Phase3SpectrumFile``); repeated SPECUIDs or OBIDs; a spectrum
    /// whose OBID1 has no OB; magnitude vectors not of 3; a PROVi/ASSONi name that is blank or holds a comma; a blank
    /// file name or kind; a SHA-256 that is not 64 hex digits.
    public static func write(_ path: String, _ night: NightSpectra) throws(FileProblem) {
        try write(path, night, elements: night.spectra.map(\.spectrum.wavelength.count)) { i in night.spectra[i].spectrum }
    }

    /// Writes the night with SPECTAB streamed: FIBMETATAB from the headers of `night.spectra` (their arrays are
    /// ignored and may be empty), and SPECTAB row i from `load(i)`, at most `batch` spectra held at once.
    /// `elements[i]` is the length of spectrum i (the SPECTAB cells are as wide as the largest).
    ///
    /// `load` is called once for each spectrum, in order. The file is written atomically
    /// (``ProductFile/writeAtomically(_:_:)``): a refusal or failure, also one in the middle of SPECTAB, leaves
    /// `path` as it was and no part file. Refused, naming `path`, for everything ``write(_:_:)`` refuses, and also: `elements` not one
    /// per spectrum or an element count below 2; `batch` below 1; a loaded spectrum whose length is not its
    /// `elements[i]` or whose SPECUID is not its header's; a `load` that throws (its problem is quoted).
    public static func write(_ path: String, _ night: NightSpectra, elements: [Int], batch: Int = 64,
                             load: (Int) throws(FileProblem) -> Phase3Spectrum) throws(FileProblem) {
        let entries = try validated(night, elements: elements, batch: batch, path: path)
        let fibreCols = fibreColumns.map { $0.column(entries) }
        let obCols = obColumns.map { $0.column(night.observingBlocks) }
        let provCols = provenanceColumns.map { $0.column(night.provenance) }
        var refusal: FileProblem?
        do throws(FileProblem) {
            try ProductFile.writeAtomically(path) { file in
                try file.appendEmptyPrimary(cards: primaryCards(night))
                try file.appendBinaryTable(name: fibreTable, columns: fibreCols, cards: commentCards(fibreColumns.map(\.comment)))
                let fibreHDU = try file.currentHDU
                let snr = try writeSpectrumTable(file, count: entries.count, width: elements.max()!, batch: batch) { i throws(FileProblem) in
                    do throws(FileProblem) {
                        return try checkedSpectrum(i, header: entries[i].spectrum.header, elements: elements[i], path: path, load: load)
                    } catch {
                        refusal = error
                        throw error
                    }
                }
                try file.appendBinaryTable(name: obTable, columns: obCols, cards: commentCards(obColumns.map(\.comment)))
                try file.appendBinaryTable(name: provenanceTable, columns: provCols, cards: commentCards(provenanceColumns.map(\.comment)))
                // Last, so that nothing is appended after going back to an earlier HDU.
                try file.writeRows(.double(snr), column: snrColumn, firstRow: 0, hdu: fibreHDU)
            }
        } catch {
            // A refusal found while streaming keeps its own words rather than writeAtomically's "cannot write: ...".
            throw refusal ?? error
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

    /// The spectra with canonical CNAMEs and without arrays (FIBMETATAB is written from the headers alone), or the
    /// first problem the headers, `elements` and `batch` show; the arrays are checked as they are loaded
    /// (``checkedSpectrum(_:header:elements:path:load:)``).
    static func validated(_ night: NightSpectra, elements: [Int], batch: Int, path: String) throws(FileProblem) -> [NightSpectrum] {
        func refuse(_ problem: String) -> FileProblem { FileProblem(path: path, problem: problem) }
        guard !night.spectra.isEmpty else { throw refuse("the night has no spectra; there is nothing to write") }
        guard elements.count == night.spectra.count else {
            throw refuse("\(elements.count) element counts for \(night.spectra.count) spectra; there must be one per spectrum")
        }
        guard batch >= 1 else { throw refuse("a batch of \(batch) spectra; at least 1 must be loaded at a time") }
        let obIDs = night.observingBlocks.map(\.obID)
        guard Set(obIDs).count == obIDs.count else { throw refuse("OBIDs repeat in the observing blocks") }
        let uids = night.spectra.map(\.spectrum.header.spectrumUID)
        guard Set(uids).count == uids.count else { throw refuse("SPECUIDs repeat among the spectra") }
        var entries: [NightSpectrum] = []
        entries.reserveCapacity(night.spectra.count)
        for (i, entry) in night.spectra.enumerated() {
            let h = entry.spectrum.header
            let label = spectrumLabel(i, h)
            guard elements[i] >= 2 else { throw refuse("\(label): \(elements[i]) elements; a spectrum must hold at least 2") }
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
            var header = h
            header.cname = cname
            entries.append(NightSpectrum(
                spectrum: Phase3Spectrum(wavelength: [], flux: [], error: [], quality: [], fluxNoSkySubtraction: [],
                                         errorNoSkySubtraction: [], header: header),
                part: entry.part, fileName: entry.fileName))
        }
        for p in night.provenance {
            guard !p.fileName.isEmpty, !p.kind.isEmpty else { throw refuse("provenance '\(p.fileName)': blank file name or kind") }
            if let sum = p.sha256, sum.utf8.count != 64 || !sum.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }) {
                throw refuse("provenance '\(p.fileName)': SHA256 '\(sum)' is not 64 hexadecimal digits")
            }
        }
        return entries
    }

    /// How problems name spectrum `i`.
    static func spectrumLabel(_ i: Int, _ h: Phase3Header) -> String { "spectrum \(i) (SPECUID \(h.spectrumUID))" }

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
}
