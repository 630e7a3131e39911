import Foundation
import GRDB
import Logging
import QMostCore
import QMostEngine
import QMostStore
import QMostWatch
import ServiceLifecycle
import Synchronization

/// Feeds the queue from the spool: every candidate the watcher reports becomes an ingest job (one live job
/// per path, so scans repeating a file cost nothing), and overflows and rescans are counted for `status`.
///
/// Candidates are gathered and written in batches, one transaction per burst (at most ``batchLimit`` paths):
/// a flood or a rescan of thousands of files then costs a handful of commits instead of one per file, and a
/// single file still reaches the queue within a millisecond or two.
public struct SpoolIngestService: Service {
    public let configuration: QMostCore.Configuration
    public let repository: Repository
    public let scheduler: Scheduler
    public let logger: Logger
    static let batchLimit = 512

    public init(configuration: QMostCore.Configuration, repository: Repository, scheduler: Scheduler, logger: Logger) {
        self.configuration = configuration
        self.repository = repository
        self.scheduler = scheduler
        self.logger = logger
    }

    public func run() async throws {
        let watcher = try SpoolWatcher(
            configuration: SpoolWatcherConfiguration(
                roots: [configuration.spoolRawPath, configuration.spoolDXUPath],
                reconcileInterval: .milliseconds(Int(configuration.watch.reconcileIntervalSeconds * 1000)),
                eventBufferLimit: configuration.watch.eventBuffer),
            logger: logger)
        let inbox = CandidateInbox()
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in watcher.events() {
                        if case .candidate(let path, _) = event { inbox.put(path) } else { try await record(event) }
                    }
                    inbox.close()
                }
                group.addTask {
                    while let batch = await inbox.take(limit: Self.batchLimit) {
                        try await enqueue(batch)
                    }
                }
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            watcher.stop()
        }
    }

    /// Queues an ingest job for each path without one, and makes waiting ones ready now (their writer just
    /// closed them), all in one transaction.
    private func enqueue(_ paths: [String]) async throws {
        let raw = configuration.spoolRawPath + "/"
        let stage = StageName.ingest.rawValue
        let scheduler = self.scheduler
        try await repository.pool.write { db in
            let now = Date().timestamp
            for path in paths {
                if let live = try JobQueue.liveJob(stage: stage, subject: path, in: db) {
                    if let readyAt = live.readyAt, readyAt > now { try JobQueue.wake(jobID: live.id, now: now, in: db) }
                } else {
                    let source = path.hasPrefix(raw) ? "spool/raw" : "spool/dxu"
                    try JobQueue.enqueue(scheduler.ingestRequest(path: path, source: source, now: now), now: now, in: db)
                }
            }
        }
        scheduler.doorbell.ring()
    }

    private func record(_ event: WatchEvent) async throws {
        switch event {
        case .candidate:
            break
        case .overflow:
            try await repository.pool.write { db in
                try Repository.increment("watch.overflows", in: db)
                try Repository.log(Event(level: .warning, kind: "watch.overflow", stage: "ingest",
                                         message: "inotify queue overflowed: events were lost, rescanning the whole spool"), in: db)
            }
        case .scanCompleted(let reason, let files):
            try await repository.pool.write { db in
                try Repository.increment("watch.rescans", in: db)
                if reason == .overflow { try Repository.increment("watch.overflow_rescans", in: db) }
                try Repository.log(Event(level: .debug, kind: "watch.scan", stage: "ingest",
                                         message: "\(reason) scan of the spool found \(files) file(s)"), in: db)
            }
        case .warning(let text):
            try await repository.pool.write { db in
                try Repository.log(Event(level: .warning, kind: "watch.warning", stage: "ingest", message: text), in: db)
            }
        }
    }
}

/// Paths waiting to be queued, deduplicated, handed over in batches.
final class CandidateInbox: Sendable {
    private struct State {
        var paths: [String] = []
        var seen: Set<String> = []
        var closed = false
    }
    private let state = Mutex(State())
    private let bell = Doorbell()

    func put(_ path: String) {
        state.withLock { s in
            if s.seen.insert(path).inserted { s.paths.append(path) }
        }
        bell.ring()
    }

    func close() {
        state.withLock { $0.closed = true }
        bell.ring()
    }

    /// The next batch, waiting for one; nil once closed and drained.
    func take(limit: Int) async -> [String]? {
        while true {
            let (batch, closed) = state.withLock { s -> ([String], Bool) in
                let batch = Array(s.paths.prefix(limit))
                s.paths.removeFirst(batch.count)
                s.seen.subtract(batch)
                return (batch, s.closed)
            }
            if !batch.isEmpty { return batch }
            if closed { return nil }
            await bell.wait(timeout: .seconds(1))
        }
    }
}
