import Foundation
import GRDB
import QMostCore
import QMostStore
import QMostTesting
import Testing
@testable import QMostEngine

@Suite(.serialized)
struct ExternalCommandTests {
    /// Writes an executable script into the fixture and returns its path.
    private func script(_ f: EngineFixture, _ body: String) throws -> String {
        let path = f.dir.file("stage.sh")
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test func manifestInputsAndProductsAreRecorded() async throws {
        let f0 = try EngineFixture()
        let s = try script(f0, """
            manifest="$1"
            out=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["output_dir"])' "$manifest")
            python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m["stage"]=="l1" and len(m["inputs"])==1 and m["parameters"]=={"grating":"LR"}' "$manifest" || exit 65
            echo product > "$out/result.txt"
            echo "some diagnostics" >&2
            """)
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [\(s)], quiet_period_s: 0, parameters: {grating: LR}}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        let runners = JobEngine.runners(for: f.configuration)
        #expect(try await f.runEngine(runners: runners) { try f.queue.job(id: id)?.state == .done })
        let products = try await f.repository.pool.read { db in try Product.fetchAll(db) }
        #expect(products.count == 1)
        #expect(products[0].path.hasSuffix("out/result.txt"))
        let lineage = try await f.repository.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM product_inputs") }
        #expect(lineage == 1)
    }

    @Test func failingCommandKeepsStatusAndStderr() async throws {
        let f0 = try EngineFixture()
        let s = try script(f0, "echo 'cannot find master bias' >&2; exit 3")
        let f = try EngineFixture(engine: "max_attempts: 2", yaml: "stages:\n  l1: {command: [\(s)], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        #expect(try await f.runEngine(runners: JobEngine.runners(for: f.configuration)) { try f.queue.job(id: id)?.state == .dead })
        let runs = try f.repository.runs(jobIDs: [id])
        #expect(runs.count == 2, "exit 3 is retried")
        #expect(runs.allSatisfy { $0.error?.contains("status 3") == true && $0.error?.contains("cannot find master bias") == true })
    }

    @Test func dataErrorIsNotRetried() async throws {
        let f0 = try EngineFixture()
        let s = try script(f0, "exit 65")
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [\(s)], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        #expect(try await f.runEngine(runners: JobEngine.runners(for: f.configuration)) { try f.queue.job(id: id)?.state == .dead })
        #expect(try f.queue.job(id: id)?.attempts == 1)
    }

    @Test func timeoutKillsTheCommand() async throws {
        let f0 = try EngineFixture()
        let s = try script(f0, "exec sleep 30")
        let f = try EngineFixture(engine: "max_attempts: 1", yaml: "stages:\n  l1: {command: [\(s)], quiet_period_s: 0, timeout_s: 0.5}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        let start = Date()
        #expect(try await f.runEngine(runners: JobEngine.runners(for: f.configuration)) { try f.queue.job(id: id)?.state == .dead })
        #expect(Date().timeIntervalSince(start) < 20, "killed long before its 30 s sleep ends")
        #expect(try f.queue.job(id: id)?.lastError?.contains("timeout") == true)
    }

    @Test func missingProgramIsFatal() async throws {
        let f = try EngineFixture(yaml: "stages:\n  l1: {command: [/nonexistent/l1-tool], quiet_period_s: 0}")
        try f.addFrame(night: "2026-01-01")
        let id = try f.queue.enqueue(f.context.scheduler.request(.l1, subject: "night:2026-01-01", night: "2026-01-01", now: 0))
        #expect(try await f.runEngine(runners: JobEngine.runners(for: f.configuration)) { try f.queue.job(id: id)?.state == .dead })
        #expect(try f.queue.job(id: id)?.lastError?.contains("/nonexistent/l1-tool") == true)
    }
}
