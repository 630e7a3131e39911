import Crypto
import Foundation
import GRDB
import Logging
import QMostCore
import QMostStore
import ServiceLifecycle
import Synchronization

/// Runs the durable queue: a pool of workers that claim, run and settle jobs, and a reaper for lost leases.
///
/// On graceful shutdown (SIGTERM/SIGINT) workers stop claiming and finish the job in hand; nothing is lost
/// if the process is killed instead, because a claimed job's lease simply expires and the job runs again.
public final class JobEngine: Service, Sendable {
    public let context: StageContext
    public let queue: JobQueue
    public let workerCount: Int
    let runners: [StageName: any StageRunner]
    /// Each stage's parameters hash, computed once: the configuration does not change while the engine runs.
    let paramsHashes: [StageName: String]
    private let stopping = Mutex(false)
    private let workerPrefix: String

    public init(context: StageContext, runners: [StageName: any StageRunner], workers: Int? = nil) {
        self.context = context
        self.queue = JobQueue(repository: context.repository)
        self.runners = runners
        paramsHashes = Dictionary(uniqueKeysWithValues: StageName.allCases.map { stage in
            let params = context.configuration.settings(for: stage).parameters.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
            return (stage, String(hexString(SHA256.hash(data: Data(params.utf8))).prefix(16)))
        })
        let configured = context.configuration.engine.workers
        // Two per core by default: ingest alternates CPU (hashing, validation) with waits (fsync, the database),
        // so one worker per core leaves cores idle.
        workerCount = max(1, workers ?? (configured > 0 ? configured : 2 * ProcessInfo.processInfo.activeProcessorCount))
        workerPrefix = "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    /// The stages this engine runs: built-in ones plus those configured with a command.
    public static func runners(for configuration: QMostCore.Configuration) -> [StageName: any StageRunner] {
        var runners: [StageName: any StageRunner] = [:]
        for def in StageGraph.definitions where configuration.isEnabled(def.name) {
            let settings = configuration.settings(for: def.name)
            if let command = settings.command {
                runners[def.name] = ExternalCommandStage(stage: def.name, argv: command, timeoutSeconds: settings.timeoutSeconds)
            } else if def.name == .ingest {
                runners[def.name] = IngestStage()
            } else if def.name == .l1 {
                runners[def.name] = L1Stage(configuration: configuration)
            } else if def.name == .qa {
                runners[def.name] = QAStage()
            } else if def.name == .qaAnalyse {
                runners[def.name] = QAAnalyseStage(configuration: configuration)
            } else if def.name == .l2 {
                runners[def.name] = L2Stage(configuration: configuration)
            }
        }
        return runners
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<workerCount {
                    group.addTask { await self.workerLoop(name: "\(self.workerPrefix)/\(i)") }
                }
                group.addTask { await self.reaperLoop() }
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Stops claiming new jobs; jobs in hand finish.
    public func stop() {
        stopping.withLock { $0 = true }
        context.scheduler.doorbell.ring()
    }

    private var isStopping: Bool { stopping.withLock { $0 } || Task.isCancelled }

    private var idleWait: Duration { .milliseconds(Int(context.configuration.engine.pollMilliseconds)) }

    private func workerLoop(name: String) async {
        let stages = runners.keys.map(\.rawValue)
        while !isStopping {
            let job: Job?
            do {
                let lease = context.configuration.engine.leaseSeconds
                job = try await context.repository.pool.write { db in
                    try JobQueue.claim(worker: name, lease: lease, stages: stages, now: Date().timestamp, in: db)
                }
            } catch {
                context.logger.error("claim failed", metadata: ["error": "\(error)"])
                await context.scheduler.doorbell.wait(timeout: .seconds(1))
                continue
            }
            guard let job else {
                await context.scheduler.doorbell.wait(timeout: idleWait)
                continue
            }
            await execute(job, worker: name)
        }
    }

    private func reaperLoop() async {
        while !isStopping {
            do {
                let reaped = try queue.reapExpiredLeases()
                for job in reaped where job.attempts >= job.maxAttempts {
                    try raiseDeadAlert(job: job, error: "lease expired: the worker stopped while running it")
                }
                if !reaped.isEmpty { context.scheduler.doorbell.ring() }
            } catch {
                context.logger.error("reaper failed", metadata: ["error": "\(error)"])
            }
            let interval = min(max(context.configuration.engine.leaseSeconds / 4, 0.2), 15)
            await context.scheduler.doorbell.wait(timeout: .milliseconds(Int(interval * 1000)))
        }
    }
}
