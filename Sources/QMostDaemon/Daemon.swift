import Foundation
import GRDB
import Logging
import QMostAlerts
import QMostCore
import QMostEngine
import QMostStore
import QMostWatch
import ServiceLifecycle
import UnixSignals

/// The daemon: turns a configuration into its services and runs them until SIGTERM/SIGINT.
///
/// Services start in dependency order (engine, alerts, spool) and shut down in reverse, so on SIGTERM the
/// spool stops feeding first, then workers finish the job in hand, then the last alerts go out.
public struct Daemon: Sendable {
    public let configuration: QMostCore.Configuration
    public let logger: Logger

    public init(configuration: QMostCore.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Catches SIGTERM and SIGINT until the service group traps them, so that one arriving during startup ends in
    /// a clean shutdown; `run` calls it too, and calling it again changes nothing.
    public static func trapStartupSignals() { StartupSignals.trap() }

    /// Runs until a shutdown signal or, with `untilIdle`, until the spool is drained and no job is ready.
    public func run(untilIdle: Bool = false) async throws {
        StartupSignals.trap()
        try Installation.prepare(configuration)
        let lock = try InstanceLock(path: configuration.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let repository = try Repository(path: configuration.databasePath)
        try repository.recordDaemon(pid: getpid(), startedAt: Date().timestamp, version: QMostVersion.current)
        try repository.log(Event(kind: "daemon.started", message: "qmostd \(QMostVersion.current) started (pid \(getpid())) on \(configuration.root)"))
        try Reconciler.reconcileQuarantine(configuration: configuration, repository: repository, logger: logger)
        _ = try JobQueue(repository: repository).releaseOrphanedLeases()

        let doorbell = Doorbell()
        let scheduler = Scheduler(configuration: configuration, doorbell: doorbell)
        let context = StageContext(configuration: configuration, repository: repository, scheduler: scheduler, logger: logger)
        let engine = JobEngine(context: context, runners: JobEngine.runners(for: configuration))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: StartupSignalService(), successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: engine),
            .init(service: HeartbeatService(repository: repository)),
        ]
        if configuration.alerts.enabled {
            let mailer = try AlertMailer(configuration: configuration)
            services.append(.init(service: AlertSender(repository: repository, mailer: mailer, logger: logger)))
        }
        services.append(.init(service: SpoolIngestService(configuration: configuration, repository: repository,
                                                          scheduler: scheduler, logger: logger)))
        if untilIdle {
            services.append(.init(service: IdleMonitor(configuration: configuration, repository: repository),
                                  successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
        try repository.log(Event(kind: "daemon.stopped", message: "qmostd stopped cleanly (pid \(getpid()))"))
    }
}

/// Keeps the daemon row's heartbeat fresh so `status` can tell a live daemon from a dead one.
struct HeartbeatService: Service {
    let repository: Repository
    func run() async throws {
        // A graceful shutdown does not interrupt a sleep, and there is nothing to finish here: cancel the loop
        // at once, or every SIGTERM would wait up to one beat (5 s) for this service.
        await cancelWhenGracefulShutdown { [repository] in
            while !Task.isCancelled {
                try? repository.daemonHeartbeat()
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }
}

/// Ends a `run --until-idle` once the spool holds no eligible file and no job is running or due soon.
struct IdleMonitor: Service {
    let configuration: QMostCore.Configuration
    let repository: Repository
    func run() async throws {
        var quietChecks = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(500)) }
            let now = Date().timestamp
            let busy = try await repository.pool.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM jobs WHERE state = 'running' OR (state = 'pending' AND not_before <= ?)
                    """, arguments: [now + 5]) ?? 0
            }
            let spool = SpoolScanner.eligibleFiles(under: configuration.spoolRawPath).count
                + SpoolScanner.eligibleFiles(under: configuration.spoolDXUPath).count
            quietChecks = busy == 0 && spool == 0 ? quietChecks + 1 : 0
            if quietChecks >= 3 { return }
        }
    }
}

