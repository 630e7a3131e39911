import Crypto
import Foundation
import GRDB
import QMostStore
import QMostCore
import QMostTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The daemon is SIGKILLed at random moments while 200 files are ingested; after restarts every file is in the
/// repository exactly once, the spool is empty and the database is intact.
@Suite(.serialized)
struct CrashSafetyTests {
    /// `systemctl stop` right after a start: a SIGTERM while the daemon is still starting (after it logged
    /// its start, before its services run) must still end in a clean exit, not death by the signal.
    @Test(.timeLimit(.minutes(2)))
    func sigtermWhileStartingExitsCleanly() throws {
        let inst = try TestInstallation(label: "qmost-early-term")
        for attempt in 1...5 {
            let before = try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'daemon.started'")
            let daemon = try inst.startDaemon()
            let started = try inst.waitUntil(timeout: 30, every: 0.002) {
                try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'daemon.started'") > before
            }
            daemon.signal(SIGTERM)
            let status = daemon.wait(timeout: 30)
            #expect(started && status == 0, "attempt \(attempt): exit \(status.map(String.init) ?? "none"); log:\n\(daemon.output.suffix(1500))")
        }
        #expect(try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'daemon.stopped'") == 5)
    }

    @Test(.timeLimit(.minutes(5)))
    func sigkillAtRandomMomentsLosesAndDuplicatesNothing() async throws {
        let inst = try TestInstallation(label: "qmost-crash")
        let staging = inst.dir.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let night = Night("2026-11-20")!
        let total = 200
        var expected = Set<String>()
        for i in 0..<total {
            let spec = SyntheticFrames.Spec(kind: [.bias, .arc, .science, .fibreFlat][i % 4], night: night, index: i,
                                            arm: ["BLUE", "GREEN", "RED"][i % 3], width: 96, height: 96)
            let path = "\(staging)/frame-\(String(format: "%03d", i)).fits"
            try SyntheticFrames.write(spec, to: path)
            expected.insert(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined())
        }
        #expect(expected.count == total)

        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var rng = SplitMix64(seed: seed)
        print("crash test seed \(seed)")
        var daemon = try inst.startDaemon()
        var kills = 0
        var moved = 0
        // Drop files in batches (rename: atomic, as a producer should) while killing the daemon at random times.
        while moved < total || kills < 8 {
            let batch = min(Int.random(in: 5...25, using: &rng), total - moved)
            for i in moved..<(moved + batch) {
                let name = "frame-\(String(format: "%03d", i)).fits"
                #expect(rename("\(staging)/\(name)", "\(inst.spoolRaw)/\(name)") == 0)
            }
            moved += batch
            usleep(UInt32.random(in: 20_000...400_000, using: &rng))
            daemon.signal(SIGKILL)
            #expect(daemon.wait(timeout: 10) == 128 + SIGKILL)
            kills += 1
            // A killed daemon must never leave a stale lock: the next one starts at once.
            daemon = try inst.startDaemon()
            usleep(UInt32.random(in: 50_000...300_000, using: &rng))
        }

        let drained = try inst.waitUntil(timeout: 120) {
            // The nights' l1 jobs wait for their quiet period; ingest is what must drain.
            let live = try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'ingest' AND state IN ('pending', 'running')")
            return inst.files(under: inst.spoolRaw).isEmpty && live == 0
        }
        // A signal during exec, before any code of the program runs, can only take its default action: the clean
        // exit is owed once the last daemon has started.
        _ = try inst.waitUntil(timeout: 30, every: 0.01) {
            try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'daemon.started' AND message LIKE '%(pid \(daemon.pid))%'") > 0
        }
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0, "clean exit on SIGTERM; log:\n\(daemon.output.suffix(2000))")
        let live = try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'ingest' AND state IN ('pending','running')")
        #expect(drained, "spool: \(inst.files(under: inst.spoolRaw)); live jobs: \(live)")

        let shas = try await inst.repository.pool.read { db in try String.fetchAll(db, sql: "SELECT sha256 FROM files") }
        #expect(shas.count == total, "every file recorded exactly once")
        #expect(Set(shas) == expected)
        let repoFiles = inst.files(under: "\(inst.root)/repo/raw")
        #expect(repoFiles.count == total, "every file in the repository exactly once: \(repoFiles.count)")
        let recorded = try await inst.repository.pool.read { db in Set(try String.fetchAll(db, sql: "SELECT repo_path FROM files")) }
        #expect(Set(repoFiles.map { "repo/raw/\($0)" }) == recorded)
        #expect(inst.files(under: inst.spoolRaw).isEmpty, "nothing left in the spool")
        #expect(inst.files(under: inst.quarantine).isEmpty, "nothing quarantined: \(inst.files(under: inst.quarantine))")
        #expect(try inst.repository.integrityCheck() == "ok")
        #expect(kills >= 8)
        let interrupted = try inst.count("SELECT COUNT(*) FROM stage_runs WHERE finished_at IS NULL")
        let reaped = try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'job.reaped'")
        print("crash test: \(kills) SIGKILLs, \(interrupted) ingest attempt(s) cut off mid-run, \(reaped) lease(s) reaped")
    }
}
