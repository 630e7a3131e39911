import Foundation

/// What a fibre looks at; the raw value is the class written to truth tables.
public enum SourceKind: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// Star-forming galaxy with nebular emission lines.
    case emissionLineGalaxy = "ELG"
    /// Passive (absorption-line, early-type) galaxy.
    case passiveGalaxy = "PASSIVE_GALAXY"
    /// Type-1 quasar.
    case qso = "QSO"
    /// F, G or K star.
    case fgkStar = "STAR_FGK"
    /// M dwarf.
    case mDwarf = "STAR_M"
    /// DA white dwarf.
    case whiteDwarf = "WD_DA"
    /// O, B or A star.
    case obaStar = "STAR_OBA"
    /// Sky fibre: no source.
    case sky = "SKY"
    /// Spectrophotometric standard: a hot DA white dwarf of known magnitude.
    case whiteDwarfStandard = "STD_WD"
    /// Spectrophotometric standard: an F-type star of known magnitude (the SDSS/DESI F-star calibrators).
    case fStarStandard = "STD_F"

    /// Whether the source is placed by a redshift (galaxies, quasars) rather than a radial velocity.
    public var isExtragalactic: Bool { self == .emissionLineGalaxy || self == .passiveGalaxy || self == .qso }

    /// Whether the source is a flux calibrator.
    public var isFluxStandard: Bool { self == .whiteDwarfStandard || self == .fStarStandard }

    /// The default effective temperature of a stellar kind (nil for the others).
    public var defaultTemperature: Double? {
        switch self {
        case .fgkStar: 5800
        case .mDwarf: 3300
        case .whiteDwarf: 15000
        case .obaStar: 15000
        case .whiteDwarfStandard: 30000
        case .fStarStandard: 6200
        case .emissionLineGalaxy, .passiveGalaxy, .qso, .sky: nil
        }
    }
}

/// Model parameters for every kind; each kind reads its own group and ignores the rest.
public struct SourceParameters: Sendable, Equatable {
    public var emissionLineGalaxy = EmissionLineGalaxyParameters()
    public var passiveGalaxy = PassiveGalaxyParameters()
    public var quasar = QuasarParameters()
    public var star = StellarParameters()

    public init() {}
}

/// One source to simulate: the truth a fibre carries.
public struct SourceSpec: Sendable, Equatable {
    public var kind: SourceKind
    /// Cosmological redshift (galaxies, quasars; stars 0).
    public var redshift: Double
    /// Heliocentric radial velocity in km/s (stars; applied on top of `redshift` for any kind).
    public var radialVelocity: Double
    /// AB magnitude through ``band`` (ignored for sky fibres).
    public var magnitude: Double
    /// The band ``magnitude`` refers to.
    public var band: Bandpass
    public var parameters: SourceParameters
    /// Seed of the random parts (the Lyman forest).
    public var seed: UInt64
    /// A rest-frame template (vacuum wavelengths) replacing the analytic model, e.g. from ``TemplateFile``.
    public var template: Spectrum?

    public init(
        kind: SourceKind, redshift: Double = 0, radialVelocity: Double = 0, magnitude: Double, band: Bandpass = .sdssR,
        parameters: SourceParameters = SourceParameters(), seed: UInt64 = 0, template: Spectrum? = nil
    ) {
        self.kind = kind
        self.redshift = redshift
        self.radialVelocity = radialVelocity
        self.magnitude = magnitude
        self.band = band
        self.parameters = parameters
        self.seed = seed
        self.template = template
    }

    /// 1 + z of the observed spectrum: cosmological redshift compounded with the Doppler factor of the
    /// radial velocity.
    public var stretch: Double { (1 + redshift) * Spectrum.dopplerFactor(velocity: radialVelocity) }

