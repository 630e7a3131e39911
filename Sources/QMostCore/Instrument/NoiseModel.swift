import Foundation

/// Expected electrons in one extracted spectral pixel and their variance.
public struct PixelSignal: Sendable, Equatable {
    /// Source electrons.
    public var source: Double
    /// Sky electrons in the fibre.
    public var sky: Double
    /// Dark electrons over the extraction aperture.
    public var dark: Double
    /// Read-noise variance over the aperture, npix·RON² (e²).
    public var readNoiseVariance: Double

    public init(source: Double, sky: Double, dark: Double, readNoiseVariance: Double) {
        self.source = source
        self.sky = sky
        self.dark = dark
        self.readNoiseVariance = readNoiseVariance
    }

    /// Total variance S + sky + dark + npix·RON² (e²).
    public var variance: Double { source + sky + dark + readNoiseVariance }
    /// Noise σ in electrons.
    public var noise: Double { variance.squareRoot() }
    /// Signal-to-noise ratio of the source per spectral pixel.
    public var signalToNoise: Double { variance > 0 ? source / noise : 0 }
}

extension InstrumentModel {
    /// Extraction aperture along the slit in pixels per spectral pixel: 6, as py4most's N_pix (datamodel §6.3).
    public static let extractionPixels = 6

    /// Electrons per (erg/s/cm²/Å) per pixel per second at `wavelength`: λ/hc · A_tel · Δλ_pix · η(λ, X) · T_tell,
    /// following datamodel §6.3, with the efficiency moved from the reference airmass to `airmass` by the
    /// continuum extinction and the telluric bands applied (py4most's empirical SQF factor is not applied).
    public func electronsPerFlux(
        arm: ArmModel, wavelength: Double, airmass: Double, includeTelluric: Bool = true
    ) -> Double {
        let extinction = pow(10, -0.4 * TelluricModel.extinctionCoefficient(at: wavelength) * (airmass - Self.referenceAirmass))
        let bands = includeTelluric ? telluric.transmission(at: wavelength, airmass: airmass) : 1
        return wavelength / PhysicalConstants.hcErgAngstrom * telescope.collectingArea * arm.dispersion
            * arm.throughput.value(at: wavelength) * extinction * bands
    }

    /// Expected electrons and variance in the spectral pixel at `wavelength` of `arm` for a point source of flux
    /// density `flambda` (erg/s/cm²/Å, above the atmosphere) in `exposureTime` seconds, with the sky of `moon`
    /// through one fibre (sky emission arises in the atmosphere, so only the instrument part of the efficiency acts
    /// on it: the throughput divided by the continuum transmission at the reference airmass), dark current and read
    /// noise over `extractionPixels` pixels: variance = S + sky + dark + npix·RON².
    public func expectedSignal(
        flambda: Double, wavelength: Double, arm: ArmModel, exposureTime: Double, moon: MoonCondition,
        airmass: Double = InstrumentModel.referenceAirmass, extractionPixels: Int = InstrumentModel.extractionPixels,
        includeTelluric: Bool = true
    ) -> PixelSignal {
        let perFlux = electronsPerFlux(arm: arm, wavelength: wavelength, airmass: airmass, includeTelluric: includeTelluric)
        let source = flambda * perFlux * exposureTime
        let instrumentOnly = wavelength / PhysicalConstants.hcErgAngstrom * telescope.collectingArea * arm.dispersion
            * arm.throughput.value(at: wavelength)
            / TelluricModel.continuumTransmission(at: wavelength, airmass: Self.referenceAirmass)
        let skyFlux = sky.surfaceBrightness(at: wavelength, moon: moon, lsfFWHM: arm.lsfFWHM(at: wavelength)) * telescope.fibreArea
        let n = Double(extractionPixels)
        return PixelSignal(
            source: source, sky: skyFlux * instrumentOnly * exposureTime,
            dark: arm.darkCurrentPerSecond * exposureTime * n, readNoiseVariance: n * arm.readNoise * arm.readNoise)
    }
}
