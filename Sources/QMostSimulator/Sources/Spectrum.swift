import Foundation

/// The medium a wavelength axis is measured in.
///
/// 4MOST L1 spectra carry `TUCD1 = 'em.wl;obs.atmos'` on their WAVE column (datamodel §1.2), the ESO
/// Science Data Products Standard's UCD for wavelengths in (standard) air, so the simulator hands out
/// observed spectra in air. Physics is done in vacuum: line lists are converted to vacuum, redshifts and
/// Doppler shifts multiply vacuum wavelengths, and only the finished observed spectrum is relabelled.
public enum WavelengthMedium: String, Sendable, Equatable, CaseIterable {
    case vacuum
    case air

    /// The air wavelength (Å) of a vacuum wavelength, by the IAU standard formula of Morton (2000, ApJS 130,
    /// 403, eq. 3, from Ciddor 1996) for dry air at 15 °C and 101 325 Pa; wavelengths below 2000 Å have no air
    /// value by convention and are returned unchanged.
    public static func airWavelength(vacuum lambda: Double) -> Double {
        guard lambda >= 2000 else { return lambda }
        let s2 = pow(1e4 / lambda, 2)
        let n = 1 + 0.0000834254 + 0.02406147 / (130 - s2) + 0.00015998 / (38.9 - s2)
        return lambda / n
    }

    /// The vacuum wavelength (Å) of an air wavelength: the inverse of ``airWavelength(vacuum:)`` by the
    /// formula of N. Piskunov used by VALD (agrees with Morton 2000 to better than 1e-8 relative), refined by
    /// two Newton steps against Morton's formula so the round trip is exact to 1e-9 Å.
    public static func vacuumWavelength(air lambda: Double) -> Double {
        guard lambda >= 2000 else { return lambda }
        let s2 = pow(1e4 / lambda, 2)
        let n = 1 + 0.00008336624212083 + 0.02408926869968 / (130.1065924522 - s2) + 0.0001599740894897 / (38.92568793293 - s2)
        var vacuum = lambda * n
        for _ in 0..<2 {
            let h = 1e-3
            let f = airWavelength(vacuum: vacuum) - lambda
            let slope = (airWavelength(vacuum: vacuum + h) - airWavelength(vacuum: vacuum - h)) / (2 * h)
            vacuum -= f / slope
        }
        return vacuum
    }
}

/// Errors of spectrum arithmetic and photometry.
public enum SpectrumError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Wavelength and flux arrays differ in length.
    case lengthMismatch(wavelengths: Int, values: Int)
    /// Wavelengths must be finite and strictly increasing.
    case wavelengthsNotIncreasing(index: Int)
    /// Fewer than two samples: no interval to integrate or interpolate over.
    case tooFewSamples(Int)
    /// The spectrum does not cover the part of a bandpass where it transmits.
    case bandNotCovered(band: String, bandRange: ClosedRange<Double>, spectrumRange: ClosedRange<Double>)
    /// The spectrum has no positive flux through the band, so it has no magnitude and cannot be scaled to one.
    case noFluxInBand(band: String)
    /// Two spectra on different wavelength media were combined.
    case mediumMismatch(WavelengthMedium, WavelengthMedium)

    public var description: String {
        switch self {
        case let .lengthMismatch(w, v): "\(w) wavelengths but \(v) values"
        case let .wavelengthsNotIncreasing(i): "wavelengths are not finite and strictly increasing at index \(i)"
        case let .tooFewSamples(n): "\(n) samples; at least 2 are needed"
        case let .bandNotCovered(band, b, s):
            "the spectrum (\(s.lowerBound)–\(s.upperBound) Å) does not cover band \(band) (\(b.lowerBound)–\(b.upperBound) Å)"
        case let .noFluxInBand(band): "the spectrum has no positive flux in band \(band)"
        case let .mediumMismatch(a, b): "cannot combine wavelengths in \(a.rawValue) with wavelengths in \(b.rawValue)"
        }
    }
}

/// A sampled spectral energy distribution: wavelengths in Å and flux density F_λ in erg s⁻¹ cm⁻² Å⁻¹.
///
/// The samples are point values of a piecewise-linear F_λ(λ); outside the sampled range the flux is zero.
/// Every operation returns a new value.
public struct Spectrum: Sendable, Equatable {
    /// Strictly increasing wavelengths in Å.
    public private(set) var wavelengths: [Double]
    /// Flux density F_λ at each wavelength in erg s⁻¹ cm⁻² Å⁻¹.
    public private(set) var flux: [Double]
    /// The medium ``wavelengths`` are measured in.
    public private(set) var medium: WavelengthMedium

