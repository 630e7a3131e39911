import Foundation
import QMostCore

/// One L1 1D spectrum in the ESO Phase 3 form of the real QL1 product (datamodel §1.2; seed 9.1.17, 11.5): the
/// arrays of the `PHASE3SPECTRUM` table and the facts its two headers record. Independent of how L1 makes it.
///
/// Wavelengths are **air** wavelengths in Å (the WAVE column's UCD `em.wl;obs.atmos`), topocentric unless
/// ``Phase3Header/heliocentricCorrection`` is set, in which case they have been multiplied by 1 + v/c
/// (``applyingHeliocentricCorrection(velocity:)``) and the file says `SPECSYS = 'HELIOCEN'`.
public struct Phase3Spectrum: Sendable, Equatable {
    /// WAVE: air wavelength of each bin centre, Å, increasing.
    public var wavelength: [Float]
    /// FLUX: sky-subtracted flux density, erg/(s cm² Å).
    public var flux: [Float]
    /// ERR_FLUX: its 1σ error.
    public var error: [Float]
    /// QUAL: 0 good; non-zero flags a bad bin (the sample uses 0/1; −1 is the column's TNULL).
    public var quality: [Int32]
    /// FLUX_NOSS: flux density without sky subtraction.
    public var fluxNoSkySubtraction: [Float]
    /// ERR_FLUX_NOSS: its 1σ error.
    public var errorNoSkySubtraction: [Float]
    /// Everything the headers say that the arrays do not.
    public var header: Phase3Header

    public init(wavelength: [Float], flux: [Float], error: [Float], quality: [Int32], fluxNoSkySubtraction: [Float],
                errorNoSkySubtraction: [Float], header: Phase3Header) {
        self.wavelength = wavelength
        self.flux = flux
        self.error = error
        self.quality = quality
        self.fluxNoSkySubtraction = fluxNoSkySubtraction
        self.errorNoSkySubtraction = errorNoSkySubtraction
        self.header = header
    }

    /// The spectrum moved to the heliocentric frame: wavelengths × (1 + v/c) (``HeliocentricCorrection``), the
    /// velocity recorded (HELIOCR, SPECSYS HELIOCEN). `velocity` in km/s, positive towards the source. A spectrum
    /// already corrected is returned with both corrections composed.
    public func applyingHeliocentricCorrection(velocity: Double) -> Phase3Spectrum {
        var out = self
        let factor = HeliocentricCorrection.wavelengthFactor(velocity: velocity)
        out.wavelength = wavelength.map { Float(Double($0) * factor) }
        let before = header.heliocentricCorrection ?? 0
        // Compose the two Doppler factors: (1 + a/c)(1 + b/c) = 1 + (a + b + ab/c)/c.
        out.header.heliocentricCorrection = before + velocity + before * velocity / HeliocentricCorrection.speedOfLight
        return out
    }

    /// The median S/N per bin over bins with QUAL 0 and a positive error (the SNR keyword); 0 when there are none.
    public var medianSNR: Double {
        var ratios: [Double] = []
        ratios.reserveCapacity(flux.count)
        for i in flux.indices where i < error.count && i < quality.count && quality[i] == 0 && error[i] > 0 && error[i].isFinite && flux[i].isFinite {
            ratios.append(Double(flux[i]) / Double(error[i]))
        }
        guard !ratios.isEmpty else { return 0 }
        ratios.sort()
        let n = ratios.count
        return n % 2 == 1 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2])
    }
}

/// Whether the flux scale is absolute (FLUXCAL).
public enum Phase3FluxCalibration: String, Sendable, Equatable {
    case absolute = "ABSOLUTE"
    case uncalibrated = "UNCALIBRATED"
}

/// The header facts of a Phase 3 spectrum; the keyword each one becomes is in its comment. Keywords derived from
/// the arrays (WAVELMIN/MAX, SPEC_BIN, SPEC_VAL, SPEC_BW, NELEM, SNR, TDMIN1/TDMAX1) or from other facts (TMID,
/// TELAPSE, SPECSYS) are not stored here but computed when writing.
public struct Phase3Header: Sendable, Equatable {
    // Identifiers (seed 11.2).
    /// CNAME, canonical `HHMMSSss±DDMMSSs` (in both headers).
    public var cname: String
    /// TARG_ID: the OSTD target id.
    public var targetID: Int64
    /// U_OBJ_ID: the unique object id; also FIBINFO TRG_UID.
    public var objectUID: Int64
    /// SPECUID: this spectrum's unique id.
    public var spectrumUID: Int64
    /// SPECUID_P (HIERARCH, 9 characters), a string: "SPECUID but with additional provenance-related identification
    /// information" (seed 11.2), in the layout of ``SpectrumProvenance/text`` (docs/identifiers.md), e.g.
    /// `5000000000042_20220904_OB100118_LRSA_J_EXP_0.3.0`; blank when not known.
    public var spectrumProvenance: String

