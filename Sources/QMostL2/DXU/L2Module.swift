/// The L2 modules whose results qmostd writes as DXUs (seed 10, 11.3).
public enum L2Module: String, Sendable, Codable, CaseIterable {
    /// 4XP-Z redshifts (seed 10.2.1.2.3).
    case redshift = "4XP"
    /// 4GP radial velocities (seed 10.1.1.2).
    case radialVelocity = "4GP"

    /// `QMOST_<YYYYMMDD>_<MODULE>.fits`.
    public func fileName(nightobs: String) -> String { "QMOST_\(nightobs)_\(rawValue).fits" }
}