    /// A spectrum from matching arrays; throws unless the wavelengths are finite and strictly increasing.
    public init(wavelengths: [Double], flux: [Double], medium: WavelengthMedium = .vacuum) throws(SpectrumError) {
        guard wavelengths.count == flux.count else {
            throw .lengthMismatch(wavelengths: wavelengths.count, values: flux.count)
        }
        guard wavelengths.count >= 2 else { throw .tooFewSamples(wavelengths.count) }
        for i in wavelengths.indices where !wavelengths[i].isFinite || (i > 0 && !(wavelengths[i] > wavelengths[i - 1])) {
            throw .wavelengthsNotIncreasing(index: i)
        }
        self.wavelengths = wavelengths
        self.flux = flux
        self.medium = medium
    }

    /// A spectrum from a model function F_λ(λ) evaluated on `wavelengths` (which must be strictly increasing).
    public init(wavelengths: [Double], medium: WavelengthMedium = .vacuum, model: (Double) -> Double) throws(SpectrumError) {
        try self.init(wavelengths: wavelengths, flux: wavelengths.map(model), medium: medium)
    }

    /// Zero flux on a grid (a sky fibre's source).
    public static func zero(on wavelengths: [Double], medium: WavelengthMedium = .vacuum) throws(SpectrumError) -> Spectrum {
        try Spectrum(wavelengths: wavelengths, flux: Array(repeating: 0, count: wavelengths.count), medium: medium)
    }

    /// Trusted construction for arrays this module has already checked.
    init(unchecked wavelengths: [Double], flux: [Double], medium: WavelengthMedium) {
        self.wavelengths = wavelengths
        self.flux = flux
        self.medium = medium
    }

    /// The sampled range in Å.
    public var range: ClosedRange<Double> { wavelengths[0]...wavelengths[wavelengths.count - 1] }

    /// F_λ at `lambda` by linear interpolation; zero outside the sampled range.
    public func flux(at lambda: Double) -> Double {
        SampledCurve.interpolate(wavelengths, flux, at: lambda)
    }

    /// ∫ F_λ dλ over the sampled range (trapezoids), in erg s⁻¹ cm⁻²; restricted to `limits` when given.
    public func integratedFlux(over limits: ClosedRange<Double>? = nil) -> Double {
        guard let limits else { return SampledCurve.trapezoid(wavelengths, flux) }
        let lo = max(limits.lowerBound, wavelengths[0]), hi = min(limits.upperBound, wavelengths[wavelengths.count - 1])
        guard hi > lo else { return 0 }
        let cumulative = SampledCurve.cumulative(wavelengths, flux)
        return SampledCurve.cumulativeValue(wavelengths, flux, cumulative, at: hi)
            - SampledCurve.cumulativeValue(wavelengths, flux, cumulative, at: lo)
    }

    /// The spectrum rebinned onto `grid` conserving flux: each output sample is the mean F_λ over its pixel,
    /// whose edges lie halfway between neighbouring grid points (the outer edges mirror the inner ones), so
    /// ∫F_λ dλ over any span of whole output pixels equals the input's integral over that span. Pixels
    /// outside the input range see zero flux; `grid` is taken in the spectrum's own medium.
    public func resampled(onto grid: [Double]) throws(SpectrumError) -> Spectrum {
        guard grid.count >= 2 else { throw .tooFewSamples(grid.count) }
        for i in 1..<grid.count where !(grid[i] > grid[i - 1]) || !grid[i].isFinite { throw .wavelengthsNotIncreasing(index: i) }
        var edges = [Double](repeating: 0, count: grid.count + 1)
        for i in 1..<grid.count { edges[i] = 0.5 * (grid[i - 1] + grid[i]) }
        edges[0] = grid[0] - (edges[1] - grid[0])
        edges[grid.count] = grid[grid.count - 1] + (grid[grid.count - 1] - edges[grid.count - 1])
        let cumulative = SampledCurve.cumulative(wavelengths, flux)
        let atEdges = edges.map { SampledCurve.cumulativeValue(wavelengths, flux, cumulative, at: $0) }
        var out = [Double](repeating: 0, count: grid.count)
        for i in 0..<grid.count { out[i] = (atEdges[i + 1] - atEdges[i]) / (edges[i + 1] - edges[i]) }
        return Spectrum(unchecked: grid, flux: out, medium: medium)
    }

    /// The spectrum of this source seen at redshift `z`: every wavelength stretched by (1 + z) and F_λ divided
    /// by (1 + z), so ∫F_λ dλ is unchanged. (Surface-brightness dimming and luminosity distance belong to the
    /// magnitude normalisation, not here: use this on rest-frame shapes, then normalise.)
    public func redshifted(by z: Double) -> Spectrum {
        let stretch = 1 + z
        return Spectrum(unchecked: wavelengths.map { $0 * stretch }, flux: flux.map { $0 / stretch }, medium: medium)
    }

    /// The relativistic Doppler factor 1 + z = √((1 + β)/(1 − β)) for a line-of-sight velocity in km/s
    /// (positive away from the observer).
    public static func dopplerFactor(velocity kms: Double) -> Double {
        let beta = kms / speedOfLightKms
        return ((1 + beta) / (1 - beta)).squareRoot()
    }

