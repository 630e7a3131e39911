/// A snapshot of the watcher's counters, for metrics and health checks.
public struct WatchCounters: Sendable, Equatable {
    /// inotify records read, including overflow markers.
    public var eventsReceived = 0
    /// Candidates handed to the consumer, from events and scans alike.
    public var candidatesEmitted = 0
    /// inotify queue overflows; each one caused a full rescan.
    public var overflows = 0
    /// Full scans of all roots after the start-up one (periodic, overflow, requested).
    public var rescans = 0
    /// Scans of a single directory tree that appeared while watching.
    public var newDirectoryScans = 0
    /// Directories currently under an inotify watch.
    public var watchedDirectories = 0
    /// Watches refused because the per-user limit (fs.inotify.max_user_watches) was reached;
    /// those directories are covered by scans only.
    public var watchLimitErrors = 0

    public init() {}
}
