import Foundation
import GRDB
import QMostStore
import QMostCore
import QMostTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// 20,000 small files dropped at once while the daemon is stalled (SIGSTOP, as a swapped-out or suspended
/// process would be): nobody reads the kernel's inotify queue (16,384 events by default), so it overflows for
/// real; after SIGCONT the overflow must be counted and the full rescan must still find every file.
@Suite(.serialized)
struct FloodTests {
    @Test(.timeLimit(.minutes(10)))
    func twentyThousandFilesAreAllIngested() async throws {
        let inst = try TestInstallation(watch: "reconcile_interval_s: 60", label: "qmost-flood",
                                        under: TemporaryDirectory.memoryBacked)
        let total = 20_000
        let spec = SyntheticFrames.Spec(kind: .bias, night: Night("2026-11-21")!, index: 0, width: 8, height: 8)
        let (template, patch) = try SyntheticFrames.copies(of: spec, count: total, scratch: inst.dir.file("template.fits"))

        let daemon = try inst.startDaemon()
        let started = try inst.waitUntil(timeout: 30) { try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'daemon.started'") == 1 }
        try #require(started, "daemon did not start:\n\(daemon.output)")
        try await Task.sleep(for: .milliseconds(500))  // the watcher is up once the start-up scan is logged
        let start = Date()
        daemon.signal(SIGSTOP)
        var bytes = template
        for i in 0..<total {
            patch(&bytes, i)
            let fd = open("\(inst.spoolRaw)/flood-\(i).fits", O_WRONLY | O_CREAT | O_EXCL, 0o644)
            #expect(fd >= 0)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        let written = Date().timeIntervalSince(start)
        daemon.signal(SIGCONT)
        let done = try inst.waitUntil(timeout: 480) { try inst.count("SELECT COUNT(*) FROM files") == total }
        let elapsed = Date().timeIntervalSince(start)
        let overflows = try inst.count("SELECT COALESCE(MAX(value), 0) FROM counters WHERE name = 'watch.overflows'")
        let rescans = try inst.count("SELECT COALESCE(MAX(value), 0) FROM counters WHERE name = 'watch.overflow_rescans'")
        print("flood: \(total) files written in \(String(format: "%.1f", written)) s, ingested in \(String(format: "%.1f", elapsed)) s; "
              + "\(overflows) inotify overflow(s), \(rescans) overflow rescan(s)")
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 60) == 0)
        let ingested = try inst.count("SELECT COUNT(*) FROM files")
        #expect(done, "ingested \(ingested) of \(total)")
        #expect(try inst.count("SELECT COUNT(DISTINCT sha256) FROM files") == total)
        let left = inst.files(under: inst.spoolRaw)
        #expect(left.isEmpty, "\(left.count) file(s) left in the spool, e.g. \(left.prefix(5))")
        #expect(try inst.count("SELECT COUNT(*) FROM quarantine") == 0)
        // The overflow must be visible (counted and logged) and answered by a full rescan, never silent; the
        // periodic scan is a minute away, so only the overflow rescan can have found the files events were lost for.
        let maxQueued = Int((try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 16_384
        if maxQueued < 2 * total {
            #expect(overflows >= 1, "\(2 * total) events against a kernel queue of \(maxQueued) must overflow")
        }
        #expect(rescans >= min(overflows, 1))
        #expect(try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'watch.overflow'") == overflows)
        let (_, status) = try inst.cli(["status"])
        #expect(status.contains("\(overflows) inotify overflows"))
        #expect(try inst.repository.integrityCheck() == "ok")
    }
}
