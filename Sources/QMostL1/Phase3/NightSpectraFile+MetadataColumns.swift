import Foundation
import QMostCore
import QMostFITS

/// The columns of the night container's metadata tables (FIBMETATAB, OBMETATAB, PROVTAB) and the placeholder rows
/// they are read into.
extension NightSpectraFile {
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

    /// FIBMETATAB's derived median S/N column.
    static let snrColumn = "SNR"

    typealias S = NightSpectrum
    typealias Col = TableColumn<NightSpectrum>

    static var fibreColumns: [Col] {
        [
            .int64("SPECUID", nil, "Unique spectrum identifier", \S.spectrum.header.spectrumUID),
            .string("SPECUID_P", nil, "SPECUID with provenance (docs/identifiers.md)", \S.spectrum.header.spectrumProvenance),
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
            // Written from rows without arrays, so 0 here: write(_:_:elements:batch:load:) fills it in once SPECTAB has
            // been written from the loaded spectra (``snrColumn``).
            Col(name: snrColumn, unit: nil, comment: "Median signal/noise per pixel (not read back)",
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
