import Foundation
import GRDB
import Logging
import QMostCore
import QMostStore
import QMostTesting
import Synchronization
@testable import QMostEngine

/// An installation folder, its database and an engine context, for engine tests.
final class EngineFixture: Sendable {
    let dir: TemporaryDirectory
    let configuration: QMostCore.Configuration
    let repository: Repository
    let context: StageContext
    var queue: JobQueue { JobQueue(repository: repository) }

    /// `engine` adds keys to the engine section (e.g. `max_attempts: 2`); `yaml` adds other sections.
    init(engine: String = "", yaml: String = "") throws {
        dir = try TemporaryDirectory("qmost-engine")
        let engineKeys = ["workers: 2, lease_s: 5, heartbeat_s: 1, backoff_base_s: 0.05, backoff_max_s: 0.2, poll_ms: 20", engine]
            .filter { !$0.isEmpty }.joined(separator: ", ")
        var config = try QMostCore.Configuration.parse("""
            engine: {\(engineKeys)}
            \(yaml)
            """, path: "test")
        config.root = dir.path
        configuration = config
        repository = try Repository(path: dir.file("qmost.db"))
        context = StageContext(configuration: config, repository: repository,
                               scheduler: Scheduler(configuration: config, doorbell: Doorbell()),
                               logger: Logger(label: "test"))
    }

    /// Runs an engine until `done` holds (checked every 20 ms) or `timeout` passes; returns whether it held.
    /// The timeout is generous because other suites running in parallel may hold the cooperative pool for seconds.
    func runEngine(runners: [StageName: any StageRunner], timeout: Double = 45,
                   until done: @Sendable () throws -> Bool) async throws -> Bool {
        let engine = JobEngine(context: context, runners: runners)
        let task = Task { try await engine.run() }
        let deadline = Date().addingTimeInterval(timeout)
        var ok = false
        while Date() < deadline {
            if try done() { ok = true; break }
            try await Task.sleep(for: .milliseconds(20))
        }
        engine.stop()
        _ = try? await task.value
        return ok
    }

    /// Adds a frame row for `night` so night-level stages have an input.
    func addFrame(night: String, sha: String = UUID().uuidString, kind: String = "bias") throws {
        try repository.pool.write { db in
            var f = FileRecord(sha256: sha, size: 1, originalName: "f.fits", spoolPath: "/s/\(sha)", repoPath: "repo/raw/\(night)/\(sha).fits",
                               source: "spool/raw", ingestedAt: 0)
            try f.insert(db)
            try db.execute(sql: """
                INSERT INTO frames (file_id, kind, rule, night, hdus, checksum) VALUES (?, ?, 'test', ?, 1, 'absent')
                """, arguments: [f.id, kind, night])
            try Repository.touchNight(night, at: 0, in: db)
        }
    }
}

/// A stage that fails a set number of times, then succeeds; counts its runs.
final class FlakyStage: StageRunner {
    let failures: Int
    let fatal: Bool
    let runs = Mutex(0)
    init(failures: Int, fatal: Bool) {
        self.failures = failures
        self.fatal = fatal
    }
    var codeVersion: String { "flaky-1" }
    var skipsRepeatedRuns: Bool { true }

    func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult {
        let n = runs.withLock { $0 += 1; return $0 }
        if n <= failures { throw fatal ? .fatal("broken input \(n)") : .retriable("transient \(n)") }
        return .done(summary: "ok after \(n)")
    }
}

/// A stage that takes a while, to test graceful shutdown.
final class SlowStage: StageRunner {
    let seconds: Double
    let started = Mutex(false)
    init(seconds: Double) { self.seconds = seconds }
    var codeVersion: String { "slow-1" }
    var skipsRepeatedRuns: Bool { false }

    func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult {
        started.withLock { $0 = true }
        // Deliberately not cancellable: a stage in hand finishes even while the engine shuts down.
        let micros = UInt32(seconds * 1_000_000)
        await BlockingWork.run { usleep(micros) }
        return .done(summary: "slept")
    }
}

/// A stage that adds a frame to its night during its first run (the inputs change while it runs); counts its runs.
final class InputChangingStage: StageRunner {
    let fixture: EngineFixture
    let reruns: Bool
    let runs = Mutex(0)
    init(fixture: EngineFixture, reruns: Bool) {
        self.fixture = fixture
        self.reruns = reruns
    }
    var codeVersion: String { "changing-1" }
    var skipsRepeatedRuns: Bool { true }
    var rerunsWhenInputsChange: Bool { reruns }

    func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult {
        let n = runs.withLock { $0 += 1; return $0 }
        if n == 1 {
            do { try fixture.addFrame(night: job.night!) } catch { throw .fatal("adding a frame: \(error)") }
        }
        return .done(summary: "run \(n)")
    }
}
