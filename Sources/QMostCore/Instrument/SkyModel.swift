import Foundation

/// The four moon conditions the 4MOST ETC and rulesets know (datamodel §6.1).
public enum MoonCondition: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case dark, grey, bright, superbright

    /// Zenith V sky brightness in AB mag/arcsec². Dark: 21.77 (legacy 4FS ETC, datamodel §6.2). The others are
    /// ASSUMPTIONS from the Krisciunas & Schaefer (1991, PASP 103, 1033) moonlight model at ~60° from the moon for
    /// illuminated fractions ≈0.5 (grey), ≈0.8 (bright) and ≈1 near the moon (superbright).
    public var zenithVMagnitude: Double {
        switch self {
        case .dark: 21.77
        case .grey: 20.5
        case .bright: 19.5
        case .superbright: 18.5
        }
    }

    public var description: String { rawValue }
}

/// Night-sky surface brightness at zenith: a continuum plus airglow emission lines, in erg/s/cm²/Å/arcsec²
/// (lines integrated: erg/s/cm²/arcsec²). Wavelengths in air.
///
/// Continuum: the dark sky as a gentle red-rising power law F_λ ∝ λ (dark-sky colours at Paranal, Patat 2003,
/// A&A 400, 1183: B−V ≈ 0.9 and redder in R, I), normalised with the lines so that a 880-Å top-hat V band
/// centred on 5510 Å (Bessell 1990) gives the condition's zenith V; moonlight adds scattered sunlight, a 5778 K
/// blackbody times (λ/5500 Å)^−2.5 (a mix of Rayleigh λ⁻⁴ and aerosol ≈λ^−1.3 scattering; approximation), which
/// makes moonlit skies brighter and bluer. Measured sky curves (per condition, same units, already at the
/// arm's resolution) replace the analytic model when supplied.
public struct SkyModel: Sendable, Equatable {
    /// Emission lines included in the analytic model.
    public var lines: [SkyLine]
    /// Measured sky per condition (erg/s/cm²/Å/arcsec², at the instrument's resolution), replacing the analytic model.
    public var measured: [MoonCondition: TabulatedCurve]

    /// The analytic model with [OI], Na D and OH lines; `lightPollution` adds the Hg lines.
    public init(lightPollution: Bool = false, measured: [MoonCondition: TabulatedCurve] = [:]) {
        self.lines = SkyLines.atomic + SkyLines.hydroxyl + (lightPollution ? SkyLines.lightPollution : [])
        self.measured = measured
    }

    /// The default analytic model.
    public static let `default` = SkyModel()

    /// V band as a top-hat: centre 5510 Å, width 880 Å (Bessell 1990, PASP 102, 1181).
    static let vCentre = 5510.0
    static let vWidth = 880.0

    /// Line flux in erg/s/cm²/arcsec² of an intensity in rayleigh at `wavelength` (Å):
    /// 1 R = 10⁶/4π photons/s/cm²/sr (Hunten et al. 1956), 1 sr = 4.2545e10 arcsec².
    public static func lineFlux(rayleigh: Double, at wavelength: Double) -> Double {
        let photons = rayleigh * 1e6 / (4 * Double.pi) / 4.254_517_029_5e10
        return photons * PhysicalConstants.hcErgAngstrom / wavelength
    }

    /// Planck shape B_λ(5778 K) normalised to 1 at 5500 Å (solar spectrum approximation).
    static func solarShape(_ wavelength: Double) -> Double {
        let c2 = 1.438_776_877e8  // hc/k in Å·K
        let t = 5778.0
        func planck(_ l: Double) -> Double { 1 / (pow(l, 5) * (exp(c2 / (l * t)) - 1)) }
        return planck(wavelength) / planck(5500)
    }

    /// Dark-continuum shape, 1 at 5500 Å.
    static func darkShape(_ wavelength: Double) -> Double { wavelength / 5500 }

    /// Moonlight shape, 1 at 5500 Å.
    static func moonShape(_ wavelength: Double) -> Double { solarShape(wavelength) * pow(wavelength / 5500, -2.5) }

    /// Mean line contribution over the V top-hat, erg/s/cm²/Å/arcsec².
    var linesInV: Double {
        let lo = Self.vCentre - Self.vWidth / 2, hi = Self.vCentre + Self.vWidth / 2
        return lines.filter { $0.wavelength >= lo && $0.wavelength <= hi }
            .reduce(0) { $0 + Self.lineFlux(rayleigh: $1.rayleigh, at: $1.wavelength) } / Self.vWidth
    }

    /// Mean over the V top-hat of a shape function (numerical, 1-Å steps).
    static func meanInV(_ shape: (Double) -> Double) -> Double {
        let lo = vCentre - vWidth / 2
        var sum = 0.0
        for i in 0..<Int(vWidth) { sum += shape(lo + Double(i) + 0.5) }
        return sum / vWidth
    }

    /// Continuum surface brightness (erg/s/cm²/Å/arcsec²) at `wavelength` (Å) under `moon`.
    public func continuum(at wavelength: Double, moon: MoonCondition) -> Double {
        let vDark = PhysicalConstants.flambda(abMagnitude: MoonCondition.dark.zenithVMagnitude, at: Self.vCentre)
        let darkLevel = max(vDark - linesInV, 0.1 * vDark) / Self.meanInV(Self.darkShape)
        var value = darkLevel * Self.darkShape(wavelength)
        if moon != .dark {
            let vTotal = PhysicalConstants.flambda(abMagnitude: moon.zenithVMagnitude, at: Self.vCentre)
            let moonLevel = (vTotal - vDark) / Self.meanInV(Self.moonShape)
            value += moonLevel * Self.moonShape(wavelength)
        }
        return value
    }

    /// Sky surface brightness (erg/s/cm²/Å/arcsec²) at `wavelength` (Å) under `moon`, with the lines broadened to
    /// a Gaussian of `lsfFWHM` Å (the instrument's line-spread function); a measured curve, if any, is returned as is.
    public func surfaceBrightness(at wavelength: Double, moon: MoonCondition, lsfFWHM: Double) -> Double {
        if let curve = measured[moon] { return curve.value(at: wavelength) }
        let sigma = lsfFWHM / 2.354_820_045
        var value = continuum(at: wavelength, moon: moon)
        for line in lines {
            let dx = wavelength - line.wavelength
            guard abs(dx) < 8 * sigma else { continue }
            value += Self.lineFlux(rayleigh: line.rayleigh, at: line.wavelength)
                * exp(-0.5 * dx * dx / (sigma * sigma)) / (sigma * (2 * Double.pi).squareRoot())
        }
        return value
    }

    /// Emission lines within `range` (Å).
    public func lines(in range: ClosedRange<Double>) -> [SkyLine] { lines.filter { range.contains($0.wavelength) } }
}