    // Primary header.
    /// OBJECT: the field/OB name as given by the PI (not the target).
    public var object: String
    /// RA, DEC: ICRS position in degrees (primary and extension).
    public var ra: Double
    public var dec: Double
    /// EXPTIME: integration time per data element, s.
    public var exposureTime: Double
    /// TEXPTIME: sum of integration times of all exposures, s.
    public var totalExposureTime: Double
    /// MJD-OBS, MJD-END: start of the earliest and end of the latest exposure (UTC).
    public var mjdStart: Double
    public var mjdEnd: Double
    /// PROG_ID, e.g. `60.A-9296(A)`.
    public var programme: String
    /// OBID1.
    public var obID: Int64
    /// NCOMBINE: raw science files combined.
    public var combined: Int
    /// FLUXCAL.
    public var fluxCalibration: Phase3FluxCalibration
    /// FLUXERR: fractional uncertainty of the flux scale, percent.
    public var fluxScaleError: Double
    /// PROCSOFT, e.g. `qmostd/0.4`.
    public var software: String
    /// REFERENC: primary publication (blank before there is one).
    public var reference: String
    /// PROV1, PROV2, ...: file names of the inputs.
    public var provenance: [String]
    /// ASSON1, ASSON2, ...: associated files.
    public var associated: [String]
    /// HELIOCR (km/s) when the wavelengths were made heliocentric (SPECSYS HELIOCEN); nil: topocentric (TOPOCENT).
    public var heliocentricCorrection: Double?
    /// EXT_OBJ, CONTNORM, TOT_FLUX.
    public var extendedObject: Bool
    public var continuumNormalised: Bool
    public var totalFlux: Bool
    /// LAMRMS (nm) and LAMNLIN: wavelength-solution residual RMS and lines used.
    public var wavelengthRMS: Double
    public var wavelengthLines: Int
    /// SPEC_ERR, SPEC_SYE: statistical and systematic error of the spectral coordinate, nm.
    public var wavelengthStatisticalError: Double
    public var wavelengthSystematicError: Double
    /// SPEC_RES: average resolving power.
    public var resolvingPower: Double
    /// DATE: processing date `YYYY-MM-DD`.
    public var date: String
    /// QMNODE, RELEASE, DATETIME, PUSER, PCONTACT, CASUVERS (the QMOST and QL1 blocks).
    public var node: String
    public var release: String
    public var submitted: String
    public var user: String
    public var contact: String
    public var pipelineVersion: String

    // Extension header.
    /// TITLE.
    public var title: String
    /// APERTURE: fibre aperture in degrees (1.45″ = 0.0004028°; the sample writes 0.00039).
    public var aperture: Double
    /// The QL1 processing block.
    public var processing: Phase3Processing
    /// The FIBINFO block.
    public var fibre: Phase3Fibre

    public init(cname: String, targetID: Int64, objectUID: Int64, spectrumUID: Int64, spectrumProvenance: String = "",
                object: String, ra: Double, dec: Double, exposureTime: Double, totalExposureTime: Double,
                mjdStart: Double, mjdEnd: Double, programme: String, obID: Int64, combined: Int,
                fluxCalibration: Phase3FluxCalibration = .absolute, fluxScaleError: Double = 10,
                software: String = "qmostd/\(QMostVersion.current)", reference: String = "", provenance: [String],
                associated: [String] = [], heliocentricCorrection: Double? = nil, extendedObject: Bool = false,
                continuumNormalised: Bool = false, totalFlux: Bool = true, wavelengthRMS: Double, wavelengthLines: Int,
                wavelengthStatisticalError: Double = 0, wavelengthSystematicError: Double = 0, resolvingPower: Double,
                date: String, node: String = "QL1", release: String = "", submitted: String, user: String = "",
                contact: String = "", pipelineVersion: String = QMostVersion.current, title: String = "OBJECT L1 Product",
                aperture: Double = 1.45 / 3600, processing: Phase3Processing = Phase3Processing(), fibre: Phase3Fibre) {
        self.cname = cname
        self.targetID = targetID
        self.objectUID = objectUID
        self.spectrumUID = spectrumUID
        self.spectrumProvenance = spectrumProvenance
        self.object = object
        self.ra = ra
        self.dec = dec
        self.exposureTime = exposureTime
        self.totalExposureTime = totalExposureTime
        self.mjdStart = mjdStart
        self.mjdEnd = mjdEnd
        self.programme = programme
        self.obID = obID
        self.combined = combined
        self.fluxCalibration = fluxCalibration
        self.fluxScaleError = fluxScaleError
        self.software = software
        self.reference = reference
        self.provenance = provenance
        self.associated = associated
        self.heliocentricCorrection = heliocentricCorrection
        self.extendedObject = extendedObject
        self.continuumNormalised = continuumNormalised
        self.totalFlux = totalFlux
        self.wavelengthRMS = wavelengthRMS
        self.wavelengthLines = wavelengthLines
        self.wavelengthStatisticalError = wavelengthStatisticalError
        self.wavelengthSystematicError = wavelengthSystematicError
        self.resolvingPower = resolvingPower
        self.date = date
        self.node = node
        self.release = release
        self.submitted = submitted
        self.user = user
        self.contact = contact
        self.pipelineVersion = pipelineVersion
        self.title = title
        self.aperture = aperture
        self.processing = processing
        self.fibre = fibre
    }
}

