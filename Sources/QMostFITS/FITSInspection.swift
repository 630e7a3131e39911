/// The verdict on a file that may still be being written.
public enum FITSInspection: Sendable {
    /// A structurally complete FITS file whose checksums (if any, and if verified) match.
    case complete(FITSValidation)
    /// A FITS file that is not all there yet (or cannot be read right now); `missingBytes`
    /// is how many more bytes the headers read so far need, when that is known. For a
    /// header cut short it is a lower bound: the rest of the header block plus the data
    /// the cards present declare.
    case incomplete(reason: String, missingBytes: Int64?)
    /// Not FITS, or FITS that is damaged: more bytes will not fix it.
    case invalid(reason: String)

    /// The validation when complete.
    public var validation: FITSValidation? {
        if case .complete(let validation) = self { return validation }
        return nil
    }

    /// The reason when incomplete or invalid.
    public var reason: String? {
        switch self {
        case .complete: nil
        case .incomplete(let reason, _), .invalid(let reason): reason
        }
    }
}
