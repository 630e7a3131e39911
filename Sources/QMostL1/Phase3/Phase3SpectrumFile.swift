import Foundation
import QMostCore
import QMostFITS

/// Which spectrum of a target a Phase 3 file holds: one arm or the LRS arms joined (seed 9.1.17).
public enum Phase3SpectrumPart: Sendable, Equatable {
    case arm(ArmName)
    case joined

    /// `B`, `G`, `R` or `J`.
    public var letter: String {
        switch self {
        case .arm(.blue): "B"
        case .arm(.green): "G"
        case .arm(.red): "R"
        case .joined: "J"
        }
    }
}

/// The L1 1D-spectrum product in the ESO Phase 3 layout of the real QL1 v0.9 file (datamodel §1.2): an empty
/// primary HDU with the product's keywords, and one `PHASE3SPECTRUM` binary table with a single row whose six
/// cells are arrays (`<n>E` / `<n>J`): WAVE, FLUX, ERR_FLUX, QUAL, FLUX_NOSS, ERR_FLUX_NOSS, with the sample's
/// TUNIT/TUCD/TUTYP/TCOMM/TDISP. Every keyword the sample's two headers carry is written, plus CNAME, TARG_ID,
/// U_OBJ_ID, SPECUID and SPECUID_P (a string, ``Phase3Header/spectrumProvenance``) in the primary header;
/// CHECKSUM/DATASUM in both HDUs. QUAL declares `TNULL4 = -1` (``qualityNull``) as the sample does.
public enum Phase3SpectrumFile {
    /// PRODCATG.
    public static let category = "SCIENCE.SPECTRUM"
    /// EXTNAME of the table.
    public static let extensionName = "PHASE3SPECTRUM"
    /// DXUDOC: the L1 Data eXchange Unit document the layout follows.
    public static let dxuDocument = "VIS-TNO-4MOST-47110-0143-0001"
    /// TNULL of the QUAL column: the value that marks an undefined quality element.
    public static let qualityNull: Int32 = -1
    /// The flux unit of FLUX, ERR_FLUX, FLUX_NOSS and ERR_FLUX_NOSS.
    public static let fluxUnit = "erg/(s*cm^2*Angstrom)"

    /// One column's descriptive keywords, as in the sample.
    struct ColumnMeta {
        let name, comment: String
        let unit: String?
        let utype, ucd, display: String
    }

    static let columns: [ColumnMeta] = [
        ColumnMeta(name: "WAVE", comment: "Wavelength", unit: "Angstrom", utype: "Spectrum.Data.SpectralAxis.Value",
                   ucd: "em.wl;obs.atmos", display: "F9.4"),
        ColumnMeta(name: "FLUX", comment: "Spectral Flux", unit: fluxUnit, utype: "Spectrum.Data.FluxAxis.Value",
                   ucd: "phot.flux.density;em.wl;meta.main;stat.uncalib", display: "E13.5E2"),
        ColumnMeta(name: "ERR_FLUX", comment: "Error on Spectral Flux", unit: fluxUnit, utype: "Spectrum.Data.FluxAxis.Accuracy.StatError",
                   ucd: "stat.error;phot.flux.density;em.ql;meta.main", display: "E13.5E2"),
        ColumnMeta(name: "QUAL", comment: "Quality Mask", unit: nil, utype: "Spectrum.Data.FluxAxis.Quality",
                   ucd: "meta.code.qual", display: "I1"),
        ColumnMeta(name: "FLUX_NOSS", comment: "Spectral Flux  - NO Sky Subtraction", unit: fluxUnit, utype: "Spectrum.Data.FluxAxis.Value",
                   ucd: "phot.flux.density;em.wl;stat.uncalib", display: "E13.5E2"),
        ColumnMeta(name: "ERR_FLUX_NOSS", comment: "Error on Spectral Flux - NO Sky Subtraction", unit: fluxUnit,
                   utype: "Spectrum.Data.FluxAxis.Accuracy.StatError", ucd: "stat.error;phot.flux.density;em.ql", display: "E13.5E2"),
    ]

