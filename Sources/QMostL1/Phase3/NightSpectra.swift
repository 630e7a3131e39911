import QMostCore

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
    /// FIBMETATAB and SPECTAB, row i ↔ spectrum i (for ``NightSpectraFile/write(_:_:elements:batch:load:)`` the
    /// headers only: the arrays come from its `load`).
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
