/// How a `SpoolWatcher` watches.
public struct SpoolWatcherConfiguration: Sendable {
    /// Directories to watch recursively (e.g. spool/raw and spool/dxu). Each must exist, and none
    /// may lie inside another (its files would be reported twice).
    public var roots: [String]
    /// How long after the last full scan every root is rescanned regardless of events: the
    /// backstop for anything inotify cannot report (network file systems, watch-limit failures,
    /// bugs). Overflow and requested rescans restart the interval. Must be positive.
    public var reconcileInterval: Duration
    /// How many events may wait for the consumer before the reader thread pauses; nil means no
    /// limit. Nothing is ever dropped: while paused, events queue in the kernel, and if its queue
    /// overflows the watcher rescans.
    public var eventBufferLimit: Int?
    /// The longest the reader thread waits in poll(2) before looking at stop and rescan requests.
    /// Events themselves are delivered as soon as they arrive, whatever this is.
    public var pollInterval: Duration

    public init(
        roots: [String],
        reconcileInterval: Duration = .seconds(60),
        eventBufferLimit: Int? = nil,
        pollInterval: Duration = .milliseconds(100)
    ) {
        self.roots = roots
        self.reconcileInterval = reconcileInterval
        self.eventBufferLimit = eventBufferLimit
        self.pollInterval = pollInterval
    }
}

/// Why a `SpoolWatcher` could not be created.
public enum SpoolWatcherError: Error, Equatable, CustomStringConvertible {
    /// The configuration lists no root at all.
    case noRoots
    /// A configured root does not exist (it is never created: a missing spool is a deployment error).
    case missingRoot(String)
    /// A configured root exists but is not a directory.
    case rootNotADirectory(String)
    /// Overlapping roots or an out-of-range setting; the text says which.
    case invalidConfiguration(String)

    /// A message naming the offending path or setting.
    public var description: String {
        switch self {
        case .noRoots: "spool watcher: no roots configured"
        case .missingRoot(let path): "spool watcher: root '\(path)' does not exist"
        case .rootNotADirectory(let path): "spool watcher: root '\(path)' is not a directory"
        case .invalidConfiguration(let reason): "spool watcher: \(reason)"
        }
    }
}
