import Foundation
import Logging

/// The reader thread's state and logic. It lives and dies on that one thread, so nothing in it
/// is locked; the rest of the world reaches it only through `SpoolWatcher`'s requests and queue.
///
/// Scans run on this thread too, between reads. That keeps the watch table single-threaded, and
/// events arriving meanwhile simply wait in the kernel queue (or overflow it, which is recovered).
final class WatchLoop {
    private struct WatchedDirectory: Equatable {
        var path: String
        var identity: FileIdentity?
        var isRoot: Bool
    }

    /// Large enough for thousands of records per read; the minimum is one record with a
    /// NAME_MAX name, which a few hundred bytes would satisfy.
    static let readBufferSize = 256 * 1024

    private let watcher: SpoolWatcher
    private let logger: Logger
    private let roots: [String]
    private let reconcileInterval: Duration
    private let pollInterval: Duration
    private let clock = ContinuousClock()
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var inotify: Inotify?
    private var watches: [Int32: WatchedDirectory] = [:] {
        didSet {
            if watches.count != oldValue.count {
                let count = watches.count
                watcher.updateCounters { $0.watchedDirectories = count }
            }
        }
    }
    private var nextReconcile: ContinuousClock.Instant
    private var overflowRescanPending = false
    /// One warning per full scan is enough to tell the operator; the counter has the rest.
    private var watchLimitReported = false
    private var stopping = false