    /// `qmost_<CNAME>_<YYYYMMDD>_<NNNNNN>_<L|H><B|G|R|J>1.fits` (datamodel §1.1): `sequence` is the 6-digit OB
    /// product number (0…999999), the first letter L for the LRS and H for the HRS. Nil for a CNAME that is not one,
    /// a sequence out of range, or a joined HRS spectrum (the HRS arms do not overlap and are never joined).
    public static func fileName(cname: String, night: Night, sequence: Int, resolution: ResolutionMode, part: Phase3SpectrumPart) -> String? {
        guard let name = CoordinateName.canonicalCNAME(cname), (0...999_999).contains(sequence),
              !(resolution == .high && part == .joined) else { return nil }
        let mode = resolution == .low ? "L" : "H"
        return "qmost_\(name)_\(night.compact)_\(String(format: "%06d", sequence))_\(mode)\(part.letter)1.fits"
    }

    /// Writes `spectrum` to `path` atomically (via a hidden `.name.part` file). The arrays must have one length, at
    /// least two bins, and increasing wavelengths; the CNAME must be a valid one.
    public static func write(_ path: String, _ spectrum: Phase3Spectrum) throws(FileProblem) {
        let n = spectrum.wavelength.count
        if let problem = arrayProblem(spectrum) { throw FileProblem(path: path, problem: problem) }
        guard let cname = CoordinateName.canonicalCNAME(spectrum.header.cname) else {
            throw FileProblem(path: path, problem: "CNAME '\(spectrum.header.cname)' is not HHMMSSss±DDMMSSs")
        }
        var h = spectrum.header
        h.cname = cname
        let primary = primaryCards(h, spectrum)
        let table = tableCards(h, spectrum)
        let cols: [FITSColumn] = [
            FITSColumn(name: "WAVE", unit: columns[0].unit, data: .float(spectrum.wavelength), repeatCount: n),
            FITSColumn(name: "FLUX", unit: columns[1].unit, data: .float(spectrum.flux), repeatCount: n),
            FITSColumn(name: "ERR_FLUX", unit: columns[2].unit, data: .float(spectrum.error), repeatCount: n),
            FITSColumn(name: "QUAL", unit: columns[3].unit, data: .int32(spectrum.quality), repeatCount: n, null: Int64(qualityNull)),
            FITSColumn(name: "FLUX_NOSS", unit: columns[4].unit, data: .float(spectrum.fluxNoSkySubtraction), repeatCount: n),
            FITSColumn(name: "ERR_FLUX_NOSS", unit: columns[5].unit, data: .float(spectrum.errorNoSkySubtraction), repeatCount: n),
        ]
        try ProductFile.writeAtomically(path) { file in
            try file.appendEmptyPrimary(cards: primary)
            try file.appendBinaryTable(name: extensionName, columns: cols, cards: table)
        }
    }

    /// What is wrong with the spectrum's arrays for writing, nil when nothing: they must have one length, at least
    /// two bins, and strictly increasing wavelengths.
    static func arrayProblem(_ spectrum: Phase3Spectrum) -> String? {
        let n = spectrum.wavelength.count
        let counts = [spectrum.flux.count, spectrum.error.count, spectrum.quality.count, spectrum.fluxNoSkySubtraction.count,
                      spectrum.errorNoSkySubtraction.count]
        guard n >= 2, counts.allSatisfy({ $0 == n }) else {
            return "the arrays have \([n] + counts) elements; they must agree and hold at least 2"
        }
        guard zip(spectrum.wavelength, spectrum.wavelength.dropFirst()).allSatisfy({ $0 < $1 }) else {
            return "WAVE is not strictly increasing"
        }
        return nil
    }