/// The extension's "QL1 HDU Keywords" block: how the spectrum was processed. Blank strings mean "not recorded",
/// as in the sample.
public struct Phase3Processing: Sendable, Equatable {
    /// BIASCOR, e.g. `master+oscor`.
    public var biasCorrection = "master+oscor"
    /// PROFILES, WAVEFILE, OBFBFLAT: the profile, wavelength-solution and OB fibre-flat files used.
    public var profileFile = ""
    public var wavelengthFile = ""
    public var fibreFlatFile = ""
    /// MINSNR/SPCMINSN/FIBMINSN, MAXSNR/SPCMAXSN/FIBMAXSN, MEDSNR: the OB's S/N extremes and median.
    public var minimumSNR = ""
    public var minimumSNRSpectrum = ""
    public var minimumSNRFibre = ""
    public var maximumSNR = ""
    public var maximumSNRSpectrum = ""
    public var maximumSNRFibre = ""
    public var medianSNR = ""
    /// SKYSUB, PCASUB, PCATOTAL (%), PCANUM.
    public var skySubtracted = true
    public var pcaApplied = false
    public var pcaVariance = 0.0
    public var pcaComponents = 0
    /// TELLSUB, TELLCOR, SENSFILE, DELMAGZP, NCALIBRT.
    public var telluricCorrected = false
    public var telluricFile = ""
    public var sensitivityFile = ""
    public var zeroPointOffset = 0.0
    public var calibrators = 0

    public init() {}
}

/// The FIBINFO block the extension carries (datamodel §2), one fibre's row of the raw frames' FIBINFO table.
public struct Phase3Fibre: Sendable, Equatable {
    /// NSPEC, FIB_ID, SLIT_POS, FIB_ROOT (1 LRS-A, 2 LRS-B, 3 HRS), FIB_ST, FIB_USE, FIB_PHI, FIB_THET.
    public var spectrumNumber: Int
    public var fibreID: Int
    public var slitPosition: Int
    public var root: Int
    public var state = 2
    public var use = 1
    public var phi = 0.0
    public var theta = 0.0
    /// TRG_NME, TRG_CTID, TRG_RA, TRG_DEC, TRG_PMRA, TRG_PMDE, TRG_PRLX, TRG_EPOC, TRG_BIT, TRG_PRIO, TRG_RLID, TRG_WAV.
    public var targetName: String
    public var catalogueID = 0
    public var targetRA: Double
    public var targetDec: Double
    public var pmRA = 0.0
    public var pmDec = 0.0
    public var parallax = 0.0
    public var epoch = 2000.0
    public var surveyBits: Int64 = 0
    public var priority = 1
    public var ruleset = 0
    public var centroidWavelength = 0.0
    /// TRG_BL/BLER/BLID, TRG_GR/GRER/GRID, TRG_RD/RDER/RDID: per-arm magnitude estimates, errors, MAG.IDi ids.
    public var magnitudes: [Double] = [0, 0, 0]
    public var magnitudeErrors: [Double] = [0, 0, 0]
    public var magnitudeIDs: [Int] = [0, 0, 0]
    /// RMS_ARC, RESOL (Å); WAVCR, WAVCRRMS, SKYLNOFF, SKYLNRMS, SKYSHIFT (Å), SKYSCALE.
    public var arcRMS = 0.0
    public var arcFWHM = 0.0
    public var wavelengthOffset = 0.0
    public var wavelengthOffsetRMS = 0.0
    public var skyLineOffset = 0.0
    public var skyLineRMS = 0.0
    public var skyShift = 0.0
    public var skyScale = 0.0
    /// TOT_FLX, FLX_PIX: total and mean per-bin extracted flux, adu.
    public var totalCounts = 0.0
    public var meanCounts = 0.0

    public init(spectrumNumber: Int, fibreID: Int, slitPosition: Int, root: Int, targetName: String, targetRA: Double, targetDec: Double) {
        self.spectrumNumber = spectrumNumber
        self.fibreID = fibreID
        self.slitPosition = slitPosition
        self.root = root
        self.targetName = targetName
        self.targetRA = targetRA
        self.targetDec = targetDec
    }
}
