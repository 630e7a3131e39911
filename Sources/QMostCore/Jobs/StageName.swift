/// The stages of the data flow, in graph order (seed sections 7-11).
public enum StageName: String, Sendable, Codable, CaseIterable, Comparable {
    case ingest
    case l1
    case qa
    case qaAnalyse = "qa_analyse"
    case l2
    case qc
    case trickle

    public static func < (a: StageName, b: StageName) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What a stage's job is about: one file, or one night.
public enum StageScope: String, Sendable, Codable {
    case file, night
}

/// One stage's place in the graph: what triggers it and what must hold before it may run.
public struct StageDefinition: Sendable, Equatable {
    public var name: StageName
    public var scope: StageScope
    /// The stage whose completion enqueues this one.
    public var after: StageName?
    /// Conditions checked when a worker would claim the job; while any fails the job is `blocked`.
    public var blockers: [BlockingCondition]
    /// Whether the project ships a built-in implementation (others need `command`).
    public var builtIn: Bool
    /// Quiet period for night-level stages unless configured.
    public var defaultQuietPeriodSeconds: Double

    public init(name: StageName, scope: StageScope, after: StageName?, blockers: [BlockingCondition] = [],
                builtIn: Bool, defaultQuietPeriodSeconds: Double = 0) {
        self.name = name
        self.scope = scope
        self.after = after
        self.blockers = blockers
        self.builtIn = builtIn
        self.defaultQuietPeriodSeconds = defaultQuietPeriodSeconds
    }
}

/// A rule, held as data, that keeps a stage's job from running.
public enum BlockingCondition: String, Sendable, Codable, Equatable {
    /// The night has been closed (`qmostd night close`) or has been quiet for the stage's quiet period.
    case nightComplete = "night_complete"
    /// The night's L1 quality assessment passed (state >= 1) or was exempted (seed 9.2).
    case nightValidated = "night_validated"

    /// What `explain` says while the condition fails.
    public var waitingFor: String {
        switch self {
        case .nightComplete: return "the night to be closed or to fall quiet"
        case .nightValidated: return "qa_analyse to validate the night (state >= 1) or an exemption"
        }
    }
}

/// The stage graph, declared in code: ingest -> l1 -> qa -> qa_analyse -> l2 -> qc -> trickle.
public enum StageGraph {
    public static let definitions: [StageDefinition] = [
        .init(name: .ingest, scope: .file, after: nil, builtIn: true),
        .init(name: .l1, scope: .night, after: .ingest, blockers: [.nightComplete], builtIn: true,
              defaultQuietPeriodSeconds: 1800),
        .init(name: .qa, scope: .night, after: .l1, builtIn: true),
        .init(name: .qaAnalyse, scope: .night, after: .qa, builtIn: true),
        .init(name: .l2, scope: .night, after: .qaAnalyse, blockers: [.nightValidated], builtIn: true),
        .init(name: .qc, scope: .night, after: .l2, builtIn: false),
        .init(name: .trickle, scope: .night, after: .qc, builtIn: false),
    ]

    public static func definition(_ name: StageName) -> StageDefinition {
        definitions.first { $0.name == name }!
    }

    /// Stages triggered by completion of `stage`.
    public static func successors(of stage: StageName) -> [StageDefinition] {
        definitions.filter { $0.after == stage }
    }
}

extension Configuration {
    /// A stage runs when enabled: built-in stages by default, others only once given a command (or enabled by
    /// a later release that ships them).
    public func isEnabled(_ stage: StageName) -> Bool {
        let s = settings(for: stage)
        let def = StageGraph.definition(stage)
        if let enabled = s.enabled { return enabled && (def.builtIn || s.command != nil) }
        return def.builtIn || s.command != nil
    }
}