    init(watcher: SpoolWatcher) {
        self.watcher = watcher
        self.logger = watcher.logger
        self.roots = watcher.configuration.roots
        self.reconcileInterval = watcher.configuration.reconcileInterval
        self.pollInterval = watcher.configuration.pollInterval
        self.readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: MemoryLayout<Int32>.alignment)
        self.nextReconcile = clock.now + reconcileInterval
    }

    deinit { readBuffer.deallocate() }

    func run() {
        defer { shutDown() }
        openInotify()
        fullScan(.startup)
        while !isStopping() {
            let requests = watcher.takeRequests()
            for _ in 0..<requests.injectedOverflows {
                let record = RawInotifyEvent(wd: -1, mask: .queueOverflow)
                handle(InotifyEventParser.parse(InotifyEventParser.encode([record])))
            }
            rescanAfterOverflowIfNeeded()
            if requests.rescan { fullScan(.requested) }
            if clock.now >= nextReconcile { fullScan(.periodic) }
            guard !isStopping() else { break }
            waitAndRead()
            rescanAfterOverflowIfNeeded()
        }
    }

    // MARK: inotify

    private func openInotify() {
        do {
            inotify = try Inotify()
        } catch {
            // Degrade to the polling backstop rather than not watching at all.
            warn("cannot initialise inotify (\(error)); spool changes will be seen only by scans every \(reconcileInterval)")
        }
    }

    private func waitAndRead() {
        let timeout = pollTimeoutMilliseconds()
        guard let inotify else {
            Inotify.sleep(milliseconds: timeout)
            return
        }
        guard inotify.waitReadable(timeoutMilliseconds: timeout) else { return }
        switch inotify.read(into: readBuffer) {
        case .bytes(let count):
            handle(InotifyEventParser.parse(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count])))
        case .nothing:
            break
        case .failed(let error):
            warn("reading inotify failed (\(error)); falling back to scans every \(reconcileInterval)")
            inotify.close()
            self.inotify = nil
            watches = [:]
        }
    }

    private func pollTimeoutMilliseconds() -> Int32 {
        let untilReconcile = nextReconcile - clock.now
        let wait = max(.zero, min(pollInterval, untilReconcile))
        let (seconds, attoseconds) = wait.components
        // Rounded up so a wait just short of the deadline does not spin with a zero timeout.
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    private func handle(_ records: [RawInotifyEvent]) {
        guard !records.isEmpty else { return }
        watcher.updateCounters { $0.eventsReceived += records.count }
        for record in records {
            guard !isStopping() else { return }
            handle(record)
        }
    }

    private func handle(_ record: RawInotifyEvent) {
        if record.isOverflow {
            overflowed()
            return
        }
        if record.mask.contains(.ignored) {
            // The kernel dropped the watch (directory deleted, file system unmounted, or we removed it).
            if let directory = watches.removeValue(forKey: record.wd), directory.isRoot {
                warn("spool root \(directory.path) is no longer watched; it is checked again at every scan")
            }
            return
        }
        guard let directory = watches[record.wd] else { return }  // a watch already dropped
        if record.mask.contains(.moveSelf) || record.mask.contains(.deleteSelf) {
            pruneStaleWatches(under: directory.path)
            return
        }
        guard let name = record.name else { return }
        let path = DirectoryReader.join(directory.path, name)
        if record.mask.contains(.isDirectory) {
            // Files may already be inside (mkdir -p and write, or a whole directory moved in), and
            // those produce no events of their own: watch it and scan it.
            if record.mask.contains(.create) || record.mask.contains(.movedTo), !name.hasPrefix(".") {
                scanNewDirectory(path)
            }
            return
        }
        guard SpoolScanner.isEligible(name: name) else { return }
        if record.mask.contains(.closeWrite) {
            emit(.candidate(path: path, origin: .closeWrite))
        } else if record.mask.contains(.movedTo), DirectoryReader.isRegularFile(path) {
            // A rename can bring in a link to a directory or a device; only regular files are candidates.
            emit(.candidate(path: path, origin: .movedIn))
        }
    }

    /// The overflow marker is never dropped: it is counted, logged, reported, and answered with a
    /// full rescan once the rest of this read has been handled.
    private func overflowed() {
        watcher.updateCounters { $0.overflows += 1 }
        let limit = InotifyLimits.maxQueuedEvents.map(String.init) ?? "unknown"
        logger.warning(
            "inotify event queue overflowed; events were lost, rescanning every spool root",
            metadata: ["fs.inotify.max_queued_events": "\(limit)"])
        emit(.overflow)
        overflowRescanPending = true
    }

    private func rescanAfterOverflowIfNeeded() {
        guard overflowRescanPending else { return }
        overflowRescanPending = false
        fullScan(.overflow)
    }

    // MARK: Watches

    private func addWatch(_ path: String, isRoot: Bool) {
        guard let inotify else { return }
        // Subdirectories must not be followed if a link replaced them after they were listed;
        // roots may be links on purpose.
        let mask: InotifyMask = isRoot ? .spoolDirectory : InotifyMask.spoolDirectory.union(.dontFollow)
        switch inotify.addWatch(path: path, mask: mask) {
        case .success(let wd):
            // The same inode returns the same descriptor, so a directory that moved within the
            // tree is re-pointed at its new path here.
            let existing = watches[wd]
            let watched = WatchedDirectory(
                path: path, identity: DirectoryReader.identity(of: path), isRoot: isRoot || existing?.isRoot == true)
            if existing != watched { watches[wd] = watched }
        case .failure(let error) where error.isWatchLimit:
            watcher.updateCounters { $0.watchLimitErrors += 1 }
            if !watchLimitReported {
                watchLimitReported = true
                let limit = InotifyLimits.maxUserWatches.map(String.init) ?? "unknown"
                warn(
                    "inotify watch limit reached (fs.inotify.max_user_watches = \(limit)) at \(path); "
                        + "unwatched directories are covered only by scans every \(reconcileInterval)")
            }
        case .failure(let error) where error.isVanished:
            logger.debug("directory vanished before it could be watched", metadata: ["path": "\(path)"])
        case .failure(let error):
            warn("cannot watch \(path): \(error); it is covered only by scans")
        }
    }

    /// Drops watches at or under `prefix` (all of them if nil) whose path no longer names the
    /// directory that was watched: it was moved out of the tree or deleted. A directory moved
    /// within the tree was already re-pointed when its new name was scanned, so it survives.
    private func pruneStaleWatches(under prefix: String?) {
        let stale = watches.filter { _, directory in
            if let prefix, directory.path != prefix, !directory.path.hasPrefix(prefix + "/") { return false }
            let identity = DirectoryReader.identity(of: directory.path)
            return identity == nil || identity != directory.identity
        }
        for (wd, directory) in stale {
            inotify?.removeWatch(wd)
            watches[wd] = nil
            if directory.isRoot {
                warn("spool root \(directory.path) was moved or deleted; it is checked again at every scan")
            }
        }
    }

    // MARK: Scans

    private func fullScan(_ reason: ScanReason) {
        watchLimitReported = false
        pruneStaleWatches(under: nil)
        var files = 0
        for root in roots {
            guard DirectoryReader.isDirectory(root) else {
                warn("spool root \(root) is missing or not a directory")
                continue
            }
            files += scanTree(root, isRoot: true)
            guard !isStopping() else { return }
        }
        logger.debug("spool scan completed", metadata: ["reason": "\(reason)", "files": "\(files)"])
        emit(.scanCompleted(reason: reason, files: files))
        if reason != .startup { watcher.updateCounters { $0.rescans += 1 } }
        nextReconcile = clock.now + reconcileInterval
    }

    private func scanNewDirectory(_ path: String) {
        let files = scanTree(path, isRoot: false)
        guard !isStopping() else { return }
        watcher.updateCounters { $0.newDirectoryScans += 1 }
        emit(.scanCompleted(reason: .newDirectory, files: files))
    }

    /// Watches and lists every directory of the tree, reporting eligible files; returns how many.
    private func scanTree(_ top: String, isRoot: Bool) -> Int {
        var files = 0
        SpoolScanner.walk(
            root: top,
            shouldContinue: { !isStopping() },
            enteringDirectory: { addWatch($0, isRoot: isRoot && $0 == top) },
            file: { path in
                guard emit(.candidate(path: path, origin: .scan)) else { return false }
                files += 1
                return true
            },
            failure: { directory, error in warn("cannot list \(directory): \(error)") })
        return files
    }

    // MARK: Output

    @discardableResult
    private func emit(_ event: WatchEvent) -> Bool {
        guard !stopping else { return false }
        guard watcher.queue.push(event) else {
            stopping = true
            return false
        }
        if case .candidate(let path, let origin) = event {
            watcher.updateCounters { $0.candidatesEmitted += 1 }
            logger.trace("spool candidate", metadata: ["path": "\(path)", "origin": "\(origin)"])
        }
        return true
    }

    private func warn(_ message: String) {
        logger.warning("\(message)")
        emit(.warning(message))
    }

    private func isStopping() -> Bool {
        if !stopping, watcher.isStopRequested { stopping = true }
        return stopping
    }

    /// Closes the descriptor before ending the stream, so a consumer that sees the end can rely
    /// on the descriptor being gone.
    private func shutDown() {
        inotify?.close()
        inotify = nil
        watches = [:]
        watcher.queue.finish()
        logger.debug("spool watcher stopped")
    }
}