    /// The headers of a file ``write(_:_:)`` made and its number of bins (NELEM), without reading the arrays.
    public static func readHeader(_ path: String) throws(FileProblem) -> (header: Phase3Header, elements: Int) {
        do {
            return try withFITSFile(path) { file in
                let p = try file.header(hdu: 0)
                guard let hdu = try? file.moveTo(extname: extensionName) else {
                    throw FileProblem(path: path, problem: "no \(extensionName) table")
                }
                let t = try file.header(hdu: hdu)
                let reader = HeaderReader(path: path)
                return (try reader.header(primary: p, table: t), Int(try reader.int(t, "NELEM")))
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }

    /// Reads a file ``write(_:_:)`` made (or one of the same layout) back into a spectrum.
    public static func read(_ path: String) throws(FileProblem) -> Phase3Spectrum {
        do {
            return try withFITSFile(path) { file in
                let p = try file.header(hdu: 0)
                guard let hdu = try? file.moveTo(extname: extensionName) else {
                    throw FileProblem(path: path, problem: "no \(extensionName) table")
                }
                let t = try file.header(hdu: hdu)
                guard try file.rowCount(hdu: hdu) == 1 else {
                    throw FileProblem(path: path, problem: "\(extensionName) has \(try file.rowCount(hdu: hdu)) rows, not 1")
                }
                func floats(_ name: String) throws -> [Float] { try file.readColumn(name, hdu: hdu, as: Float.self).values }
                let wave = try floats("WAVE")
                let quality = try file.readColumn("QUAL", hdu: hdu, as: Int32.self).values
                let reader = HeaderReader(path: path)
                let header = try reader.header(primary: p, table: t)
                return Phase3Spectrum(wavelength: wave, flux: try floats("FLUX"), error: try floats("ERR_FLUX"), quality: quality,
                                      fluxNoSkySubtraction: try floats("FLUX_NOSS"), errorNoSkySubtraction: try floats("ERR_FLUX_NOSS"),
                                      header: header)
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }

    // MARK: Writing

    private static func card(_ keyword: String, _ value: FITSValue, _ comment: String) -> FITSCard {
        FITSCard(keyword: keyword, value: value, comment: comment)
    }

    /// The arrays' wavelength facts in nm: first and last bin, mean bin width.
    static func wavelengthRange(_ s: Phase3Spectrum) -> (min: Double, max: Double, bin: Double) {
        let lo = Double(s.wavelength.first!) / 10, hi = Double(s.wavelength.last!) / 10
        return (lo, hi, (hi - lo) / Double(s.wavelength.count - 1))
    }

    static func primaryCards(_ h: Phase3Header, _ s: Phase3Spectrum) -> [FITSCard] {
        let range = wavelengthRange(s)
        var cards: [FITSCard] = [
            .comment("4MOST Level 1 1D Spectrum"),
            card("PRODCATG", .string(category), "Data product category"),
        ]
        for (i, a) in h.associated.enumerated() {
            cards.append(card("ASSON\(i + 1)", .string(a), "FITS files associated to this data product"))
        }
        cards += [
            card("ORIGIN", "ESO-PARANAL", "Observatory or facility"),
            card("TELESCOP", "ESO-VISTA", "ESO telescope designation"),
            card("INSTRUME", "QMOST", "Instrument name"),
            card("OBJECT", .string(h.object), "Target designation as given by PI"),
            card("RA", .double(h.ra), "Equatorial RA in decimal degrees (J2000)"),
            card("DEC", .double(h.dec), "Equatorial Dec in decimal degrees (J2000)"),
            card("RADESYS", "ICRS", "Coordinate reference frame. ICRS or FK5."),
            card("EXPTIME", .double(h.exposureTime), "Total integration time per data element (s)"),
            card("TEXPTIME", .double(h.totalExposureTime), "Sum of integration time of all exposures (s)"),
            card("MJD-OBS", .double(h.mjdStart), "Start of (earliest) observation"),
            card("MJD-END", .double(h.mjdEnd), "End of (latest) observation"),
            card("PROG_ID", .string(h.programme), "Observing run identification code: TP.C-NNNN(R)"),
            card("OBID1", .int(h.obID), "Set of original Observation Block (OB) IDs"),
            card("NCOMBINE", .int(Int64(h.combined)), "Number of combined raw science data files"),
            card("OBSTECH", "MOS", "Technique used during observation"),
            card("FLUXCAL", .string(h.fluxCalibration.rawValue), "Quality of flux calib: ABSOLUTE or UNCALIBRATED"),
            card("PROCSOFT", .string(h.software), "Data reduction software and version"),
            card("REFERENC", .string(h.reference), "Primary publication describing data product"),
        ]
        for (i, p) in h.provenance.enumerated() {
            cards.append(card("PROV\(i + 1)", .string((p as NSString).lastPathComponent), "Provenance of file"))
        }
        cards += [
            card("SPECSYS", .string(h.heliocentricCorrection == nil ? "TOPOCENT" : "HELIOCEN"), "Frame of reference for spectral coordinates"),
            card("EXT_OBJ", .bool(h.extendedObject), "TRUE if extended object. FALSE if point source"),
            card("CONTNORM", .bool(h.continuumNormalised), "TRUE if spectrum normalised to continuum"),
            card("TOT_FLUX", .bool(h.totalFlux), "TRUE if flux data represent total source flux"),
            card("FLUXERR", .double(h.fluxScaleError), "Fractional uncertainty on flux scale [0-100%]"),
            card("WAVELMIN", .double(range.min), "Min wavelength for scientific information [nm]"),
            card("WAVELMAX", .double(range.max), "Max wavelength for scientific information [nm]"),
            card("LAMRMS", .double(h.wavelengthRMS), "RMS of residuals of wavelength solution [nm]"),
            card("LAMNLIN", .int(Int64(h.wavelengthLines)), "Number of arc lines used in wavelength solution"),
            card("SPEC_BIN", .double(range.bin), "Average spectral coordinate bin size [nm]"),
            card("SPEC_ERR", .double(h.wavelengthStatisticalError), "Statistical error in spectral coordinate [nm]"),
            card("SPEC_SYE", .double(h.wavelengthSystematicError), "Systematic error in spectral coordinate [nm]"),
            card("SNR", .double(s.medianSNR), "Median signal to noise ratio per pixel"),
            card("SPEC_RES", .double(h.resolvingPower), "Average spectral resolving power"),
            card("DATE", .string(h.date), "Date YYYY-MM-DD"),
            .comment("WAVE: air wavelengths, heliocentric when SPECSYS = 'HELIOCEN'"),
            .comment("--- QMOST PHU Keywords ---"),
            card("CNAME", .string(h.cname), "4MOST object name from coordinates"),
            card("TARG_ID", .int(h.targetID), "OSTD target identifier"),
            card("U_OBJ_ID", .int(h.objectUID), "Unique object identifier"),
            card("SPECUID", .int(h.spectrumUID), "Unique spectrum identifier"),
            card("HIERARCH SPECUID_P", .string(h.spectrumProvenance), "SPECUID with provenance (docs/identifiers.md)"),
            card("QMNODE", .string(h.node), "4MOST pipeline that produced this data product"),
            card("RELEASE", .string(h.release), "Data release of this data product"),
            card("DXUDOC", .string(dxuDocument), "Data eXchange Unit document"),
            card("DATETIME", .string(h.submitted), "DateTime stamp when file submitted to NXP"),
            card("PUSER", .string(h.user), "User responsible for running pipeline"),
            card("PCONTACT", .string(h.contact), "Who to contact regarding this product (email)"),
            .comment("--- QL1 PHU Keywords ---"),
            card("CASUVERS", .string(h.pipelineVersion), "Pipeline released version"),
        ]
        return cards
    }

    static func tableCards(_ h: Phase3Header, _ s: Phase3Spectrum) -> [FITSCard] {
        let range = wavelengthRange(s)
        let q = h.processing, f = h.fibre
        var cards: [FITSCard] = [
            card("OBJECT", .string(h.object), "Target designation as given by PI"),
            card("RA", .double(h.ra), "Equatorial RA in decimal degrees (J2000)"),
            card("DEC", .double(h.dec), "Equatorial Dec in decimal degrees (J2000)"),
            card("NELEM", .int(Int64(s.wavelength.count)), "Pixel length of the data arrays"),
            card("VOCLASS", "SPECTRUM V2.0", "VO data model name and version"),
            card("VOPUB", "ESO/SAF", "Name of the publisher"),
            card("TITLE", .string(h.title), "Title of the dataset"),
            card("APERTURE", .double(h.aperture), "Aperture angular size [deg]"),
            card("TELAPSE", .double((h.mjdEnd - h.mjdStart) * 86400), "Total elapsed time [s]"),
            card("TMID", .double(0.5 * (h.mjdStart + h.mjdEnd)), "Exposure midpoint [MJD]"),
            card("SPEC_VAL", .double(0.5 * (range.min + range.max)), "Characteristic spectral coordinate value [nm]"),
            card("SPEC_BW", .double(range.max - range.min), "Width of the spectrum [nm]"),
            .comment("--- QL1 HDU Keywords ---"),
            card("BIASCOR", .string(q.biasCorrection), "Bias correction method"),
            card("PROFILES", .string(q.profileFile), "Profile PSF file"),
            card("WAVEFILE", .string(q.wavelengthFile), "File with wavelength solution"),
            card("OBFBFLAT", .string(q.fibreFlatFile), "OB fibre flat"),
            card("MINSNR", .string(q.minimumSNR), "Minimum S/N ratio within the OB"),
            card("SPCMINSN", .string(q.minimumSNRSpectrum), "Spectrum with min S/N ratio within the OB"),
            card("FIBMINSN", .string(q.minimumSNRFibre), "Fibre with min S/N ratio within the OB"),
            card("MAXSNR", .string(q.maximumSNR), "Maximum S/N ratio within the OB"),
            card("SPCMAXSN", .string(q.maximumSNRSpectrum), "Spectrum with max S/N ratio within the OB"),
            card("FIBMAXSN", .string(q.maximumSNRFibre), "Fibre with max S/N ratio within the OB"),
            card("MEDSNR", .string(q.medianSNR), "Median S/N ratio within the OB"),
            card("SKYSUB", .bool(q.skySubtracted), "FLUX spectrum is sky subtracted"),
            card("PCASUB", .bool(q.pcaApplied), "PCA correction applied"),
            card("PCATOTAL", .double(q.pcaVariance), "Percentage sky residual variation accounted for"),
            card("PCANUM", .int(Int64(q.pcaComponents)), "Number of PCA eigenvectors used"),
            card("TELLSUB", .bool(q.telluricCorrected), "Telluric correction applied"),
            card("TELLCOR", .string(q.telluricFile), "Pointer to telluric correction file used"),
            card("SENSFILE", .string(q.sensitivityFile), "Pointer to master sensfunc file that was scaled"),
            card("DELMAGZP", .double(q.zeroPointOffset), "Mag offset applied as sensfunc scale factor"),
            card("NCALIBRT", .int(Int64(q.calibrators)), "Number of calibrators used"),
            .comment("--- RAW+QL1 FIBINFO Keywords ---"),
            card("NSPEC", .int(Int64(f.spectrumNumber)), "Number of the spectrum in extracted order"),
            card("CNAME", .string(h.cname), "4MOST object name from coordinates"),
            card("FIB_ID", .int(Int64(f.fibreID)), "Fibre ID"),
            card("TRG_UID", .int(h.objectUID), "Unique target identifier"),
            card("TRG_NME", .string(f.targetName), "Unique name/id of catalog entry"),
            card("TRG_CTID", .int(Int64(f.catalogueID)), "Catalogue ID for CAT.IDi header dictionary"),
            card("TRG_RA", .double(f.targetRA), "Catalogue target right ascension [deg]"),
            card("TRG_DEC", .double(f.targetDec), "Catalogue target declination [deg]"),
            card("TRG_PMRA", .double(f.pmRA), "RA proper motion of target [mas/yr]"),
            card("TRG_PMDE", .double(f.pmDec), "Dec proper motion of target [mas/yr]"),
            card("TRG_PRLX", .double(f.parallax), "Target parallax [mas]"),
            card("TRG_EPOC", .double(f.epoch), "Epoch of coordinates [yr]"),
            card("TRG_BIT", .int(f.surveyBits), "Unique ID associated to surveys+subsurveys"),
            card("TRG_PRIO", .int(Int64(f.priority)), "Target relative priority within survey"),
            card("FIB_PHI", .double(f.phi), "Ideal PHI, focal surface fibre coord [deg]"),
            card("FIB_THET", .double(f.theta), "Ideal THETA, focal surface fibre coord [deg]"),
            card("FIB_ST", .int(Int64(f.state)), "0:DISABLED 1:PARKED 2:ALLOCATED"),
            card("TRG_RLID", .int(Int64(f.ruleset)), "Predefined algorithm"),
        ]
        for (i, (arm, band)) in [("BL", "Blue arm mag estimate: SDSS-like g-band [mag]"), ("GR", "Green arm mag estimate: SDSS-like r-band [mag]"),
                                 ("RD", "Red arm mag estimate: SDSS-like i-band [mag]")].enumerated() {
            cards += [
                card("TRG_\(arm)", .double(f.magnitudes[i]), band),
                card("TRG_\(arm)ER", .double(f.magnitudeErrors[i]), "Error on MAG_\(arm) [mag]"),
                card("TRG_\(arm)ID", .int(Int64(f.magnitudeIDs[i])), "Identifier ID for MAG.IDi header dictionary"),
            ]
        }
        cards += [
            card("FIB_USE", .int(Int64(f.use)), "1:OBJ 2:REF 3:SKY 4:CAL 5:ACT.GUID 6:INACT.GUID"),
            card("TRG_WAV", .double(f.centroidWavelength), "Wavelength to target when centroiding [nm]"),
            card("FIB_ROOT", .int(Int64(f.root)), "1:LRSA 2:LRSB 3:HRS"),
            card("SLIT_POS", .int(Int64(f.slitPosition)), "Specifies the slit position of the fibre"),
            card("RMS_ARC", .double(f.arcRMS), "RMS of wavelength solution for fibre [Angstrom]"),
            card("HELIOCR", .double(h.heliocentricCorrection ?? 0), "Applied heliocentric correction [km/s]"),
            card("WAVCR", .double(f.wavelengthOffset), "Applied wavelength correction [Angstrom]"),
            card("WAVCRRMS", .double(f.wavelengthOffsetRMS), "RMS of wavelength offset correction [Angstrom]"),
            card("SKYLNOFF", .double(f.skyLineOffset), "Offset: sky lines - rest wavelengths [Angstrom]"),
            card("SKYLNRMS", .double(f.skyLineRMS), "RMS of SKYLINE_OFF [Angstrom]"),
            card("SKYSHIFT", .double(f.skyShift), "Offset: <sky> to spec in bckgd cor [Angstrom]"),
            card("SKYSCALE", .double(f.skyScale), "Scaling: to <sky> before spec sky subtract"),
            card("EXPTIME", .double(h.exposureTime), "Total exposure time for the target [s]"),
            card("SNR", .double(s.medianSNR), "Median signal/noise per pixel for spectrum"),
            card("RESOL", .double(f.arcFWHM), "Mean FWHM of arc lines for fibre [Angstrom]"),
            card("TOT_FLX", .double(f.totalCounts), "Total flux of extracted object [adu]"),
            card("FLX_PIX", .double(f.meanCounts), "Mean flux per pixel of extracted object [adu]"),
            .comment("--- QL1 SPECTRUM BINTAB Keywords ---"),
        ]
        for (i, c) in columns.enumerated() {
            let k = i + 1
            cards.append(card("TCOMM\(k)", .string(c.comment), "Verbal description of field"))
            cards.append(card("TUTYP\(k)", .string(c.utype), "UType for field"))
            cards.append(card("TUCD\(k)", .string(c.ucd), "UCD for field"))
            cards.append(card("TDISP\(k)", .string(c.display), "Display format for field"))
            if i == 0 {
                cards.append(card("TDMIN1", .double(Double(s.wavelength.first!)), "Minimum physical value contained in field"))
                cards.append(card("TDMAX1", .double(Double(s.wavelength.last!)), "Maximum physical value contained in field"))
            }
        }
        return cards
    }

    // MARK: Reading

    /// Typed keyword access that names the file and keyword when one is missing or of the wrong type.
    struct HeaderReader {
        let path: String

        func string(_ h: FITSHeader, _ k: String) throws(FileProblem) -> String {
            guard let v = h.string(k) else { throw FileProblem(path: path, problem: "keyword \(k) is missing") }
            return v
        }
        func double(_ h: FITSHeader, _ k: String) throws(FileProblem) -> Double {
            guard let v = h.double(k) else { throw FileProblem(path: path, problem: "keyword \(k) is missing or not a number") }
            return v
        }
        func int(_ h: FITSHeader, _ k: String) throws(FileProblem) -> Int64 {
            guard let v = h.int(k) else { throw FileProblem(path: path, problem: "keyword \(k) is missing or not an integer") }
            return v
        }
        func bool(_ h: FITSHeader, _ k: String) throws(FileProblem) -> Bool {
            guard let v = h.bool(k) else { throw FileProblem(path: path, problem: "keyword \(k) is missing or not a logical") }
            return v
        }

        func header(primary p: FITSHeader, table t: FITSHeader) throws(FileProblem) -> Phase3Header {
            guard let calibration = Phase3FluxCalibration(rawValue: try string(p, "FLUXCAL")) else {
                throw FileProblem(path: path, problem: "FLUXCAL '\(p.string("FLUXCAL") ?? "")' is neither ABSOLUTE nor UNCALIBRATED")
            }
            let specsys = try string(p, "SPECSYS")
            func numbered(_ stem: String) -> [String] {
                var out: [String] = []
                while let v = p.string("\(stem)\(out.count + 1)") { out.append(v) }
                return out
            }
            var fibre = Phase3Fibre(spectrumNumber: Int(try int(t, "NSPEC")), fibreID: Int(try int(t, "FIB_ID")),
                                    slitPosition: Int(try int(t, "SLIT_POS")), root: Int(try int(t, "FIB_ROOT")),
                                    targetName: try string(t, "TRG_NME"), targetRA: try double(t, "TRG_RA"), targetDec: try double(t, "TRG_DEC"))
            fibre.state = Int(try int(t, "FIB_ST"))
            fibre.use = Int(try int(t, "FIB_USE"))
            fibre.phi = try double(t, "FIB_PHI")
            fibre.theta = try double(t, "FIB_THET")
            fibre.catalogueID = Int(try int(t, "TRG_CTID"))
            fibre.pmRA = try double(t, "TRG_PMRA")
            fibre.pmDec = try double(t, "TRG_PMDE")
            fibre.parallax = try double(t, "TRG_PRLX")
            fibre.epoch = try double(t, "TRG_EPOC")
            fibre.surveyBits = try int(t, "TRG_BIT")
            fibre.priority = Int(try int(t, "TRG_PRIO"))
            fibre.ruleset = Int(try int(t, "TRG_RLID"))
            fibre.centroidWavelength = try double(t, "TRG_WAV")
            var mags: [Double] = [], errs: [Double] = [], ids: [Int] = []
            for arm in ["BL", "GR", "RD"] {
                mags.append(try double(t, "TRG_\(arm)"))
                errs.append(try double(t, "TRG_\(arm)ER"))
                ids.append(Int(try int(t, "TRG_\(arm)ID")))
            }
            fibre.magnitudes = mags
            fibre.magnitudeErrors = errs
            fibre.magnitudeIDs = ids
            fibre.arcRMS = try double(t, "RMS_ARC")
            fibre.arcFWHM = try double(t, "RESOL")
            fibre.wavelengthOffset = try double(t, "WAVCR")
            fibre.wavelengthOffsetRMS = try double(t, "WAVCRRMS")
            fibre.skyLineOffset = try double(t, "SKYLNOFF")
            fibre.skyLineRMS = try double(t, "SKYLNRMS")
            fibre.skyShift = try double(t, "SKYSHIFT")
            fibre.skyScale = try double(t, "SKYSCALE")
            fibre.totalCounts = try double(t, "TOT_FLX")
            fibre.meanCounts = try double(t, "FLX_PIX")

            var q = Phase3Processing()
            q.biasCorrection = try string(t, "BIASCOR")
            q.profileFile = try string(t, "PROFILES")
            q.wavelengthFile = try string(t, "WAVEFILE")
            q.fibreFlatFile = try string(t, "OBFBFLAT")
            q.minimumSNR = try string(t, "MINSNR")
            q.minimumSNRSpectrum = try string(t, "SPCMINSN")
            q.minimumSNRFibre = try string(t, "FIBMINSN")
            q.maximumSNR = try string(t, "MAXSNR")
            q.maximumSNRSpectrum = try string(t, "SPCMAXSN")
            q.maximumSNRFibre = try string(t, "FIBMAXSN")
            q.medianSNR = try string(t, "MEDSNR")
            q.skySubtracted = try bool(t, "SKYSUB")
            q.pcaApplied = try bool(t, "PCASUB")
            q.pcaVariance = try double(t, "PCATOTAL")
            q.pcaComponents = Int(try int(t, "PCANUM"))
            q.telluricCorrected = try bool(t, "TELLSUB")
            q.telluricFile = try string(t, "TELLCOR")
            q.sensitivityFile = try string(t, "SENSFILE")
            q.zeroPointOffset = try double(t, "DELMAGZP")
            q.calibrators = Int(try int(t, "NCALIBRT"))

            return Phase3Header(
                cname: try string(p, "CNAME"), targetID: try int(p, "TARG_ID"), objectUID: try int(p, "U_OBJ_ID"),
                spectrumUID: try int(p, "SPECUID"), spectrumProvenance: try string(p, "SPECUID_P"), object: try string(p, "OBJECT"),
                ra: try double(p, "RA"), dec: try double(p, "DEC"), exposureTime: try double(p, "EXPTIME"),
                totalExposureTime: try double(p, "TEXPTIME"), mjdStart: try double(p, "MJD-OBS"), mjdEnd: try double(p, "MJD-END"),
                programme: try string(p, "PROG_ID"), obID: try int(p, "OBID1"), combined: Int(try int(p, "NCOMBINE")),
                fluxCalibration: calibration, fluxScaleError: try double(p, "FLUXERR"), software: try string(p, "PROCSOFT"),
                reference: try string(p, "REFERENC"), provenance: numbered("PROV"), associated: numbered("ASSON"),
                heliocentricCorrection: specsys == "HELIOCEN" ? try double(t, "HELIOCR") : nil,
                extendedObject: try bool(p, "EXT_OBJ"), continuumNormalised: try bool(p, "CONTNORM"), totalFlux: try bool(p, "TOT_FLUX"),
                wavelengthRMS: try double(p, "LAMRMS"), wavelengthLines: Int(try int(p, "LAMNLIN")),
                wavelengthStatisticalError: try double(p, "SPEC_ERR"), wavelengthSystematicError: try double(p, "SPEC_SYE"),
                resolvingPower: try double(p, "SPEC_RES"), date: try string(p, "DATE"), node: try string(p, "QMNODE"),
                release: try string(p, "RELEASE"), submitted: try string(p, "DATETIME"), user: try string(p, "PUSER"),
                contact: try string(p, "PCONTACT"), pipelineVersion: try string(p, "CASUVERS"), title: try string(t, "TITLE"),
                aperture: try double(t, "APERTURE"), processing: q, fibre: fibre)
        }
    }
}
