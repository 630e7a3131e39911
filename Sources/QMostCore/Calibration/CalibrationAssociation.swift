import Foundation

/// How closely a master calibration matches the exposure it corrects, best first (as ESO's EDPS ranks
/// associations): taken in the same observing block, in the same night, or within the kind's window of nights.
public enum CalibrationTier: Int, Sendable, Codable, Comparable, CustomStringConvertible {
    case sameOB = 1
    case sameNight = 2
    case nearby = 3

    public var name: String {
        switch self {
        case .sameOB: "same_ob"
        case .sameNight: "same_night"
        case .nearby: "nearby"
        }
    }

    public init?(name: String) {
        guard let t = [Self.sameOB, .sameNight, .nearby].first(where: { $0.name == name }) else { return nil }
        self = t
    }

    public var description: String { name }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A master calibration that could be applied: where and when it was taken.
public struct CalibrationCandidate: Sendable, Equatable {
    public var id: Int64
    public var kind: CalibrationKind
    public var spectrograph: String
    public var night: Night
    /// The observing block of its frames, when they all came from one.
    public var obID: Int64?

    public init(id: Int64, kind: CalibrationKind, spectrograph: String, night: Night, obID: Int64?) {
        self.id = id
        self.kind = kind
        self.spectrograph = spectrograph
        self.night = night
        self.obID = obID
    }
}

/// The calibration chosen for one kind, and how good a match it is.
public struct CalibrationChoice: Sendable, Equatable {
    public var candidate: CalibrationCandidate
    public var tier: CalibrationTier
    /// Nights between the calibration and the exposure (0 for the first two tiers).
    public var nightsApart: Int

    public init(candidate: CalibrationCandidate, tier: CalibrationTier, nightsApart: Int) {
        self.candidate = candidate
        self.tier = tier
        self.nightsApart = nightsApart
    }

    /// Whether this is a strictly better match than `other`: a better tier, or the same tier nearer in time.
    public func isBetter(than other: CalibrationChoice?) -> Bool {
        guard let other else { return true }
        if tier != other.tier { return tier < other.tier }
        return nightsApart < other.nightsApart
    }
}

/// Picks, for each calibration kind, the best master for an exposure: same OB, then same night, then the
/// nearest night within the kind's window (seed 9.1: biases weekly, darks, linearity, masks and detector flats
/// monthly), preferring the later master when two are equally near. Only masters of the exposure's spectrograph
/// qualify. Pure: the candidates come from the repository.
public struct CalibrationAssociation: Sendable, Equatable {
    /// How many nights away a master may be, per kind.
    public var windows: [CalibrationKind: Int]

    public init(windows: [CalibrationKind: Int] = Self.defaultWindows) { self.windows = windows }

    /// Biases weekly; darks, detector flats (with linearity and the mask) monthly (seed 9.1.2–9.1.6); a fibre
    /// flat for tracing and an arc for the wavelength solution each night or the next (seed 9.1.10, 9.1.12); the
    /// fibre flat field, from daytime flats, within a few nights (seed 9.1.13).
    public static let defaultWindows: [CalibrationKind: Int] = [.bias: 7, .dark: 31, .detectorFlat: 31, .trace: 1, .wave: 3,
                                                                .fibreFlatField: 3]

    /// The best candidate of `kind` for an exposure taken in `night` (and OB `obID`) on `spectrograph`.
    public func choose(_ kind: CalibrationKind, from candidates: [CalibrationCandidate], spectrograph: String,
                       night: Night, obID: Int64?) -> CalibrationChoice? {
        let window = windows[kind] ?? 0
        var best: CalibrationChoice?
        for c in candidates where c.kind == kind && c.spectrograph == spectrograph {
            let apart = abs(night.daysTo(c.night))
            guard apart <= window else { continue }
            let tier: CalibrationTier = apart == 0 ? (obID != nil && c.obID == obID ? .sameOB : .sameNight) : .nearby
            let choice = CalibrationChoice(candidate: c, tier: tier, nightsApart: tier == .nearby ? apart : 0)
            if choice.isBetter(than: best)
                || (best != nil && choice.tier == best!.tier && choice.nightsApart == best!.nightsApart
                    && (c.night, c.id) > (best!.candidate.night, best!.candidate.id)) {
                best = choice
            }
        }
        return best
    }

    /// The best candidate of every kind that has one.
    public func chooseAll(from candidates: [CalibrationCandidate], spectrograph: String, night: Night,
                          obID: Int64?, kinds: [CalibrationKind] = CalibrationKind.allCases) -> [CalibrationKind: CalibrationChoice] {
        var out: [CalibrationKind: CalibrationChoice] = [:]
        for k in kinds {
            if let c = choose(k, from: candidates, spectrograph: spectrograph, night: night, obID: obID) { out[k] = c }
        }
        return out
    }
}

extension Night {
    /// Calendar days from this night to `other` (negative when `other` is earlier).
    public func daysTo(_ other: Night) -> Int {
        Int(((other.julianDay - julianDay)).rounded())
    }

    /// The Julian day number of the date (Fliegel & Van Flandern 1968), for differences between nights.
    var julianDay: Double {
        let parts = iso.split(separator: "-").map { Int($0)! }
        let (y, m, d) = (parts[0], parts[1], parts[2])
        let a = (14 - m) / 12, yy = y + 4800 - a, mm = m + 12 * a - 3
        return Double(d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045)
    }
}
