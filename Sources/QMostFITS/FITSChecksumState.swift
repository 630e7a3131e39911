/// The outcome of a checksum check for one HDU.
public enum FITSChecksumState: Sendable, Equatable {
    /// The keyword is present and matches.
    case valid
    /// The keyword is present and does not match.
    case invalid
    /// The keyword is not in the header.
    case absent
    /// The keyword is present but verification was not asked for.
    case unverified
}
