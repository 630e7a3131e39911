import Foundation
import QMostTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `qmostd log`: `-f` shows a new event within a second of its commit, `--json` prints one parseable object
/// per line, `--night` filters.
@Suite(.serialized)
struct LogFollowTests {
    /// Starts `qmostd log <arguments>` as a long-running child writing to a file of its own.
    static func follower(_ inst: TestInstallation, _ arguments: [String], name: String) throws -> ChildProcess {
        try ChildProcess([TestInstallation.binary, "log"] + arguments + ["--config", inst.configPath],
                         outputPath: inst.dir.file(name))
    }

    /// Polls the events table and the follower's output every 5 ms; returns the delay from the moment a row
    /// matching `sql` is first seen committed to the moment a line containing `text` is first seen printed.
    static func followLatency(_ inst: TestInstallation, _ follower: ChildProcess, sql: String, text: String,
                              timeout: Double = 20) throws -> Double? {
        var committed: Date?
        var printed: Date?
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, committed == nil || printed == nil {
            if committed == nil, try inst.count(sql) > 0 { committed = Date() }
            if printed == nil, follower.output.contains(text) { printed = Date() }
            usleep(5_000)
        }
        guard let committed, let printed else { return nil }
        return printed.timeIntervalSince(committed)
    }

    /// Each line of `log --json` output as an object (nil for a line that is not one).
    static func jsonLines(_ output: String) -> [[String: Any]?] {
        output.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func followShowsANewEventWithinOneSecondOfItsCommit() throws {
        let inst = try TestInstallation(label: "qmost-follow")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        #expect(try inst.waitUntil(timeout: 20) { try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'watch.scan'") > 0 })

        let follower = try Self.follower(inst, ["-f"], name: "follow.log")
        defer { follower.signal(SIGTERM); follower.wait(timeout: 5) }
        // It starts with the recent history, like tail -f.
        #expect(try inst.waitUntil(timeout: 10) { follower.output.contains("started (pid") }, "follower: \(follower.output)")

        // An event written by the daemon: a frame dropped into the spool.
        let staged = try inst.stageFrame(.science, index: 1)
        let name = (staged as NSString).lastPathComponent
        try inst.drop(staged)
        let viaDaemon = try Self.followLatency(
            inst, follower, sql: "SELECT COUNT(*) FROM events WHERE kind = 'ingested'", text: "ingested \(name) as science")
        #expect(viaDaemon != nil, "follower output:\n\(follower.output)")
        #expect((viaDaemon ?? 99) < 1.0, "shown \(viaDaemon ?? -1) s after the commit")

        // An event written by another process: `qmostd ingest FILE`.
        let other = try inst.stageFrame(.arc, index: 2, name: "by-hand.fits")
        let ingest = try ChildProcess([TestInstallation.binary, "ingest", other, "--config", inst.configPath],
                                      outputPath: inst.dir.file("ingest.log"))
        let viaCLI = try Self.followLatency(
            inst, follower, sql: "SELECT COUNT(*) FROM events WHERE kind = 'ingested' AND message LIKE '%by-hand.fits%'",
            text: "ingested by-hand.fits as arc")
        #expect(ingest.wait(timeout: 20) == 0, "ingest: \(ingest.output)")
        #expect(viaCLI != nil, "follower output:\n\(follower.output)")
        #expect((viaCLI ?? 99) < 1.0, "shown \(viaCLI ?? -1) s after the commit")
        #expect(follower.isRunning)
        // Each event once: following never prints an event twice.
        #expect(follower.output.components(separatedBy: "ingested \(name) as").count == 2)
    }

    @Test func jsonLinesParseWithTheContractKeys() throws {
        let inst = try TestInstallation(label: "qmost-logjson")
        // A file name with runs of spaces must come through verbatim (the JSON is one line, not squeezed).
        let odd = try inst.stageFrame(.arc, index: 1, name: "arc  with   spaces.fits")
        let plain = try inst.stageFrame(.bias, index: 2, name: "bias.fits")
        let (status, output) = try inst.cli(["ingest", odd, plain])
        #expect(status == 0, "\(output)")

        let (logStatus, log) = try inst.cli(["log", "--json", "--level", "debug"])
        #expect(logStatus == 0, "\(log)")
        let lines = Self.jsonLines(log)
        #expect(lines.count >= 2)
        #expect(!lines.contains { $0 == nil }, "not JSON:\n\(log)")
        let objects = lines.compactMap { $0 }
        for o in objects {
            for key in ["id", "time", "level", "kind", "message"] { #expect(o[key] != nil, "no \(key) in \(o)") }
        }
        let ids = objects.compactMap { $0["id"] as? Int }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count, "ids \(ids)")
        let ingested = objects.filter { $0["kind"] as? String == "ingested" }
        #expect(ingested.count == 2)
        let arc = ingested.first { ($0["message"] as? String ?? "").contains("arc") }
        #expect(arc?["message"] as? String == "ingested arc  with   spaces.fits as arc (rule arc) for night 2026-03-14")
        #expect(arc?["path"] as? String == "repo/raw/2026-03-14/arc  with   spaces.fits")
        #expect(arc?["night"] as? String == "2026-03-14")
        #expect(arc?["sha256"] as? String == (try sha256sum(odd)))
        #expect(arc?["level"] as? String == "info")
        // ISO 8601 UTC times.
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(objects.allSatisfy { iso.date(from: $0["time"] as? String ?? "") != nil })
    }

    @Test func nightFiltersTheLogAndTheFollower() throws {
        let inst = try TestInstallation(label: "qmost-lognight")
        let a = try inst.stageFrame(.bias, night: "2026-03-14", index: 1, name: "night-a.fits")
        let b = try inst.stageFrame(.bias, night: "2026-03-15", index: 1, name: "night-b.fits")
        #expect(try inst.cli(["ingest", a, b]).0 == 0)

        let (status, text) = try inst.cli(["log", "--night", "2026-03-14"])
        #expect(status == 0)
        #expect(text.contains("night-a.fits") && !text.contains("night-b.fits"), "\(text)")
        let json = Self.jsonLines(try inst.cli(["log", "--night", "2026-03-15", "--json"]).1).compactMap { $0 }
        #expect(!json.isEmpty && json.allSatisfy { $0["night"] as? String == "2026-03-15" }, "\(json)")
        #expect(json.contains { ($0["message"] as? String ?? "").contains("night-b.fits") })

        // Following one night: events of other nights never show.
        let follower = try Self.follower(inst, ["-f", "--night", "2026-03-15"], name: "follow-night.log")
        defer { follower.signal(SIGTERM); follower.wait(timeout: 5) }
        #expect(try inst.waitUntil(timeout: 10) { follower.output.contains("night-b.fits") })
        let c = try inst.stageFrame(.dark, night: "2026-03-14", index: 2, name: "night-a2.fits")
        let d = try inst.stageFrame(.dark, night: "2026-03-15", index: 2, name: "night-b2.fits")
        #expect(try inst.cli(["ingest", c, d]).0 == 0)
        #expect(try inst.waitUntil(timeout: 5) { follower.output.contains("night-b2.fits") }, "\(follower.output)")
        #expect(!follower.output.contains("night-a"), "\(follower.output)")
    }
}
