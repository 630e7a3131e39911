import Foundation
import QMostCore

/// The light sources of one arm of one spectrograph, tabulated once on the arm's spectral grid: sky per moon
/// condition, the calibration lamps, and the responses that turn fluxes into detector electrons.
///
/// Lamp levels are set per arm so that the brightest feature of a reference fibre peaks at a chosen fraction of
/// the detector's range, as calibration templates choose exposure levels; the relative line strengths and
/// spectral shapes are those of the sources.
public struct ArmLighting: Sendable {
    public let optics: ArmOptics
    public let instrument: InstrumentModel
    /// The uniform spectral grid of the arm's shared curves.
    public let grid: UniformCurve
    /// e-/s/Å per (erg/s/cm²/Å) for light that does not cross the atmosphere.
    public let instrumentResponse: UniformCurve

    /// Peak photo-electrons in the brightest pixel: fibre flats, twilight flats, arcs, Fabry–Pérot, and the
    /// simultaneous calibration light in science frames. ASSUMPTION (typical calibration levels).
    public static let fibreFlatPeak = 30_000.0
    public static let twilightPeak = 15_000.0
    public static let arcPeak = 45_000.0
    public static let fabryPerotPeak = 25_000.0
    public static let simultaneousPeak = 4_000.0
    /// Colour temperature of the quartz-halogen flat-field lamp (K).
    public static let halogenTemperature = 3200.0

    public init(optics: ArmOptics, instrument: InstrumentModel) {
        self.optics = optics
        self.instrument = instrument
        self.grid = optics.spectralGrid()
        self.instrumentResponse = optics.instrumentResponse(instrument: instrument, on: grid)
    }

    /// Sky light through one fibre under `moon`: the analytic continuum plus emission lines, or a measured sky
    /// (already at the instrument's resolution, so not blurred again).
    public func sky(_ moon: MoonCondition) -> FibreLight {
        let area = instrument.telescope.fibreArea
        if let measured = instrument.sky.measured[moon] {
            let curve = UniformCurve(start: grid.start, step: grid.step, count: grid.values.count) { measured.value(at: $0) * area }
            return FibreLight(resolved: [curve.multiplied(by: instrumentResponse)])
        }
        let continuum = UniformCurve(start: grid.start, step: grid.step, count: grid.values.count) {
            instrument.sky.continuum(at: $0, moon: moon) * area
        }.multiplied(by: instrumentResponse)
        let range = (grid.start)...(grid.end)
        let lines = instrument.sky.lines(in: range).map { line in
            DetectorLine(wavelength: line.wavelength,
                         rate: SkyModel.lineFlux(rayleigh: line.rayleigh, at: line.wavelength) * area * instrumentResponse.value(at: line.wavelength))
        }
        return FibreLight(continua: [continuum], lines: lines)
    }

    /// A source above the atmosphere at `airmass`, from its normalised observed model (air wavelengths).
    public func source(_ model: Spectrum, airmass: Double) -> FibreLight {
        FibreLight(continua: [model.uniform(like: grid).multiplied(by: sourceResponse(airmass: airmass))])
    }

    /// e-/s/Å per (erg/s/cm²/Å) above the atmosphere at `airmass`.
    public func sourceResponse(airmass: Double) -> UniformCurve {
        optics.sourceResponse(instrument: instrument, airmass: airmass, on: grid)
    }

    /// The quartz-halogen continuum lamp, scaled to ``fibreFlatPeak`` in `exposureTime`.
    public func fibreFlatLamp(exposureTime: Double) -> FibreLight {
        let shape = UniformCurve(start: grid.start, step: grid.step, count: grid.values.count) {
            Continuum.planck($0, temperature: Self.halogenTemperature) / Continuum.planck(6000, temperature: Self.halogenTemperature)
        }.multiplied(by: instrumentResponse)
        return normalised(FibreLight(continua: [shape], fromScreen: true), peak: Self.fibreFlatPeak, exposureTime: exposureTime)
    }

