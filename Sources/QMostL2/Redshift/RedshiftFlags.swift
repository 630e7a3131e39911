/// 4XP-Z's 16-bit quality word per spectrum (seed 10.2.2, "Nightly QC criteria"): 0 when everything passed;
/// bits 9–15 are reserved.
public struct RedshiftFlags: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// More than 1% of the pixels are bad (masked, invalid or single-pixel outliers).
    public static let manyBadPixels = RedshiftFlags(rawValue: 1 << 0)
    /// The median S/N per Å is below the threshold.
    public static let lowSNR = RedshiftFlags(rawValue: 1 << 1)
    /// The cross-correlation gave fewer peaks than asked for.
    public static let fewCorrelationPeaks = RedshiftFlags(rawValue: 1 << 2)
    /// The PCA fit did not converge (singular normal equations) at some candidate.
    public static let fitNotConverged = RedshiftFlags(rawValue: 1 << 3)
    /// The local χ² search around the best peak found no well-determined minimum.
    public static let illDefinedMinimum = RedshiftFlags(rawValue: 1 << 4)
    /// The redshift uncertainty could not be determined.
    public static let undeterminedError = RedshiftFlags(rawValue: 1 << 5)
    /// Another solution has a similar confidence (Δχ² below the threshold).
    public static let similarSolutions = RedshiftFlags(rawValue: 1 << 6)
    /// The best solution's reduced χ² is high.
    public static let highReducedChiSquare = RedshiftFlags(rawValue: 1 << 7)
    /// The best solution is less than 3σ significant in the cross-correlation.
    public static let lowCorrelationSignificance = RedshiftFlags(rawValue: 1 << 8)

    /// Every defined bit with its DXU name and meaning, in bit order.
    public static let definitions: [(bit: Int, flag: RedshiftFlags, name: String, meaning: String)] = [
        (0, .manyBadPixels, "BAD_PIXELS", "more than 1% of the pixels bad (masked, invalid or outliers)"),
        (1, .lowSNR, "LOW_SNR", "median S/N per Angstrom below the threshold"),
        (2, .fewCorrelationPeaks, "FEW_CCF_PEAKS", "the cross-correlation yielded too few peaks"),
        (3, .fitNotConverged, "FIT_NOT_CONVERGED", "the PCA fit did not converge"),
        (4, .illDefinedMinimum, "BAD_MINIMUM", "no well-determined chi-square minimum around the best peak"),
        (5, .undeterminedError, "NO_ERROR", "the redshift uncertainty could not be determined"),
        (6, .similarSolutions, "SIMILAR_SOLUTIONS", "more than one solution of similar confidence"),
        (7, .highReducedChiSquare, "HIGH_CHI2", "the best solution has a high reduced chi-square"),
        (8, .lowCorrelationSignificance, "LOW_CCF_SIGNIFICANCE", "the best solution is below 3 sigma in the CCF"),
    ]

    /// The names of the bits set, in bit order.
    public var names: [String] { Self.definitions.filter { contains($0.flag) }.map(\.name) }
}
