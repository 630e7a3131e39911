/// The master calibrations L1 makes and applies (seed 9.1.2–9.1.12), one product kind each.
public enum CalibrationKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// Master bias (seed 9.1.2).
    case bias
    /// Master dark in ADU/s (seed 9.1.3).
    case dark
    /// Normalised LED detector flat with its bad-pixel mask and, from the LED sequence, the linearity fit
    /// (seed 9.1.4–9.1.6).
    case detectorFlat = "detector_flat"
    /// Fibre traces and spatial profiles from a fibre flat (seed 9.1.10).
    case trace
    /// Per-fibre wavelength solutions from arc and Fabry–Pérot frames (seed 9.1.12).
    case wave
    /// Relative fibre throughput against wavelength from fibre flats, levelled by twilight flats (seed 9.1.13).
    case fibreFlatField = "fibre_flat_field"

    /// The raw frame kinds this master is combined from.
    public var sourceKinds: [FrameKind] {
        switch self {
        case .bias: [.bias]
        case .dark: [.dark]
        case .detectorFlat: [.detectorFlat]
        case .trace: [.fibreFlat]
        case .wave: [.arc, .fp]
        case .fibreFlatField: [.fibreFlat, .twilightFlat]
        }
    }

    /// The masters needed to make this one, in the order they are applied.
    public var prerequisites: [CalibrationKind] {
        switch self {
        case .bias: []
        case .dark: [.bias]
        case .detectorFlat: [.bias, .dark]
        case .trace: [.bias, .dark, .detectorFlat]
        case .wave: [.bias, .dark, .detectorFlat, .trace]
        case .fibreFlatField: [.bias, .dark, .detectorFlat, .trace, .wave]
        }
    }

    /// Whether a science frame cannot be reduced without it (the others are applied when available).
    public var isRequired: Bool { self == .bias || self == .trace || self == .wave }

    /// The `ESO PRO CATG` of the product.
    public var category: String {
        switch self {
        case .bias: "MASTER_BIAS"
        case .dark: "MASTER_DARK"
        case .detectorFlat: "MASTER_DETECTOR_FLAT"
        case .trace: "FIBRE_TRACE"
        case .wave: "WAVE_SOLUTION"
        case .fibreFlatField: "MASTER_FIBRE_FLAT"
        }
    }

    public static func < (a: CalibrationKind, b: CalibrationKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
