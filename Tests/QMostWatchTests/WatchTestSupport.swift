import Foundation
import Glibc
import Logging
import Synchronization
import Testing

import QMostWatch

/// A scratch directory with a spool root inside it (and room beside it for staging trees that are
/// then moved in), removed when the value is released.
final class ScratchSpool {
    let base: String
    let root: String

    /// `inMemory` puts the spool on /dev/shm where available: creating tens of thousands of files
    /// there does not depend on how busy the disk is.
    init(inMemory: Bool = false) throws {
        let parent =
            inMemory && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : FileManager.default.temporaryDirectory.path
        base = parent + "/qmost-watch-\(UUID().uuidString)"
        root = base + "/spool/raw"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// Writes and closes a file, the way an in-place writer would; returns its path.
    @discardableResult
    func write(_ relative: String, in directory: String? = nil, bytes: Int = 16) throws -> String {
        let path = (directory ?? root) + "/" + relative
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let payload = [UInt8](repeating: 0x2A, count: bytes)
        _ = payload.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return path
    }

    @discardableResult
    func mkdir(_ relative: String, in directory: String? = nil) throws -> String {
        let path = (directory ?? root) + "/" + relative
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}

/// Consumes a watcher's stream on its own task and keeps every event with its arrival time,
/// so tests can wait for conditions without owning the iterator.
final class EventRecorder: Sendable {
    struct Received: Sendable {
        let event: WatchEvent
        let at: ContinuousClock.Instant
    }

    private let received = Mutex<[Received]>([])
    /// Kept alongside so that waiting on tens of thousands of candidates stays cheap.
    private let distinct = Mutex<Set<String>>([])
    private let ended = Mutex(false)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ stream: AsyncStream<WatchEvent>) {
        let consumer = Task { [self] in
            for await event in stream {
                let now = ContinuousClock.now
                received.withLock { $0.append(Received(event: event, at: now)) }
                if case .candidate(let path, _) = event { distinct.withLock { _ = $0.insert(path) } }
            }
            ended.withLock { $0 = true }
        }
        task.withLock { $0 = consumer }
    }

    var events: [WatchEvent] { received.withLock { $0.map(\.event) } }
    var log: [Received] { received.withLock { $0 } }
    var hasEnded: Bool { ended.withLock { $0 } }
    /// Every candidate path seen so far, whatever its origin.
    var distinctCandidates: Set<String> { distinct.withLock { $0 } }
    var distinctCandidateCount: Int { distinct.withLock { $0.count } }

    func candidates(origin: Origin? = nil) -> [String] {
        events.compactMap { event in
            guard case .candidate(let path, let found) = event, origin == nil || found == origin else { return nil }
            return path
        }
    }

    func scans(_ reason: ScanReason) -> [Int] {
        events.compactMap { event in
            guard case .scanCompleted(reason, let files) = event else { return nil }
            return files
        }
    }

    func cancel() { task.withLock { $0?.cancel() } }

    /// Polls `condition` every 2 ms until it holds or `timeout` passes; returns whether it held.
    func wait(timeout: Duration = .seconds(5), until condition: (EventRecorder) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return condition(self)
    }
}

/// Log records kept by `RecordingLogHandler`, so tests can check what an operator would read.
final class LogRecords: Sendable {
    private let records = Mutex<[(level: Logger.Level, message: String)]>([])
    var all: [(level: Logger.Level, message: String)] { records.withLock { $0 } }
    func append(_ level: Logger.Level, _ message: String) { records.withLock { $0.append((level, message)) } }
}

struct RecordingLogHandler: LogHandler {
    let store: LogRecords
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .debug

    func log(event: LogEvent) {
        store.append(event.level, "\(event.message)")
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}

/// The inotify descriptors this process holds; counted by their /proc link target so that other
/// descriptors opened concurrently by unrelated tests do not disturb the count.
func inotifyDescriptorCount() -> Int {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return entries.filter { entry in
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry)) == "anon_inode:inotify"
    }.count
}

func makeWatcher(
    _ spool: ScratchSpool,
    reconcile: Duration = .seconds(600),
    bufferLimit: Int? = nil,
    logs: LogRecords? = nil
) throws -> SpoolWatcher {
    let logger: Logger
    if let logs {
        logger = Logger(label: "qmost.watch.test") { _ in RecordingLogHandler(store: logs) }
    } else {
        logger = Logger(label: "qmost.watch.test") { _ in SwiftLogNoOpLogHandler() }
    }
    return try SpoolWatcher(
        configuration: SpoolWatcherConfiguration(
            roots: [spool.root], reconcileInterval: reconcile, eventBufferLimit: bufferLimit),
        logger: logger)
}
