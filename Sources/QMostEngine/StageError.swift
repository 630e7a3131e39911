/// How a stage attempt failed, decided where the failure is raised (as Rubin's Prompt Processing does).
public enum StageError: Error, CustomStringConvertible {
    /// Worth retrying with backoff: I/O, network, a busy database, a tool that exited with a temporary error.
    case retriable(String)
    /// Retrying cannot help (bad input, bad configuration): the job goes dead at once and an alert is sent.
    case fatal(String)

    public var description: String {
        switch self {
        case .retriable(let m), .fatal(let m): return m
        }
    }
    var isRetriable: Bool { if case .retriable = self { return true } else { return false } }
}

/// What a successful stage attempt asks of the engine.
public enum StageResult: Sendable, Equatable {
    /// Finished; `summary` goes to the event log.
    case done(summary: String)
    /// Not ready yet (e.g. a file still being written): try again after this many seconds, no attempt counted.
    case waiting(reason: String, retryAfter: Double)
}
