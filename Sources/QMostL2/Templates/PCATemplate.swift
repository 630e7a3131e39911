import Foundation

/// The classes 4XP-Z fits (seed 10.2.1.2.3: "PCA templates per class").
public enum SpectralClass: String, Sendable, Codable, CaseIterable {
    case galaxy = "GALAXY"
    case qso = "QSO"
    case star = "STAR"

    /// The redshifts a class is searched over when its template does not say (redrock's defaults: galaxies
    /// −0.005…1.7, quasars 0.05…6, stars ±600 km/s).
    public var defaultRedshiftRange: ClosedRange<Double> {
        switch self {
        case .galaxy: -0.005...1.7
        case .qso: 0.05...6.0
        case .star: -0.002...0.002
        }
    }
}

/// A set of PCA eigen-spectra of one class and subtype at rest vacuum wavelengths, as redrock stores them.
///
/// The components are kept interleaved and padded to ``lanes`` values per wavelength sample, so the χ² fitter
/// interpolates all of them with two vector loads per pixel.
public struct PCATemplate: Sendable {
    /// How the samples are spaced: linearly in λ (redrock's galaxies and stars) or in log10 λ (its quasars).
    public enum Sampling: Sendable, Equatable {
        case linear(start: Double, step: Double)
        case log10(start: Double, step: Double)
    }

    /// Components per sample in storage; a template may use at most this many.
    public static let lanes = 8

    public let spectralClass: SpectralClass
    public let subtype: String
    /// Where the template came from (file name), and its version.
    public let source: String
    public let version: String
    public let sampling: Sampling
    /// Samples along wavelength.
    public let count: Int
    /// Components used (≤ ``lanes``).
    public let componentCount: Int
    public let redshiftRange: ClosedRange<Double>
    /// Whether the training spectra were corrected for the mean Lyman-α forest between Lyβ and Lyα (redrock's
    /// quasar templates: "Lyman forest correction applied to training sample flux ... [1025.72, 1215.67] AA using
    /// Kamble 2020 model"), so a fit must put the mean forest back at each redshift.
    public let forestCorrected: Bool
    /// `count · lanes` values: sample i's components at `i·lanes ..< i·lanes + componentCount`, zeros after.
    /// Single precision: a fit streams the template once per redshift, and the memory it reads, not the
    /// arithmetic, sets the fit's speed; 7 digits are far below any spectrum's noise.
    let interleaved: [Float]

    /// `components[c][i]`: component c at sample i.
    public init(spectralClass: SpectralClass, subtype: String, source: String, version: String, sampling: Sampling,
                components: [[Double]], redshiftRange: ClosedRange<Double>? = nil, forestCorrected: Bool = false) {
        precondition(!components.isEmpty && components.count <= Self.lanes, "a PCA template needs 1 to \(Self.lanes) components")
        let n = components[0].count
        precondition(n >= 2 && components.allSatisfy { $0.count == n }, "PCA components must share one wavelength grid")
        self.spectralClass = spectralClass
        self.subtype = subtype
        self.source = source
        self.version = version
        self.sampling = sampling
        self.count = n
        self.componentCount = components.count
        self.redshiftRange = redshiftRange ?? spectralClass.defaultRedshiftRange
        self.forestCorrected = forestCorrected
        var flat = [Float](repeating: 0, count: n * Self.lanes)
        for (c, component) in components.enumerated() {
            for i in 0..<n { flat[i * Self.lanes + c] = Float(component[i]) }
        }
        interleaved = flat
    }

    /// `GALAXY`, `STAR-K`, `QSO-LOZ`.
    public var name: String { subtype.isEmpty ? spectralClass.rawValue : "\(spectralClass.rawValue)-\(subtype)" }

    /// Rest vacuum wavelength (Å) of sample i.
    public func wavelength(ofSample i: Int) -> Double {
        switch sampling {
        case .linear(let start, let step): start + Double(i) * step
        case .log10(let start, let step): pow(10, start + Double(i) * step)
        }
    }

    /// The rest wavelengths covered.
    public var restRange: ClosedRange<Double> { wavelength(ofSample: 0)...wavelength(ofSample: count - 1) }

    /// Component c at sample i.
    public func component(_ c: Int, sample i: Int) -> Double { Double(interleaved[i * Self.lanes + c]) }

    /// Component c linearly interpolated at rest wavelength λ (0 outside the template).
    public func component(_ c: Int, atRest lambda: Double) -> Double {
        let x: Double
        switch sampling {
        case .linear(let start, let step): x = (lambda - start) / step
        case .log10(let start, let step): x = (Foundation.log10(lambda) - start) / step
        }
        guard x >= 0, x <= Double(count - 1) else { return 0 }
        let i = min(Int(x), count - 2), f = x - Double(i)
        return component(c, sample: i) * (1 - f) + component(c, sample: i + 1) * f
    }

    /// The redshifts at which the template covers the whole of `observed` (vacuum Å), within ``redshiftRange``;
    /// nil when there are none.
    public func redshifts(covering observed: ClosedRange<Double>) -> ClosedRange<Double>? {
        let rest = restRange
        let lo = max(redshiftRange.lowerBound, observed.upperBound / rest.upperBound - 1)
        let hi = min(redshiftRange.upperBound, observed.lowerBound / rest.lowerBound - 1)
        return lo <= hi ? lo...hi : nil
    }
}
