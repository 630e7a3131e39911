import Foundation

/// One arm of one spectrograph type: wavelength coverage, resolving power, sampling, throughput and detector
/// electronics. LRS-A and LRS-B share the same arm models.
public struct ArmModel: Sendable, Equatable {
    /// The resolution mode of the spectrograph the arm belongs to.
    public var mode: ResolutionMode
    /// Which arm.
    public var arm: ArmName
    /// Wavelengths in Å (air) that fall on the detector's active columns.
    public var wavelengthRange: ClosedRange<Double>
    /// Active pixels along the dispersion axis (6144 at full scale).
    public var spectralPixels: Int
    /// Resolving power R = λ/Δλ(FWHM) against wavelength (Å).
    public var resolvingPower: TabulatedCurve
    /// Total system efficiency in detected electrons per photon arriving at the top of the atmosphere, at the
    /// reference airmass ``InstrumentModel/referenceAirmass`` and outside telluric bands (telescope, fibre
    /// injection, spectrograph, detector and continuum extinction), as the ETC's efficiency tables give it.
    public var throughput: TabulatedCurve
    /// Read noise in electrons per pixel.
    public var readNoise: Double
    /// Dark current in electrons per hour per pixel.
    public var darkCurrentPerHour: Double
    /// Conversion gain in electrons per ADU.
    public var gain: Double
    /// Full-well capacity in electrons.
    public var fullWell: Double
    /// Bias (offset) level in ADU added by the readout electronics.
    public var biasLevel: Double

    public init(
        mode: ResolutionMode, arm: ArmName, wavelengthRange: ClosedRange<Double>, spectralPixels: Int = ArmModel.fullSpectralPixels,
        resolvingPower: TabulatedCurve, throughput: TabulatedCurve, readNoise: Double,
        darkCurrentPerHour: Double = ArmModel.defaultDarkCurrentPerHour, gain: Double = ArmModel.defaultGain,
        fullWell: Double = ArmModel.defaultFullWell, biasLevel: Double = ArmModel.defaultBiasLevel
    ) {
        self.mode = mode
        self.arm = arm
        self.wavelengthRange = wavelengthRange
        self.spectralPixels = spectralPixels
        self.resolvingPower = resolvingPower
        self.throughput = throughput
        self.readNoise = readNoise
        self.darkCurrentPerHour = darkCurrentPerHour
        self.gain = gain
        self.fullWell = fullWell
        self.biasLevel = biasLevel
    }

    // MARK: Public numbers and documented assumptions

    /// 6144 spectral pixels per arm: the ETC efficiency tables have 6144 rows per arm (datamodel §4, §6.4).
    public static let fullSpectralPixels = 6144
    /// 3 e-/h/pixel: legacy 4FS ETC DARK_CURRENT (datamodel §6.2).
    public static let defaultDarkCurrentPerHour = 3.0
    /// 350000 e-: legacy 4FS ETC FULL_WELL (datamodel §6.2).
    public static let defaultFullWell = 350_000.0
    /// 1.0 e-/ADU. ASSUMPTION: the 4MOST gain is not public; qmostetc's default of 1 e-/ADU (datamodel §6.4) is used.
    public static let defaultGain = 1.0
    /// 1000 ADU. ASSUMPTION: the bias offset is not public; a typical ESO CCD controller offset is chosen.
    public static let defaultBiasLevel = 1000.0
    /// 65535 ADU. ASSUMPTION: a 16-bit ADC, as on ESO CCD controllers; at 1 e-/ADU it saturates before the full well.
    public static let adcMaximum = 65_535.0

    /// LRS read noise in e-: blue 2.286, green 2.265, red 2.206 (py4most qmost_etc.py, datamodel §6.3).
    /// ASSUMPTION: HRS uses the same detectors and controllers, so the same values.
    public static func defaultReadNoise(_ arm: ArmName) -> Double {
        switch arm {
        case .blue: 2.286
        case .green: 2.265
        case .red: 2.206
        }
    }

    // MARK: Sampling

    /// Wavelength step per pixel in Å: the range spread evenly over ``spectralPixels`` (a linear model of the
    /// dispersion; real cameras vary it by some per cent along the arm).
    public var dispersion: Double { (wavelengthRange.upperBound - wavelengthRange.lowerBound) / Double(spectralPixels) }

    /// Wavelength (Å) at the centre of 0-based pixel column `pixel` (fractional pixels allowed).
    public func wavelength(atPixel pixel: Double) -> Double {
        wavelengthRange.lowerBound + (pixel + 0.5) * dispersion
    }

    /// Fractional 0-based pixel column whose centre has `wavelength` (Å); outside 0..<spectralPixels off the arm.
    public func pixel(atWavelength wavelength: Double) -> Double {
        (wavelength - wavelengthRange.lowerBound) / dispersion - 0.5
    }

    /// Whether `wavelength` (Å) falls on the detector.
    public func covers(_ wavelength: Double) -> Bool { wavelengthRange.contains(wavelength) }

    /// Resolving power R at `wavelength` (Å).
    public func resolvingPower(at wavelength: Double) -> Double { resolvingPower.value(at: wavelength) }

    /// Line-spread FWHM in Å at `wavelength`: λ/R.
    public func lsfFWHM(at wavelength: Double) -> Double { wavelength / resolvingPower(at: wavelength) }

    /// Line-spread FWHM in pixels at `wavelength`.
    public func lsfFWHMPixels(at wavelength: Double) -> Double { lsfFWHM(at: wavelength) / dispersion }

    /// Dark current in electrons per second per pixel.
    public var darkCurrentPerSecond: Double { darkCurrentPerHour / 3600 }

    /// Highest signal in electrons a pixel can record: the full well or the ADC ceiling above bias, whichever is lower.
    public var saturationElectrons: Double { min(fullWell, (Self.adcMaximum - biasLevel) * gain) }

    /// The same arm sampled by `pixels` spectral pixels over the same wavelengths (the small simulation scale):
    /// each pixel collects `fullSpectralPixels / pixels` times the physical width, so dark current per pixel
    /// grows by that factor (as with on-chip binning); read noise, gain and full well stay per read pixel.
    public func scaled(toSpectralPixels pixels: Int) -> ArmModel {
        var copy = self
        let factor = Double(spectralPixels) / Double(pixels)
        copy.spectralPixels = pixels
        copy.darkCurrentPerHour = darkCurrentPerHour * factor
        return copy
    }
}
