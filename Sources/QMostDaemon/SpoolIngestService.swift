import Foundation
import GRDB
import Logging
import QMostCore
import QMostEngine
import QMostStore
import QMostWatch
import ServiceLifecycle

/// Feeds the queue from the spool: every candidate the watcher reports becomes an ingest job (one live job
/// per path, so scans repeating a file cost nothing), and overflows and rescans are counted for `status`.
public struct SpoolIngestService: Service {
    public let configuration: QMostCore.Configuration
    public let repository: Repository
    public let scheduler: Scheduler
    public let logger: Logger

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
        let raw = configuration.spoolRawPath + "/"
        try await withGracefulShutdownHandler {
            for await event in watcher.events() {
                if Task.isShuttingDownGracefully { break }
                try await handle(event, rawPrefix: raw)
            }
        } onGracefulShutdown: {
            watcher.stop()
        }
        watcher.stop()
    }

    private func handle(_ event: WatchEvent, rawPrefix: String) async throws {
        switch event {
        case .candidate(let path, _):
            // Scans report every file still in the spool, and a backlog can be large: a read (never blocked by
            // the writer in WAL mode) finds those already queued without taking the write lock. A file waiting to
            // be complete is looked at again at once when its writer closes it.
            let queue = JobQueue(repository: repository)
            if try !queue.wakeLiveJob(stage: StageName.ingest.rawValue, subject: path) {
                let source = path.hasPrefix(rawPrefix) ? "spool/raw" : "spool/dxu"
                try queue.enqueue(scheduler.ingestRequest(path: path, source: source, now: Date().timestamp))
            }
            scheduler.doorbell.ring()
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
            try repository.log(Event(level: .warning, kind: "watch.warning", stage: "ingest", message: text))
        }
    }
}
