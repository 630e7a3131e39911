/// One of the three arms (cameras) of a 4MOST spectrograph, each with its own detector.
public enum ArmName: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case blue, green, red

    /// `BLUE`, `GREEN` or `RED`, as the ETC tables and the per-arm HDUs name them (datamodel §6.4).
    public var headerName: String { rawValue.uppercased() }

    public var description: String { rawValue }
}

/// One of the three 4MOST spectrographs.
public enum SpectrographName: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case lrsA = "LRS-A"
    case lrsB = "LRS-B"
    case hrs = "HRS"

    /// LRS-A and LRS-B observe in low resolution, HRS in high.
    public var resolutionMode: ResolutionMode { self == .hrs ? .high : .low }

    /// The FIBINFO `FIB_ROOT` code, 1:LRSA 2:LRSB 3:HRS (datamodel §2).
    public var fibreRoot: Int {
        switch self {
        case .lrsA: 1
        case .lrsB: 2
        case .hrs: 3
        }
    }

    public var description: String { rawValue }
}
