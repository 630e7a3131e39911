import Foundation

/// Errors reading a filter curve.
public enum BandpassError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// A data line is not two numbers.
    case malformedLine(path: String, line: Int, text: String)
    /// The curve is not a valid transmission curve.
    case invalidCurve(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "\(path): cannot read the filter curve (\(reason))"
        case let .malformedLine(path, line, text): "\(path):\(line): expected 'wavelength transmission', found '\(text)'"
        case let .invalidCurve(path, reason): "\(path): \(reason)"
        }
    }
}

/// A filter transmission curve T(λ) (wavelengths in Å, dimensionless throughput per photon), and AB
/// photometry through it.
public struct Bandpass: Sendable, Equatable {
    /// A short name (``sdssR``, a file's base name…), used in errors and truth tables.
    public var name: String
    /// Strictly increasing wavelengths in Å.
    public private(set) var wavelengths: [Double]
    /// Transmission at each wavelength, clipped to ≥ 0.
    public private(set) var transmission: [Double]

    /// AB zero point: 3631 Jy in erg s⁻¹ cm⁻² Hz⁻¹ (Oke & Gunn 1983).
    public static let abZeroPointFnu = 3631e-23

    /// A bandpass from matching arrays; negative transmission (noise in measured curves) is clipped to zero.
    public init(name: String, wavelengths: [Double], transmission: [Double]) throws(SpectrumError) {
        guard wavelengths.count == transmission.count else {
            throw .lengthMismatch(wavelengths: wavelengths.count, values: transmission.count)
        }
        guard wavelengths.count >= 2 else { throw .tooFewSamples(wavelengths.count) }
        for i in wavelengths.indices where !wavelengths[i].isFinite || (i > 0 && !(wavelengths[i] > wavelengths[i - 1])) {
            throw .wavelengthsNotIncreasing(index: i)
        }
        self.name = name
        self.wavelengths = wavelengths
        self.transmission = transmission.map { $0.isFinite ? max(0, $0) : 0 }
    }

    /// The wavelength range where T > 0 (the range a spectrum must cover), or the whole curve if T is 0
    /// everywhere.
    public var transmittingRange: ClosedRange<Double> {
        guard let first = transmission.firstIndex(where: { $0 > 0 }),
              let last = transmission.lastIndex(where: { $0 > 0 }) else { return wavelengths[0]...wavelengths[wavelengths.count - 1] }
        // The curve is linear between samples, so it transmits from the zero sample before to the one after.
        return wavelengths[max(first - 1, 0)]...wavelengths[min(last + 1, wavelengths.count - 1)]
    }

    /// The pivot wavelength √(∫Tλ dλ / ∫T/λ dλ) in Å: the wavelength where F_ν and F_λ magnitudes convert
    /// exactly, m_AB = −2.5 log₁₀(⟨F_λ⟩ λ_p²/c) − 48.60 (Tokunaga & Vacca 2005).
    public var pivotWavelength: Double {
        let a = SampledCurve.trapezoid(wavelengths, zip(wavelengths, transmission).map { $0 * $1 })
        let b = SampledCurve.trapezoid(wavelengths, zip(wavelengths, transmission).map { $1 / $0 })
        return (a / b).squareRoot()
    }

    /// The AB magnitude of a spectrum through this band in the photon-counting convention,
    ///
    ///     m_AB = −2.5 log₁₀( ∫F_ν T dν/ν / ∫ 3631 Jy · T dν/ν ),
    ///
    /// evaluated in λ: with F_ν = F_λ λ²/c and dν/ν = dλ/λ the numerator is (1/c)∫F_λ T λ dλ and the
    /// denominator ∫ 3631 Jy · T dλ/λ. The integrand is integrated exactly as a product of two
    /// piecewise-linear functions on the union of both grids. The medium of the spectrum's wavelengths is
    /// ignored (air and vacuum differ by 3×10⁻⁴, ≪ 0.001 mag for any broad band).
    public func abMagnitude(of spectrum: Spectrum) throws(SpectrumError) -> Double {
        let band = transmittingRange
        guard spectrum.range.lowerBound <= band.lowerBound, spectrum.range.upperBound >= band.upperBound else {
            throw .bandNotCovered(band: name, bandRange: band, spectrumRange: spectrum.range)
        }
        let numerator = productIntegral(spectrum, weight: { $0 }) / speedOfLightAngstromPerSecond
        let denominator = Self.abZeroPointFnu * productIntegral(nil, weight: { 1 / $0 })
        guard numerator > 0, denominator > 0 else { throw .noFluxInBand(band: name) }
        return -2.5 * log10(numerator / denominator)
    }

    /// The spectrum scaled so that its AB magnitude through this band is `magnitude`.
    public func normalise(_ spectrum: Spectrum, toABMagnitude magnitude: Double) throws(SpectrumError) -> Spectrum {
        let current = try abMagnitude(of: spectrum)
        return spectrum.scaled(by: pow(10, -0.4 * (magnitude - current)))
    }

