import QMostCore

/// Where a file came from.
public enum IngestSource: String, Sendable, Codable {
    case raw = "spool/raw"
    case dxu = "spool/dxu"
    /// `qmostd ingest FILE`: the original is left where it is.
    case cli
    case saf

    /// The repository folder for this source's files.
    var repositoryFolder: String { self == .dxu ? "dxu" : "raw" }
}

/// What ingest did with one file.
public enum IngestOutcome: Sendable, Equatable {
    /// Recorded and placed in the repository.
    case accepted(sha256: String, repoPath: String, kind: FrameKind, night: Night, rule: String)
    /// The same bytes are already in the repository; the spool copy was removed.
    case duplicate(sha256: String, existingRepoPath: String)
    /// Rejected: moved to the quarantine with a reason file.
    case quarantined(reason: String, quarantinePath: String)
    /// Not ready yet (still being written); look again after `retryAfter` seconds.
    case waiting(reason: String, retryAfter: Double)
    /// Gone before we looked (handled by another worker, or removed by its owner).
    case vanished
}
