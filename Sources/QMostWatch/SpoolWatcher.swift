import Foundation
import Logging
import Synchronization

/// Watches the spool roots and reports files that may be ready for ingest.
///
/// inotify provides the latency (a closed or renamed-in file is reported within milliseconds);
/// scans provide the correctness: one at start-up, one every `reconcileInterval`, one after every
/// inotify queue overflow, one for every directory that appears (it may arrive already full), and
/// one whenever `requestRescan()` is called. All inotify work happens on a dedicated thread so the
/// cooperative pool is never blocked.
public final class SpoolWatcher: Sendable {
    /// The configuration in force, with roots made absolute.
    public let configuration: SpoolWatcherConfiguration
    let logger: Logger
    let queue: WatchEventQueue
    private let control = Mutex(Control())
    private let counterStore = Mutex(WatchCounters())

    /// Requests from other threads to the reader thread, which picks them up at least every
    /// `pollInterval`.
    struct Control {
        var started = false
        var stopRequested = false
        var rescanRequested = false
        var injectedOverflows = 0
    }

    struct Requests {
        var stop: Bool
        var rescan: Bool
        var injectedOverflows: Int
    }

    /// Checks the configuration; throws `SpoolWatcherError` naming a root that is missing or not
    /// a directory, and rejects overlapping roots and non-positive intervals. Nothing is watched
    /// until `events()` is called.
    public init(configuration: SpoolWatcherConfiguration, logger: Logger) throws {
        guard !configuration.roots.isEmpty else { throw SpoolWatcherError.noRoots }
        guard configuration.reconcileInterval > .zero else {
            throw SpoolWatcherError.invalidConfiguration("reconcileInterval must be positive")
        }
        guard configuration.pollInterval > .zero else {
            throw SpoolWatcherError.invalidConfiguration("pollInterval must be positive")
        }
        if let limit = configuration.eventBufferLimit, limit < 1 {
            throw SpoolWatcherError.invalidConfiguration("eventBufferLimit must be at least 1")
        }
        var normalized = configuration
        normalized.roots = try configuration.roots.map { root in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
                throw SpoolWatcherError.missingRoot(root)
            }
            guard isDirectory.boolValue else { throw SpoolWatcherError.rootNotADirectory(root) }
            return Self.absolute(root)
        }
        for root in normalized.roots {
            if let outer = normalized.roots.first(where: { $0 != root && (root.hasPrefix($0 + "/") || $0 == "/") }) {
                throw SpoolWatcherError.invalidConfiguration("root '\(root)' lies inside root '\(outer)'")
            }
        }
        if Set(normalized.roots).count != normalized.roots.count {
            throw SpoolWatcherError.invalidConfiguration("a root is listed twice")
        }
        self.configuration = normalized
        self.logger = logger
        self.queue = WatchEventQueue(limit: configuration.eventBufferLimit)
    }

    /// The watcher's events, for exactly one consumer. The first call starts the reader thread,
    /// the start-up scan and the periodic reconciliation; cancelling the consuming task, or
    /// dropping the stream, stops the watcher and closes its inotify descriptor. Later calls,
    /// and calls after `stop()`, return a stream that is already finished.
    public func events() -> AsyncStream<WatchEvent> {
        let starting = control.withLock { control in
            guard !control.started, !control.stopRequested else { return false }
            control.started = true
            return true
        }
        guard starting else {
            logger.error("spool watcher: events() called again or after stop(); returning a finished stream")
            return AsyncStream { $0.finish() }
        }
        let thread = Thread { [self] in WatchLoop(watcher: self).run() }
        thread.name = "qmost-spool-watch"
        thread.start()
        let consumer = Consumer(watcher: self)
        return AsyncStream(unfolding: { await consumer.next() }, onCancel: { consumer.watcher.stop() })
    }

    /// Asks for a full rescan of every root, as soon as the reader thread is free.
    public func requestRescan() {
        control.withLock { $0.rescanRequested = true }
    }

    /// The counters as of now.
    public var counters: WatchCounters {
        counterStore.withLock { $0 }
    }

    /// Stops watching. Returns at once; the reader thread closes the inotify descriptor and then
    /// ends the event stream, within about one `pollInterval`. Idempotent.
    public func stop() {
        let started = control.withLock { control in
            control.stopRequested = true
            return control.started
        }
        if started { queue.close() } else { queue.finish() }
    }

    /// Feeds a synthetic IN_Q_OVERFLOW record through the reader thread's normal decoding and
    /// handling, so tests can exercise overflow recovery without exhausting the kernel queue.
    package func injectOverflowForTesting() {
        control.withLock { $0.injectedOverflows += 1 }
    }

    // MARK: Reader-thread interface

    var isStopRequested: Bool {
        control.withLock { $0.stopRequested }
    }

    func takeRequests() -> Requests {
        control.withLock { control in
            defer {
                control.rescanRequested = false
                control.injectedOverflows = 0
            }
            return Requests(
                stop: control.stopRequested, rescan: control.rescanRequested,
                injectedOverflows: control.injectedOverflows)
        }
    }

    func updateCounters(_ body: (inout WatchCounters) -> Void) {
        counterStore.withLock { body(&$0) }
    }

    private static func absolute(_ path: String) -> String {
        var path = path.hasPrefix("/") ? path : DirectoryReader.join(FileManager.default.currentDirectoryPath, path)
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}

/// Owned by the event stream's closures: when the stream and its iterator are released (the
/// consumer left its loop), this goes too and stops the watcher, so an abandoned stream cannot
/// keep the thread and the inotify descriptor alive.
private final class Consumer: Sendable {
    let watcher: SpoolWatcher

    init(watcher: SpoolWatcher) {
        self.watcher = watcher
    }

    deinit { watcher.stop() }

    func next() async -> WatchEvent? {
        await watcher.queue.next()
    }
}
