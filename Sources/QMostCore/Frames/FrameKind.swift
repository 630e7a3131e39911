/// What a raw frame is, after classification (seed section 9.1 names the calibration kinds).
public enum FrameKind: String, Sendable, Codable, CaseIterable, Comparable {
    case bias, dark
    /// LED detector flat.
    case detectorFlat = "detector_flat"
    case fibreFlat = "fibre_flat"
    case twilightFlat = "twilight_flat"
    case arc
    /// Fabry-Perot comb.
    case fp
    case science, standard, other
    /// A data exchange unit (L2 output) dropped into spool/dxu.
    case dxu

    public static func < (a: FrameKind, b: FrameKind) -> Bool { a.rawValue < b.rawValue }
}
