/// How many exposures a spectrum combines.
public enum StackLevel: String, Sendable, Codable, CaseIterable {
    /// One exposure.
    case exposure = "EXP"
    /// The exposures of one OB combined.
    case ob = "OB"
    /// Every exposure of the object in one night.
    case night = "NIGHT"
    /// Every exposure of the object to date (a deep stack).
    case all = "ALL"
}

/// SPECUID_P: a SPECUID with the provenance that distinguishes it, as one documented, parseable string
/// (seed §11.2 names it; its layout is ours, described in docs/identifiers.md):
///
///     <SPECUID>_<YYYYMMDD night>_OB<ob id>_<spectrograph>_<arm>_<stack>_<pipeline version>
///     5000000000042_20220904_OB100118_LRSA_J_EXP_0.3.0
///
/// The spectrograph is `LRSA`, `LRSB` or `HRS`; the arm is `B`, `G`, `R` or `J` for the joined spectrum; the
/// OB id is 0 when unknown; the version is everything after the sixth underscore.
public struct SpectrumProvenance: Sendable, Equatable {
    public var specuid: Int64
    public var night: Night
    public var obID: Int64
    public var spectrograph: String
    public var arm: String
    public var stack: StackLevel
    public var pipelineVersion: String

    public init(
        specuid: Int64, night: Night, obID: Int64?, spectrograph: String, arm: String, stack: StackLevel,
        pipelineVersion: String
    ) {
        self.specuid = specuid
        self.night = night
        self.obID = obID ?? 0
        self.spectrograph = Self.fieldSafe(spectrograph)
        self.arm = Self.fieldSafe(arm)
        self.stack = stack
        self.pipelineVersion = pipelineVersion
    }

    /// The SPECUID_P string.
    public var text: String {
        "\(specuid)_\(night.compact)_OB\(obID)_\(spectrograph)_\(arm)_\(stack.rawValue)_\(pipelineVersion)"
    }

    /// Parses a SPECUID_P string; nil when `text` does not have the documented layout.
    public init?(parsing text: String) {
        let parts = text.split(separator: "_", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 7, let specuid = Int64(parts[0]),
              IdentifierSpace.classify(specuid)?.kind == .spectrum,
              parts[1].count == 8, let night = Night(Self.iso(parts[1])),
              parts[2].hasPrefix("OB"), let ob = Int64(parts[2].dropFirst(2)),
              !parts[3].isEmpty, !parts[4].isEmpty, let stack = StackLevel(rawValue: parts[5]), !parts[6].isEmpty
        else { return nil }
        self.init(specuid: specuid, night: night, obID: ob, spectrograph: parts[3], arm: parts[4], stack: stack,
                  pipelineVersion: parts[6])
    }

    private static func iso(_ compact: String) -> String {
        let c = Array(compact)
        return String(c[0..<4]) + "-" + String(c[4..<6]) + "-" + String(c[6..<8])
    }

    /// Spectrograph names arrive as `LRS-A`, `LRS A` or `lrsa`; fields may hold neither separators nor blanks.
    private static func fieldSafe(_ value: String) -> String {
        let kept = value.uppercased().filter { $0.isLetter || $0.isNumber }
        return kept.isEmpty ? "UNKNOWN" : kept
    }
}
