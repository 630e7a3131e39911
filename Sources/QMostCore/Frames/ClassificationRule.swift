/// One header rule: a frame whose keywords all match the patterns is of `kind`.
///
/// Rules are data (configuration), tried in order, first match wins, as ESO's EDPS classification rules do.
/// A pattern is a case-insensitive glob (`*` any run, `?` one character) on the trimmed value; `"*"` means
/// "present with any value", and `"!"` alone means "absent".
public struct ClassificationRule: Sendable, Equatable, Codable {
    public var name: String
    public var kind: FrameKind
    public var when: [String: String]

    public init(name: String, kind: FrameKind, when: [String: String]) {
        self.name = name
        self.kind = kind
        self.when = when
    }

    public func matches(_ header: HeaderFacts) -> Bool {
        when.allSatisfy { key, pattern in
            let value = header[key]
            if pattern == "!" { return value == nil }
            guard let value else { return false }
            return Glob.matches(pattern.uppercased(), value.uppercased())
        }
    }
}

/// The classification of a frame and the rule that decided it, kept for `qmostd explain`.
public struct Classification: Sendable, Equatable {
    public var kind: FrameKind
    public var rule: String
    public init(kind: FrameKind, rule: String) {
        self.kind = kind
        self.rule = rule
    }
}

/// Ordered classification rules.
public struct Classifier: Sendable, Equatable {
    public var rules: [ClassificationRule]

    public init(rules: [ClassificationRule] = Classifier.defaultRules) { self.rules = rules }

    /// The first matching rule's kind; `other` (rule "no rule matched") when none does.
    public func classify(_ header: HeaderFacts) -> Classification {
        for rule in rules where rule.matches(header) { return Classification(kind: rule.kind, rule: rule.name) }
        return Classification(kind: .other, rule: "no rule matched")
    }

    /// ESO DPR keywords (CATG/TYPE/TECH) as written by VLT-style instruments, with 4MOST's calibration kinds.
    public static let defaultRules: [ClassificationRule] = [
        .init(name: "bias", kind: .bias, when: ["ESO DPR TYPE": "BIAS"]),
        .init(name: "dark", kind: .dark, when: ["ESO DPR TYPE": "DARK"]),
        .init(name: "led-flat", kind: .detectorFlat, when: ["ESO DPR TYPE": "FLAT,LED"]),
        .init(name: "twilight-flat", kind: .twilightFlat, when: ["ESO DPR TYPE": "FLAT,TWILIGHT"]),
        .init(name: "sky-flat", kind: .twilightFlat, when: ["ESO DPR TYPE": "SKY,FLAT"]),
        .init(name: "fibre-flat", kind: .fibreFlat, when: ["ESO DPR TYPE": "FLAT*"]),
        .init(name: "fabry-perot", kind: .fp, when: ["ESO DPR TYPE": "WAVE,FP"]),
        .init(name: "arc", kind: .arc, when: ["ESO DPR TYPE": "WAVE*"]),
        .init(name: "standard", kind: .standard, when: ["ESO DPR TYPE": "STD*"]),
        .init(name: "science", kind: .science, when: ["ESO DPR CATG": "SCIENCE"]),
    ]
}

/// A minimal glob matcher: `*` and `?`, no character classes; iterative with backtracking to the last star.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