    /// The rest-frame model F_λ (arbitrary scale) at rest vacuum wavelengths (sorted, Å), before any
    /// intergalactic absorption.
    public func restFrameFlux(_ lambda: [Double]) -> [Double] {
        if let template { return lambda.map { template.flux(at: $0) } }
        let star = parameters.star
        let teff = star.effectiveTemperature ?? kind.defaultTemperature ?? 5800
        switch kind {
        case .emissionLineGalaxy: return GalaxyModels.emissionLine(lambda, parameters.emissionLineGalaxy)
        case .passiveGalaxy: return GalaxyModels.passive(lambda, parameters.passiveGalaxy)
        case .qso: return QuasarModel.restFrame(lambda, parameters.quasar)
        case .fgkStar, .fStarStandard: return StellarModels.fgk(lambda, teff: teff, metallicity: star.metallicity, vsini: star.vsini ?? 5)
        case .mDwarf: return StellarModels.mDwarf(lambda, teff: teff, metallicity: star.metallicity, vsini: star.vsini ?? 5, hAlphaEmission: star.hAlphaEmission)
        case .whiteDwarf, .whiteDwarfStandard: return StellarModels.whiteDwarf(lambda, teff: teff)
        case .obaStar: return StellarModels.oba(lambda, teff: teff, vsini: star.vsini ?? 120)
        case .sky: return [Double](repeating: 0, count: lambda.count)
        }
    }

    /// Velocity step (km/s) of the internal model grid: fine enough for 15 km/s forest lines and 50 km/s
    /// nebular lines.
    public static let modelVelocityStep = 4.0

    /// The observed spectrum on `grid` (Å, in `medium`; default air, the 4MOST L1 convention), normalised to
    /// ``magnitude`` through ``band``.
    ///
    /// The model is evaluated on an internal log-uniform grid (``modelVelocityStep``) spanning both `grid`
    /// and the band: each observed wavelength is converted to vacuum, divided by ``stretch`` to the rest
    /// frame, F_λ divided by the stretch (flux conservation), the Lyman forest applied for quasars, F_λ
    /// rescaled by dλ_vac/dλ_obs when the output is in air, normalised through the band, and finally
    /// rebinned onto `grid` conserving flux. A sky fibre is zero everywhere.
    public func spectrum(on grid: [Double], medium: WavelengthMedium = .air) throws(SpectrumError) -> Spectrum {
        guard grid.count >= 2 else { throw .tooFewSamples(grid.count) }
        if kind == .sky { return try Spectrum.zero(on: grid, medium: medium) }
        let fine = try modelSpectrum(covering: grid[0]...grid[grid.count - 1], medium: medium)
        return try fine.resampled(onto: grid)
    }

    /// The normalised observed model on its internal fine grid covering `range` and the band, in `medium`.
    public func modelSpectrum(covering range: ClosedRange<Double>, medium: WavelengthMedium = .air) throws(SpectrumError) -> Spectrum {
        let band = band.transmittingRange
        let lo = min(range.lowerBound, band.lowerBound) * (1 - 5e-4), hi = max(range.upperBound, band.upperBound) * (1 + 5e-4)
        let step = log1p(Self.modelVelocityStep / speedOfLightKms)
        let count = Int((log(hi / lo) / step).rounded(.up)) + 1
        let observed = (0..<count).map { lo * exp(Double($0) * step) }
        let vacuum = medium == .air ? observed.map { WavelengthMedium.vacuumWavelength(air: $0) } : observed
        let s = stretch
        if let template {
            // The template must cover the band in the rest frame, or the magnitude would be meaningless.
            let needed = (band.lowerBound / s)...(band.upperBound / s)
            guard template.range.lowerBound <= needed.lowerBound, template.range.upperBound >= needed.upperBound else {
                throw .bandNotCovered(band: self.band.name, bandRange: band, spectrumRange: (template.range.lowerBound * s)...(template.range.upperBound * s))
            }
        }
        var flux = restFrameFlux(vacuum.map { $0 / s }).map { $0 / s }
        if kind == .qso, template == nil, parameters.quasar.lymanForest {  // templates carry their own absorption
            let t = QuasarModel.forestTransmission(observed: vacuum, redshift: s - 1, seed: seed)
            for i in flux.indices { flux[i] *= t[i] }
        }
        if medium == .air {
            for i in flux.indices {
                let a = max(i - 1, 0), b = min(i + 1, count - 1)
                flux[i] *= (vacuum[b] - vacuum[a]) / (observed[b] - observed[a])
            }
        }
        let spectrum = try Spectrum(wavelengths: observed, flux: flux, medium: medium)
        if kind == .sky { return spectrum }
        return try self.band.normalise(spectrum, toABMagnitude: magnitude)
    }
}
