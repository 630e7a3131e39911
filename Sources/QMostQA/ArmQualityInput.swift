import QMostCore
import QMostL1

/// What FIBINFO says about one row of an arm's spectra, for the QA.
public struct QAFibre: Sendable, Equatable {
    public var slitPosition: Int
    public var fibreID: Int
    /// FIB_USE: 1 object, 2 reference, 3 sky, 4 calibration (datamodel §2).
    public var use: Int
    /// A flux standard (FIBINFO TRG_CLASS STANDARD): the white-dwarf calibrators of the seed's plots.
    public var isStandard: Bool
    /// The catalogue magnitude FIBINFO gives and its band (e.g. `SDSS_r`); nil without one.
    public var magnitude: Double?
    public var band: String?
    /// The fibre's position on the sky (ICRS degrees); NaN when unknown.
    public var ra: Double
    public var dec: Double

    public init(slitPosition: Int, fibreID: Int, use: Int, isStandard: Bool = false, magnitude: Double? = nil, band: String? = nil,
                ra: Double = .nan, dec: Double = .nan) {
        self.slitPosition = slitPosition
        self.fibreID = fibreID
        self.use = use
        self.isStandard = isStandard
        self.magnitude = magnitude
        self.band = band
        self.ra = ra
        self.dec = dec
    }

    public var isSky: Bool { use == 3 }
}

/// One arm of one reduced exposure as the QA reads it (seed 9.2.1): the sky-subtracted spectra with their
/// variance and mask, the spectra before sky subtraction, and FIBINFO per row.
public struct ArmQualityInput: Sendable {
    public var spectrograph: String
    public var arm: ArmName
    public var spectra: RebinnedSpectra
    /// FLUX_NOSS: the same rows before sky subtraction; nil when the file has none (then no sky QA).
    public var unsubtracted: RebinnedSpectra?
    /// One per row of `spectra`, in order; rows without FIBINFO are unallocated.
    public var fibres: [QAFibre?]
    /// The field centre (ICRS degrees), for the sky flux against position.
    public var fieldRA: Double
    public var fieldDec: Double
    /// Whether the flux is in erg/s/cm²/Å (then synthetic magnitudes are made).
    public var fluxCalibrated: Bool

    public init(spectrograph: String, arm: ArmName, spectra: RebinnedSpectra, unsubtracted: RebinnedSpectra?, fibres: [QAFibre?],
                fieldRA: Double, fieldDec: Double, fluxCalibrated: Bool) {
        precondition(fibres.count == spectra.slitPositions.count, "one FIBINFO entry per row")
        self.spectrograph = spectrograph
        self.arm = arm
        self.spectra = spectra
        self.unsubtracted = unsubtracted
        self.fibres = fibres
        self.fieldRA = fieldRA
        self.fieldDec = fieldDec
        self.fluxCalibrated = fluxCalibrated
    }
}
