/// The spectroscopic resolution mode a target is observed in; objects are linked separately per mode (§11.2).
public enum ResolutionMode: Int, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Low resolution (the two LRS spectrographs); `RESOLUTION = 1` in the 4FS catalogue.
    case low = 1
    /// High resolution (HRS); `RESOLUTION = 2`.
    case high = 2

    /// `LR` or `HR`, as file names and headers write it.
    public var code: String { self == .low ? "LR" : "HR" }

    public var description: String { code }

    /// Reads `LR`/`HR` (any case) or `1`/`2`.
    public init?(code: String) {
        switch code.uppercased() {
        case "LR", "1": self = .low
        case "HR", "2": self = .high
        default: return nil
        }
    }
}
