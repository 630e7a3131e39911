import QMostCore

/// Faults a simulated night can carry, for testing that quality assessment catches them (seed 9.2): none by
/// default.
public struct SimulatedFaults: Sendable, Equatable {
    /// Science exposures' wavelengths on an arm moved by this many Å against the arcs (the instrument drifted after
    /// its calibration): sky lines and targets then appear that much redder than the arc-based solution says.
    public var wavelengthShift: [ArmName: Double] = [:]
    /// Sky fibres (slit positions) that see a star instead of blank sky, while FIBINFO still calls them sky.
    public var starInSkyFibres: [Int] = []

    public init(wavelengthShift: [ArmName: Double] = [:], starInSkyFibres: [Int] = []) {
        self.wavelengthShift = wavelengthShift
        self.starInSkyFibres = starInSkyFibres
    }

    public var isEmpty: Bool { wavelengthShift.isEmpty && starInSkyFibres.isEmpty }

    /// Parses `wavelength-shift:GREEN:0.3` or `sky-star:<slit position>`; nil for anything else.
    public mutating func add(_ text: String) -> Bool {
        let parts = text.split(separator: ":").map(String.init)
        switch parts.first {
        case "wavelength-shift":
            guard parts.count == 3, let arm = ArmName(rawValue: parts[1].lowercased()), let shift = Double(parts[2]), shift.isFinite else { return false }
            wavelengthShift[arm] = shift
            return true
        case "sky-star":
            guard parts.count == 2, let slit = Int(parts[1]), slit > 0 else { return false }
            starInSkyFibres.append(slit)
            return true
        default:
            return false
        }
    }

    /// The header value recording the faults (`ESO QMOST SIM FAULTS`).
    public var description: String {
        (wavelengthShift.sorted { $0.key.rawValue < $1.key.rawValue }.map { "wavelength-shift:\($0.key.headerName):\($0.value)" }
            + starInSkyFibres.map { "sky-star:\($0)" }).joined(separator: ",")
    }
}
