import QMostCore

/// How big a simulated night is: ``small`` for tests and the demo, ``full`` for realistic size and volume.
/// Both come from the same code; only the detector, the fibre count and the number of frames differ.
public enum SimulationScale: String, Sendable, CaseIterable, Codable {
    /// 1024 × 1024 active pixels per arm, 34 fibres (4 slitlets of 8 plus 2 calibration fibres).
    case small
    /// 6144 × 6160 active pixels per arm, 822 fibres (28 slitlets of 29 plus 10 calibration fibres).
    case full

    /// The instrument at this scale, from `base` (the default model or one with measured curves).
    public func instrument(from base: InstrumentModel = .default) -> InstrumentModel {
        switch self {
        case .small: base.scaled(to: .small)
        case .full: base.detector == .full ? base : base.scaled(to: .full)
        }
    }
}
