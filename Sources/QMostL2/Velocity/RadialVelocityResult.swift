/// The radial-velocity module's quality word per spectrum (our bits; seed 10.1.3 asks 4GP for QC flags
/// without fixing them): 0 when every check passed.
public struct VelocityFlags: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The median S/N per pixel is below the module's threshold.
    public static let lowSNR = VelocityFlags(rawValue: 1 << 0)
    /// Fewer than half the spectrum's pixels could be used.
    public static let fewUsablePixels = VelocityFlags(rawValue: 1 << 1)
    /// The best template correlates weakly (peak correlation coefficient below the threshold).
    public static let weakCorrelation = VelocityFlags(rawValue: 1 << 2)
    /// The best peak lies at the edge of the velocity range searched.
    public static let peakAtSearchEdge = VelocityFlags(rawValue: 1 << 3)
    /// The templates' velocities scatter by more than three times their statistical errors.
    public static let templatesDisagree = VelocityFlags(rawValue: 1 << 4)
    /// The best template's CCF shows more than one component (a spectroscopic binary candidate, seed 10.1.1.4).
    public static let multipleComponents = VelocityFlags(rawValue: 1 << 5)
    /// The spectrum is topocentric and lacks the date or position to correct it, so the velocity is topocentric.
    public static let notHeliocentric = VelocityFlags(rawValue: 1 << 6)
    /// The velocity error could not be determined.
    public static let undeterminedError = VelocityFlags(rawValue: 1 << 7)

    /// Every defined bit with its DXU name and meaning, in bit order.
    public static let definitions: [(bit: Int, flag: VelocityFlags, name: String, meaning: String)] = [
        (0, .lowSNR, "LOW_SNR", "median S/N per pixel below the threshold"),
        (1, .fewUsablePixels, "FEW_PIXELS", "fewer than half the pixels usable"),
        (2, .weakCorrelation, "WEAK_CCF", "the best template's correlation peak is weak"),
        (3, .peakAtSearchEdge, "EDGE_PEAK", "the best peak lies at the edge of the velocity range searched"),
        (4, .templatesDisagree, "TEMPLATES_DISAGREE", "template velocities scatter beyond their errors"),
        (5, .multipleComponents, "MULTIPLE", "more than one CCF component: spectroscopic binary candidate"),
        (6, .notHeliocentric, "NOT_HELIOCENTRIC", "topocentric spectrum without date or position: velocity topocentric"),
        (7, .undeterminedError, "NO_ERROR", "the velocity uncertainty could not be determined"),
    ]

    /// The names of the bits set, in bit order.
    public var names: [String] { Self.definitions.filter { contains($0.flag) }.map(\.name) }
}

/// One template's measurement: the peak of its CCF.
public struct TemplateVelocity: Sendable, Codable, Equatable {
    public var template: String
    /// km/s, in the spectrum's own frame (before any heliocentric correction).
    public var velocity: Double
    public var error: Double
    /// The CCF's maximum, a correlation coefficient: the template's weight in the mean.
    public var peak: Double
}

/// The radial velocity of one spectrum (seed 10.1.1.2) with its multiplicity check (10.1.1.4).
public struct RadialVelocityResult: Sendable, Codable, Equatable {
    /// Heliocentric km/s (topocentric when ``VelocityFlags/notHeliocentric`` is set); nil when nothing was measured.
    public var velocity: Double?
    public var error: Double?
    public var flags: VelocityFlags
    /// The template with the highest CCF peak, whose CCF the multiplicity check read.
    public var bestTemplate: String?
    public var templates: [TemplateVelocity]
    /// Heliocentric velocities (km/s) of the CCF components found (one for a single star).
    public var components: [Double]
    /// The correction added to go from the spectrum's frame to the heliocentric one (0 when it was heliocentric).
    public var heliocentricCorrection: Double
    public var medianSNRPerPixel: Double
    public var usablePixels: Int
    public var pixels: Int
}