    /// The ThAr lamp's lines, the brightest in the arm scaled to `peak` in `exposureTime`.
    public func arcLamp(exposureTime: Double, peak: Double = ArmLighting.arcPeak) -> FibreLight {
        let lines = instrument.arcLamp.lines(in: grid.start...grid.end).map {
            DetectorLine(wavelength: $0.wavelength, rate: $0.intensity * instrumentResponse.value(at: $0.wavelength))
        }
        return normalised(FibreLight(lines: lines, fromScreen: true), peak: peak, exposureTime: exposureTime)
    }

    /// The Fabry–Pérot etalon lit by the continuum lamp: one line per transmission peak carrying the lamp light
    /// of one free spectral range times the Airy function's mean transmission 1/√(1+C), C = (2F/π)² (Born & Wolf
    /// §7.6), with its intrinsic width FSR/F; scaled to `peak` in `exposureTime`.
    public func fabryPerot(exposureTime: Double, peak: Double = ArmLighting.fabryPerotPeak) -> FibreLight {
        let etalon = instrument.etalon(optics.arm.mode)
        let meanTransmission = 1 / (1 + pow(2 * etalon.finesse / Double.pi, 2)).squareRoot()
        let lines = etalon.peaks(in: grid.start...grid.end).map { p -> DetectorLine in
            let l = p.wavelength
            let lamp = Continuum.planck(l, temperature: Self.halogenTemperature) / Continuum.planck(6000, temperature: Self.halogenTemperature)
            return DetectorLine(wavelength: l, rate: lamp * etalon.freeSpectralRange(at: l) * meanTransmission * instrumentResponse.value(at: l),
                                sigma: etalon.peakFWHM(at: l) / 2.354_820_045)
        }
        return normalised(FibreLight(lines: lines, fromScreen: true), peak: peak, exposureTime: exposureTime)
    }

    /// Twilight: scattered sunlight (a solar-type spectrum with its absorption lines) through the atmosphere at
    /// the zenith, scaled to ``twilightPeak`` in `exposureTime`.
    public func twilight(exposureTime: Double) throws(SpectrumError) -> FibreLight {
        var parameters = SourceParameters()
        parameters.star = StellarParameters(effectiveTemperature: 5778, metallicity: 0, vsini: 2)
        let sun = SourceSpec(kind: .fgkStar, magnitude: 10, parameters: parameters)
        let model = try sun.modelSpectrum(covering: grid.start...grid.end)
        return normalised(source(model, airmass: 1.0), peak: Self.twilightPeak, exposureTime: exposureTime)
    }

    /// `light` scaled so that the slit-centre science fibre's brightest pixel receives `peak` electrons in
    /// `exposureTime` (before its own transmission factors).
    func normalised(_ light: FibreLight, peak: Double, exposureTime: Double) -> FibreLight {
        let fibres = optics.layout.scienceFibres
        guard !fibres.isEmpty, exposureTime > 0 else { return light }
        let reference = fibres[fibres.count / 2].slitPosition
        guard let spectrum = optics.columnSpectrum(slitPosition: reference, light: light, exposureTime: exposureTime,
                                                   transmissionApplied: false),
              let top = spectrum.max(), top > 0 else { return light }
        let sigma = optics.profile.coreSigma(t: 0, u: 0)
        let peakFraction = optics.profile.fraction(rows: 0, 1, centre: 0, sigma: sigma)
        let factor = peak / (top * peakFraction)
        var scaled = light
        scaled.continua = light.continua.map { $0.scaled(by: factor) }
        scaled.resolved = light.resolved.map { $0.scaled(by: factor) }
        scaled.lines = light.lines.map { DetectorLine(wavelength: $0.wavelength, rate: $0.rate * factor, sigma: $0.sigma) }
        return scaled
    }
}
