import Foundation
import GRDB
import QMostCore
import QMostStore
import QMostTesting
import Testing

/// The operator's commands against a real installation: `night close`, `retry --dead`, `redo`, `init`.
@Suite(.serialized)
struct OperatorCommandsTests {
    @Test(.timeLimit(.minutes(2)))
    func closingANightWithoutCalibrationsAlertsAndStartsItsStages() async throws {
        let inst = try TestInstallation(yaml: "stages:\n  l1: {command: [/bin/true], quiet_period_s: 3600}", label: "qmost-close")
        _ = try inst.cli(["ingest", try inst.stageFrame(.science, night: "2026-03-14")])
        let l1 = try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'l1' AND state = 'pending' AND not_before > strftime('%s','now') + 3000")
        #expect(l1 == 1, "l1 waits for the night's quiet period")

        let (status, output) = try inst.cli(["night", "close", "2026-03-14"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("closed incomplete"))
        #expect(output.contains("bias") && output.contains("fibre_flat") && output.contains("arc"))
        let alert = try await inst.repository.pool.read { db in try Alert.fetchOne(db, sql: "SELECT * FROM alerts WHERE cause LIKE 'night.incomplete:%'") }
        #expect(alert?.subject.contains("2026-03-14") == true)
        #expect(try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'l1' AND not_before <= strftime('%s','now') + 1") == 1,
                "closing wakes the night's l1 at once")
        #expect(try inst.count("SELECT COUNT(*) FROM nights WHERE night = '2026-03-14' AND closed_incomplete = 1") == 1)

        let (badStatus, badOutput) = try inst.cli(["night", "close", "2026-03-15"])
        #expect(badStatus != 0)
        #expect(badOutput.contains("no frames"))
    }

    @Test(.timeLimit(.minutes(2)))
    func deadJobsAreRetriedAndNightsRedone() async throws {
        let script = try TemporaryDirectory("qmost-l1script")
        let path = script.file("l1.sh")
        let flag = script.file("ok")
        // Fails until the flag file exists, as a tool would until an operator fixed its environment.
        try "#!/bin/sh\n[ -e \(flag) ] || { echo 'master bias missing' >&2; exit 3; }\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        let inst = try TestInstallation(yaml: "stages:\n  l1: {command: [\(path)], quiet_period_s: 0, max_attempts: 1}", label: "qmost-retry")
        let daemon = try inst.startDaemon()
        _ = try inst.drop(try inst.stageFrame(.bias, night: "2026-03-14"))
        #expect(try inst.waitUntil(timeout: 30) { try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'l1' AND state = 'dead'") == 1 })

        let (status, text) = try inst.cli(["status"])
        #expect(status == 0 && text.contains("1 dead"))
        let (_, explained) = try inst.cli(["explain", "\(inst.root)/repo/raw/2026-03-14/\(try inst.repoFileName())"])
        #expect(explained.contains("master bias missing"), "explain shows the tool's stderr: \(explained)")

        FileManager.default.createFile(atPath: flag, contents: Data())
        let (retryStatus, retryOut) = try inst.cli(["retry", "--dead"])
        #expect(retryStatus == 0 && retryOut.contains("1 dead job(s) queued again"))
        #expect(try inst.waitUntil(timeout: 30) { try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'l1' AND state = 'done'") == 1 })

        // Same inputs again: a plain re-run would be skipped; redo forces it.
        let (redoStatus, redoOut) = try inst.cli(["redo", "--night", "2026-03-14", "--stage", "l1"])
        #expect(redoStatus == 0, "\(redoOut)")
        #expect(try inst.waitUntil(timeout: 30) { try inst.count("SELECT COUNT(*) FROM stage_runs WHERE stage = 'l1' AND outcome = 'ok'") == 2 })
        let (badStatus, badOut) = try inst.cli(["redo", "--night", "2026-03-14", "--stage", "ingest"])
        #expect(badStatus != 0 && badOut.contains("--stage ingest"))
        inst.stop(daemon)
    }

    @Test func initCreatesAWorkingInstallation() throws {
        let dir = try TemporaryDirectory("qmost-init")
        let child = try ChildProcess([TestInstallation.binary, "init", dir.file("site")], outputPath: dir.file("init.log"))
        #expect(child.wait(timeout: 30) == 0, "\(child.output)")
        for sub in ["etc/qmostd.yaml", "spool/raw", "spool/dxu", "spool/quarantine", "repo", "prerelease", "qmost.db"] {
            #expect(FileManager.default.fileExists(atPath: dir.file("site/\(sub)")), "\(sub) missing")
        }
        #expect(try String(contentsOfFile: dir.file("site/etc/qmostd.yaml"), encoding: .utf8) == ConfigurationTemplate.text)
        // A second daemon on the same installation is refused while the first runs.
        let first = try ChildProcess([TestInstallation.binary, "run", "--config", dir.file("site/etc/qmostd.yaml")], outputPath: dir.file("a.log"))
        defer { first.signal(SIGKILL); first.wait(timeout: 10) }
        usleep(800_000)
        let second = try ChildProcess([TestInstallation.binary, "run", "--config", dir.file("site/etc/qmostd.yaml")], outputPath: dir.file("b.log"))
        #expect(second.wait(timeout: 30) == 1)
        #expect(second.output.contains("another qmostd is running"))
    }
}

extension TestInstallation {
    /// The name of the single file under repo/raw (for tests that ingest one).
    func repoFileName() throws -> String {
        try repository.pool.read { db in try String.fetchOne(db, sql: "SELECT original_name FROM files LIMIT 1") ?? "" }
    }
}