    /// The spectrum shifted by a radial velocity in km/s (positive = receding), by the relativistic Doppler
    /// formula, with the same F_λ scaling as ``redshifted(by:)``.
    public func dopplerShifted(velocity kms: Double) -> Spectrum {
        redshifted(by: Self.dopplerFactor(velocity: kms) - 1)
    }

    /// The spectrum multiplied by a curve (transmission, efficiency, extinction) given at its own
    /// wavelengths, interpolated linearly and taken as `outside` beyond its range.
    public func multiplied(by curveWavelengths: [Double], _ curveValues: [Double], outside: Double = 0) -> Spectrum {
        let lo = curveWavelengths.first ?? 0, hi = curveWavelengths.last ?? 0
        var out = flux
        for i in out.indices {
            let lambda = wavelengths[i]
            out[i] *= (lambda < lo || lambda > hi) ? outside : SampledCurve.interpolate(curveWavelengths, curveValues, at: lambda)
        }
        return Spectrum(unchecked: wavelengths, flux: out, medium: medium)
    }

    /// The spectrum multiplied by a function of wavelength.
    public func multiplied(by curve: (Double) -> Double) -> Spectrum {
        Spectrum(unchecked: wavelengths, flux: zip(wavelengths, flux).map { $1 * curve($0) }, medium: medium)
    }

    /// The spectrum times a constant.
    public func scaled(by factor: Double) -> Spectrum {
        Spectrum(unchecked: wavelengths, flux: flux.map { $0 * factor }, medium: medium)
    }

    /// The sum of two spectra on this spectrum's grid (the other is interpolated; zero outside its range).
    public func adding(_ other: Spectrum) throws(SpectrumError) -> Spectrum {
        guard other.medium == medium else { throw .mediumMismatch(medium, other.medium) }
        return Spectrum(unchecked: wavelengths, flux: zip(wavelengths, flux).map { $1 + other.flux(at: $0) }, medium: medium)
    }

    /// The same spectrum with its wavelength axis expressed in `target`: wavelengths converted by
    /// ``WavelengthMedium`` and F_λ scaled by dλ_old/dλ_new so that ∫F_λ dλ is unchanged.
    public func converted(to target: WavelengthMedium) -> Spectrum {
        guard target != medium else { return self }
        let convert: (Double) -> Double = target == .air
            ? { WavelengthMedium.airWavelength(vacuum: $0) } : { WavelengthMedium.vacuumWavelength(air: $0) }
        let newWavelengths = wavelengths.map(convert)
        var newFlux = flux
        for i in wavelengths.indices {
            let h = max(1e-3, wavelengths[i] * 1e-7)
            let jacobian = (convert(wavelengths[i] + h) - convert(wavelengths[i] - h)) / (2 * h)  // dλ_new/dλ_old
            newFlux[i] /= jacobian
        }
        return Spectrum(unchecked: newWavelengths, flux: newFlux, medium: target)
    }
}

/// The speed of light in km/s.
public let speedOfLightKms = 299_792.458
/// The speed of light in Å/s, for F_ν ↔ F_λ conversions.
public let speedOfLightAngstromPerSecond = 2.99792458e18

/// Piecewise-linear curve helpers shared by spectra and bandpasses.
enum SampledCurve {
    /// Linear interpolation of (x, y) at `t`; zero outside [x₀, xₙ].
    static func interpolate(_ x: [Double], _ y: [Double], at t: Double) -> Double {
        let n = x.count
        guard n > 0, t >= x[0], t <= x[n - 1] else { return 0 }
        if n == 1 { return y[0] }
        let i = min(max(upperIndex(x, t), 1), n - 1)
        let f = (t - x[i - 1]) / (x[i] - x[i - 1])
        return y[i - 1] + f * (y[i] - y[i - 1])
    }

    /// The first index whose x exceeds `t` (binary search), clamped to the array.
    static func upperIndex(_ x: [Double], _ t: Double) -> Int {
        var lo = 0, hi = x.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if x[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// ∫ y dx by trapezoids.
    static func trapezoid(_ x: [Double], _ y: [Double]) -> Double {
        var sum = 0.0
        for i in 1..<x.count { sum += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]) }
        return sum
    }

    /// The running integral ∫_{x₀}^{xᵢ} y dx at each sample.
    static func cumulative(_ x: [Double], _ y: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: x.count)
        for i in 1..<x.count { c[i] = c[i - 1] + 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]) }
        return c
    }

    /// The exact running integral of the piecewise-linear y at any `t` (constant beyond the ends).
    static func cumulativeValue(_ x: [Double], _ y: [Double], _ c: [Double], at t: Double) -> Double {
        let n = x.count
        if t <= x[0] { return 0 }
        if t >= x[n - 1] { return c[n - 1] }
        let i = min(max(upperIndex(x, t), 1), n - 1)
        let dx = t - x[i - 1]
        let slope = (y[i] - y[i - 1]) / (x[i] - x[i - 1])
        return c[i - 1] + dx * (y[i - 1] + 0.5 * slope * dx)
    }
}
