import Foundation

/// What a user typed to `qmostd ids`, recognised.
public enum IdentifierQuery: Sendable, Equatable {
    case targetID(Int64)
    case objectID(Int64)
    case specuid(Int64)
    case cname(String)
    case iauName(String)

    /// Recognises a TARG_ID, U_OBJ_ID or SPECUID (by its block), a SPECUID_P (by its SPECUID), an IAU name or
    /// a CNAME; nil for anything else.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Int64(trimmed) {
            switch IdentifierSpace.classify(number)?.kind {
            case .target: self = .targetID(number)
            case .object: self = .objectID(number)
            case .spectrum: self = .specuid(number)
            case nil: return nil
            }
        } else if let provenance = SpectrumProvenance(parsing: trimmed) {
            self = .specuid(provenance.specuid)
        } else if let iau = CoordinateName.canonicalIAUName(trimmed) {
            self = .iauName(iau)
        } else if let cname = CoordinateName.canonicalCNAME(trimmed) {
            self = .cname(cname)
        } else {
            return nil
        }
    }
}
