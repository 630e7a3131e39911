/// The 64-bit identifiers qmostd assigns, each kind in its own decimal block so that a bare number names its
/// kind: the leading digit of a 13-digit id says what it is (TARG_ID 1…, U_OBJ_ID 2… for LR and 3… for HR,
/// SPECUID 5…), and `qmostd ids 2000000000042` needs no hint.
public enum IdentifierKind: String, Sendable, CaseIterable, Codable {
    case target = "TARG_ID"
    case object = "U_OBJ_ID"
    case spectrum = "SPECUID"
}

/// Encodes and decodes the kind blocks of ``IdentifierKind``.
public enum IdentifierSpace {
    /// The size of one block: a trillion ids of each kind.
    public static let blockSize: Int64 = 1_000_000_000_000

    /// The first id of the target block.
    public static let targetBase: Int64 = 1 * blockSize
    /// The first id of the spectrum block.
    public static let spectrumBase: Int64 = 5 * blockSize

    /// The first object id of a resolution mode (LR 2…, HR 3…).
    public static func objectBase(_ mode: ResolutionMode) -> Int64 {
        (1 + Int64(mode.rawValue)) * blockSize
    }

    /// The `serial`-th id (counting from 1) of a target.
    public static func targetID(serial: Int64) -> Int64 { targetBase + serial }
    /// The `serial`-th id of an object of `mode`.
    public static func objectID(serial: Int64, mode: ResolutionMode) -> Int64 { objectBase(mode) + serial }
    /// The `serial`-th spectrum id.
    public static func spectrumID(serial: Int64) -> Int64 { spectrumBase + serial }

    /// What kind of id `value` is, and for objects their mode; nil when it lies in no block.
    public static func classify(_ value: Int64) -> (kind: IdentifierKind, mode: ResolutionMode?)? {
        guard value > 0 else { return nil }
        let block = value / blockSize, serial = value % blockSize
        guard serial > 0 else { return nil }
        switch block {
        case 1: return (.target, nil)
        case 2: return (.object, .low)
        case 3: return (.object, .high)
        case 5: return (.spectrum, nil)
        default: return nil
        }
    }
}
