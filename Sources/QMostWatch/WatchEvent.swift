/// What the spool watcher reports. Candidates may repeat (a file can be both seen by a scan and
/// announced by inotify, and every periodic scan re-reports what is still in the spool): the
/// consumer must treat a candidate as "look at this path", not as "this is new".
public enum WatchEvent: Sendable, Equatable {
    /// A file that may be ready for ingest.
    case candidate(path: String, origin: Origin)
    /// The kernel's inotify queue overflowed and events were lost; a full rescan follows.
    case overflow
    /// A scan finished, having reported `files` candidates.
    case scanCompleted(reason: ScanReason, files: Int)
    /// Something the operator should know about that did not stop the watcher.
    case warning(String)
}

/// How a candidate was found.
public enum Origin: Sendable, Hashable {
    /// The file was closed after being written in place.
    case closeWrite
    /// The file was renamed into a watched directory.
    case movedIn
    /// A directory walk found it.
    case scan
}

/// Why a scan ran.
public enum ScanReason: Sendable, Hashable {
    /// The first scan, when the event stream starts.
    case startup
    /// The reconciliation backstop, every `reconcileInterval`.
    case periodic
    /// After an inotify queue overflow.
    case overflow
    /// Through `SpoolWatcher.requestRescan()`.
    case requested
    /// A directory appeared (created or moved in); only that directory tree is scanned.
    case newDirectory
}
