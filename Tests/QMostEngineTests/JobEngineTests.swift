import Foundation
import GRDB
import QMostCore
import QMostStore
import Testing
@testable import QMostEngine

@Suite(.serialized)
struct JobEngineTests {
    @Test func retriableFailuresAreRetriedWithBackoffUntilSuccess() async throws {
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [/bin/true], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        let stage = FlakyStage(failures: 2, fatal: false)
        let ok = try await f.runEngine(runners: [.l1: stage]) { try f.queue.job(id: id)?.state == .done }
        #expect(ok)
        #expect(stage.runs.withLock { $0 } == 3)
        #expect(try f.queue.job(id: id)?.attempts == 3)
        var filter = EventFilter()
        filter.jobID = id
        #expect(try f.repository.events(filter).filter { $0.kind == "job.failed" }.count == 2)
        let runs = try f.repository.runs(jobIDs: [id])
        #expect(runs.map(\.outcome) == ["failed", "failed", "ok"])
    }

    /// A request made while the job runs is absorbed by the live job; a stage that asks for it runs again when its
    /// inputs changed meanwhile, and others keep their one run.
    @Test(arguments: [true, false])
    func inputsChangedWhileRunningRunItAgain(reruns: Bool) async throws {
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [/bin/true], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        let stage = InputChangingStage(fixture: f, reruns: reruns)
        let ok = try await f.runEngine(runners: [.l1: stage]) { try f.queue.job(id: id)?.state == .done }
        #expect(ok)
        #expect(stage.runs.withLock { $0 } == (reruns ? 2 : 1))
        var filter = EventFilter()
        filter.jobID = id
        #expect(try f.repository.events(filter).filter { $0.kind == "job.rerun" }.count == (reruns ? 1 : 0))
    }

    @Test func exhaustedAttemptsGoDeadAndAlert() async throws {
        let f = try EngineFixture(engine: "max_attempts: 2", yaml: "stages:\n  l1: {command: [/bin/true], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        let ok = try await f.runEngine(runners: [.l1: FlakyStage(failures: 10, fatal: false)]) {
            try f.queue.job(id: id)?.state == .dead
        }
        #expect(ok)
        #expect(try f.queue.job(id: id)?.attempts == 2)
        let alerts = try f.repository.dueAlerts()
        #expect(alerts.count == 1)
        #expect(alerts[0].subject.contains("job \(id) dead"))
        #expect(alerts[0].body.contains("transient 2"))
    }

    @Test func fatalErrorsDieAtOnce() async throws {
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [/bin/true], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        let stage = FlakyStage(failures: 1, fatal: true)
        _ = try await f.runEngine(runners: [.l1: stage]) { try f.queue.job(id: id)?.state == .dead }
        #expect(try f.queue.job(id: id)?.attempts == 1)
        #expect(stage.runs.withLock { $0 } == 1)
    }

    @Test func sameInputsRunOnceUnlessForced() async throws {
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [/bin/true], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let stage = FlakyStage(failures: 0, fatal: false)
        for payload in [[:], [:], ["force": "true"]] as [[String: String]] {
            let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01",
                                                                     payload: payload, now: 0))
            _ = try await f.runEngine(runners: [.l1: stage]) { try f.queue.job(id: id)?.state == .done }
        }
        #expect(stage.runs.withLock { $0 } == 2, "second run skipped (same key), third forced")
        var filter = EventFilter()
        filter.minimumLevel = .info
        #expect(try f.repository.events(filter).contains { $0.kind == "job.skipped" })
    }

    @Test func newInputChangesTheKey() async throws {
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [/bin/true], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let stage = FlakyStage(failures: 0, fatal: false)
        for i in 0..<2 {
            if i == 1 { try f.addFrame(night: "2026-01-01") }
            let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
            _ = try await f.runEngine(runners: [.l1: stage]) { try f.queue.job(id: id)?.state == .done }
        }
        #expect(stage.runs.withLock { $0 } == 2)
    }

    @Test func blockedJobsWaitWithAReason() async throws {
        let f = try EngineFixture(yaml: "stages:\n  l2: {command: [/bin/true]}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l2, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        let stage = FlakyStage(failures: 0, fatal: false)
        _ = try await f.runEngine(runners: [.l2: stage], timeout: 1) { try f.queue.job(id: id)?.blockedReason != nil }
        let job = try #require(try f.queue.job(id: id))
        #expect(job.state == .pending)
        #expect(job.blockedReason?.contains("qa_analyse") == true)
        #expect(stage.runs.withLock { $0 } == 0)
        // Validation arrives: the job runs.
        try await f.repository.pool.write { db in
            try db.execute(sql: "UPDATE nights SET validation_state = 2 WHERE night = '2026-01-01'")
            try JobQueue.wake(night: "2026-01-01", now: Date().timestamp, in: db)
        }
        #expect(try await f.runEngine(runners: [.l2: stage]) { try f.queue.job(id: id)?.state == .done })
    }

    @Test func gracefulStopFinishesTheJobInHand() async throws {
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [/bin/true], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        let stage = SlowStage(seconds: 1.0)
        let engine = JobEngine(context: f.context, runners: [.l1: stage], workers: 1)
        let task = Task { try await engine.run() }
        while !stage.started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        engine.stop()
        try await task.value
        #expect(try f.queue.job(id: id)?.state == .done)
    }

    @Test func successorsAreEnqueuedOnCompletion() async throws {
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [/bin/true], quiet_period_s: 0}\n  qa: {command: [/bin/true]}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        let stage = FlakyStage(failures: 0, fatal: false)
        let ok = try await f.runEngine(runners: [.l1: stage, .qa: stage]) {
            try f.queue.jobs(night: "2026-01-01").filter { $0.state == .done }.count == 2
        }
        #expect(ok)
        #expect(try f.queue.job(id: id)?.state == .done)
    }
}