    /// ∫ S(λ) T(λ) w(λ) dλ over the transmitting range on the union of both grids (S ≡ 1 without a spectrum),
    /// with Simpson's rule on each union interval: S·T is quadratic there, w smooth.
    private func productIntegral(_ spectrum: Spectrum?, weight: (Double) -> Double) -> Double {
        let band = transmittingRange
        var nodes = wavelengths.filter { band.contains($0) }
        if let spectrum {
            let lo = SampledCurve.upperIndex(spectrum.wavelengths, band.lowerBound)
            let hi = SampledCurve.upperIndex(spectrum.wavelengths, band.upperBound)
            if lo < hi { nodes += spectrum.wavelengths[lo..<hi] }
            nodes.sort()
        }
        func f(_ x: Double) -> Double {
            (spectrum?.flux(at: x) ?? 1) * SampledCurve.interpolate(wavelengths, transmission, at: x) * weight(x)
        }
        var sum = 0.0
        var previous = nodes[0]
        var fPrevious = f(previous)
        for x in nodes.dropFirst() where x > previous {
            let fx = f(x)
            sum += (x - previous) / 6 * (fPrevious + 4 * f(0.5 * (previous + x)) + fx)
            previous = x
            fPrevious = fx
        }
        return sum
    }
}

extension Bandpass {
    /// Reads a two-column text filter curve (wavelength, transmission), as the `.tab` files of
    /// `4most/instrument/` (SDSS_r, SDSS_z, Gaia_G; wavelengths in Å). Blank lines and lines starting with
    /// `#` or `!` are skipped; further columns are ignored. `wavelengthUnitInAngstrom` converts other units
    /// (10 for nm, 10⁴ for µm). Duplicate wavelengths (the Gaia curve's are rounded to 4 digits) keep the
    /// first value; negative transmission (noise in the Gaia curve's wings) is clipped to 0.
    public static func load(tabFile path: String, name: String? = nil, wavelengthUnitInAngstrom: Double = 1) throws(BandpassError) -> Bandpass {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        var lambda: [Double] = [], value: [Double] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            guard fields.count >= 2, let w = Double(fields[0]), let t = Double(fields[1]), w.isFinite, t.isFinite else {
                throw .malformedLine(path: path, line: number + 1, text: line)
            }
            let wavelength = w * wavelengthUnitInAngstrom
            if let last = lambda.last {
                if wavelength == last { continue }
                guard wavelength > last else {
                    throw .invalidCurve(path: path, reason: "wavelengths decrease at line \(number + 1)")
                }
            }
            lambda.append(wavelength)
            value.append(t)
        }
        guard lambda.count >= 2 else { throw .invalidCurve(path: path, reason: "fewer than two samples") }
        guard value.contains(where: { $0 > 0 }) else { throw .invalidCurve(path: path, reason: "no positive transmission") }
        let bandName = name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        do { return try Bandpass(name: bandName, wavelengths: lambda, transmission: value) } catch {
            throw .invalidCurve(path: path, reason: error.description)
        }
    }

    /// A smooth analytic bandpass: logistic edges at the half-transmission wavelengths `blue` and `red`
    /// (Å) with e-folding widths, times a tilt (λ/6000 Å)^tilt, sampled every 2 Å from 7 widths below `blue`
    /// to 7 widths above `red` (where T < 10⁻³), the two end samples set to zero so the band has finite support.
    public static func analytic(
        name: String, blue: Double, red: Double, blueWidth: Double, redWidth: Double, tilt: Double = 0
    ) -> Bandpass {
        let lo = blue - 7 * blueWidth, hi = red + 7 * redWidth
        let count = Int(((hi - lo) / 2).rounded(.up)) + 1
        let lambda = (0..<count).map { lo + 2 * Double($0) }
        var t = lambda.map { x in
            pow(x / 6000, tilt) / ((1 + exp(-(x - blue) / blueWidth)) * (1 + exp(-(red - x) / redWidth)))
        }
        t[0] = 0
        t[count - 1] = 0
        // Arrays are built increasing and finite, so construction cannot fail.
        return (try? Bandpass(name: name, wavelengths: lambda, transmission: t))!
    }

    /// An SDSS r-like band for when the measured curve is not at hand: half transmission at 5600 and 6740 Å,
    /// 40 Å edges and a tilt of 0.80, fitted to `SDSS_r.tab` (Doi et al. 2010, AJ 139, 1628, 1.3 airmasses)
    /// so that its pivot wavelength matches to 0.1 Å (6175.5 Å).
    public static let sdssR = analytic(name: "SDSS_r", blue: 5600, red: 6740, blueWidth: 40, redWidth: 40, tilt: 0.80)

    /// A Gaia G-like band for when the measured curve is not at hand: half transmission at 4020 and 8555 Å,
    /// 200/400 Å edges and a tilt of 0.25, fitted to `Gaia_G.tab` (Gaia passband, Riello et al. 2021,
    /// A&A 649, A3) so that its pivot wavelength matches to 1 Å (6246 Å).
    public static let gaiaG = analytic(name: "Gaia_G", blue: 4020, red: 8555, blueWidth: 200, redWidth: 400, tilt: 0.25)
}
