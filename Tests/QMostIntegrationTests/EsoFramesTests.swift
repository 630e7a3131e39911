import Foundation
import QMostTesting
import Testing

/// The ten real ESO raw frames (EFOSC2/NTT) through a running daemon: classified and assigned a night exactly as
/// their DPR and MJD-OBS keywords say, visible through `explain --json` and `status --json`, and recognised as
/// duplicates when dropped a second time.
@Suite(.serialized, .enabled(if: !SharedData.esoRawFrames.isEmpty, "needs ../shared/data/eso-raw"))
struct EsoFramesTests {
    /// Kind and night per file, read off each header by hand: DPR TYPE/CATG/TECH, and the UTC date of
    /// MJD-OBS minus 12 h (a frame taken after midnight belongs to the night that began the evening before).
    static let expected: [String: (kind: String, night: String)] = [
        "EFOSC.2022-01-26T19:02:38.210.fits": ("dark", "2022-01-26"),           // CALIB DARK IMAGE
        "EFOSC.2022-01-26T19:03:08.542.fits": ("dark", "2022-01-26"),           // CALIB DARK IMAGE
        "EFOSC.2022-01-26T19:18:58.464.fits": ("fibre_flat", "2022-01-26"),     // CALIB FLAT SPECTRUM
        "EFOSC.2022-01-26T19:21:12.485.fits": ("fibre_flat", "2022-01-26"),     // CALIB FLAT SPECTRUM
        "EFOSC.2022-01-26T19:37:39.560.fits": ("arc", "2022-01-26"),            // CALIB WAVE SPECTRUM
        "EFOSC.2022-01-27T02:31:32.701.fits": ("science", "2022-01-26"),        // SCIENCE OBJECT SPECTRUM, after midnight
        "EFOSC.2022-01-27T04:46:29.093.fits": ("science", "2022-01-26"),        // SCIENCE OBJECT SPECTRUM, after midnight
        "EFOSC.2022-01-28T00:08:16.282.fits": ("twilight_flat", "2022-01-27"),  // CALIB SKY,FLAT IMAGE
        "EFOSC.2022-01-28T04:54:24.341.fits": ("science", "2022-01-27"),        // SCIENCE OBJECT IMAGE
        "EFOSC.2022-01-29T01:12:03.548.fits": ("standard", "2022-01-28"),       // SCIENCE STD SPECTRUM
    ]

    /// Copies every frame into the spool, the way an operator or rsync would (written in place, not renamed).
    func copyFrames(into spool: String) throws {
        for source in SharedData.esoRawFrames {
            let target = "\(spool)/\((source as NSString).lastPathComponent)"
            try Data(contentsOf: URL(fileURLWithPath: source)).write(to: URL(fileURLWithPath: target))
        }
    }

    @Test func tenRealFramesAreIngestedWithKindAndNightFromTheirHeaders() throws {
        let frames = SharedData.esoRawFrames
        #expect(frames.count == 10)
        for f in frames { #expect(Self.expected[(f as NSString).lastPathComponent] != nil, "no expectation for \(f)") }

        let inst = try TestInstallation(label: "qmost-eso")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        try copyFrames(into: inst.spoolRaw)

        let ingested = try inst.waitUntil(timeout: 40) { try inst.count("SELECT COUNT(*) FROM files") == frames.count }
        let stored = try inst.count("SELECT COUNT(*) FROM files")
        #expect(ingested, "ingested \(stored) of \(frames.count):\n\(daemon.output)")
        #expect(try inst.waitUntil(timeout: 5) { inst.files(under: inst.spoolRaw).isEmpty }, "spool not drained")
        let reasons = try inst.repository.pool.read { db in try String.fetchAll(db, sql: "SELECT original_path || ': ' || reason FROM quarantine") }
        #expect(reasons.isEmpty, "quarantined: \(reasons)")

        for source in frames {
            let name = (source as NSString).lastPathComponent
            guard let want = Self.expected[name] else { continue }
            let repoPath = "repo/raw/\(want.night)/\(name)"
            // By absolute repository path, by the relative one the contract prints, and by content hash.
            let byPath = try inst.explain("\(inst.root)/\(repoPath)")
            let sha = try sha256sum(source)
            #expect(byPath["sha256"] as? String == sha, "\(name)")
            #expect(byPath["path"] as? String == repoPath, "\(name)")
            #expect(byPath["kind"] as? String == want.kind, "\(name): \(byPath["rule"] ?? "no rule")")
            #expect(byPath["night"] as? String == want.night, "\(name)")
            #expect(byPath["state"] as? String == "ingested", "\(name)")
            let kinds = events(of: byPath).compactMap { $0["kind"] as? String }
            #expect(kinds.contains("ingested"), "\(name) events: \(kinds)")
            #expect(FileManager.default.fileExists(atPath: "\(inst.root)/\(repoPath)"))

            // The repository path exactly as the contract prints it (relative), from outside the installation;
            // once is enough, every explain being a process of its own.
            if source == frames.first { #expect(try inst.explain(repoPath)["sha256"] as? String == sha, "explain \(repoPath)") }
            let bySha = try inst.explain(sha)
            #expect(bySha["path"] as? String == repoPath && bySha["kind"] as? String == want.kind
                    && bySha["night"] as? String == want.night, "explain \(sha) (\(name))")
        }

        let status = try inst.status()
        var frameCounts: [String: [String: Int]] = [:]
        for night in status["nights"] as? [[String: Any]] ?? [] {
            if let n = night["night"] as? String { frameCounts[n] = night["frames"] as? [String: Int] ?? [:] }
        }
        var want: [String: [String: Int]] = [:]
        for (_, e) in Self.expected { want[e.night, default: [:]][e.kind, default: 0] += 1 }
        #expect(frameCounts == want)
        // Ingest is done; what is left is each night's l1, waiting for the night's quiet period.
        let queue = status["queue"] as? [String: Int] ?? [:]
        #expect(queue["pending"] == want.count && queue["running"] == 0 && queue["dead"] == 0, "queue \(queue)")
        #expect(try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'l1' AND state = 'pending'") == want.count)
        #expect(status["daemon_running"] as? Bool == true)
    }

    @Test func droppingTheSameFramesAgainIsAcknowledgedAsDuplicates() throws {
        let frames = SharedData.esoRawFrames
        let inst = try TestInstallation(label: "qmost-eso-dup")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        try copyFrames(into: inst.spoolRaw)
        #expect(try inst.waitUntil(timeout: 40) { try inst.count("SELECT COUNT(*) FROM files") == frames.count })
        #expect(try inst.waitUntil(timeout: 5) { inst.files(under: inst.spoolRaw).isEmpty })
        let repoBefore = inst.files(under: "\(inst.root)/repo/raw").sorted()
        #expect(repoBefore.count == frames.count)

        try copyFrames(into: inst.spoolRaw)
        let acknowledged = try inst.waitUntil(timeout: 40) {
            try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'duplicate'") == frames.count
        }
        let duplicateEvents = try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'duplicate'")
        #expect(acknowledged, "duplicate events: \(duplicateEvents)")
        #expect(try inst.waitUntil(timeout: 5) { inst.files(under: inst.spoolRaw).isEmpty },
                "duplicates left in the spool: \(inst.files(under: inst.spoolRaw))")
        #expect(try inst.count("SELECT COUNT(*) FROM files") == frames.count)
        #expect(try inst.count("SELECT COUNT(*) FROM frames") == frames.count)
        #expect(inst.files(under: "\(inst.root)/repo/raw").sorted() == repoBefore, "the repository changed")
        #expect(try inst.count("SELECT COUNT(*) FROM quarantine") == 0)

        // Each duplicate event names the content it matched and the spool copy it removed.
        for source in frames {
            let sha = try sha256sum(source)
            let duplicates = try inst.count("""
                SELECT COUNT(*) FROM events WHERE kind = 'duplicate' AND sha256 = '\(sha)'
                  AND path = '\(inst.spoolRaw)/\((source as NSString).lastPathComponent)'
                """)
            #expect(duplicates == 1, "\(source)")
            let kinds = events(of: try inst.explain(sha)).compactMap { $0["kind"] as? String }
            #expect(kinds.filter { $0 == "ingested" }.count == 1 && kinds.contains("duplicate"), "\(kinds)")
        }
        #expect(try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'ingest' AND state != 'done'") == 0)
        #expect(try inst.count("SELECT COUNT(*) FROM jobs WHERE state IN ('running', 'dead')") == 0)
    }

    /// The same bytes under two names at once (an operator's copy and the archive poller's, say): workers ingest
    /// both concurrently, one wins, the other is a duplicate, and the repository holds each frame once.
    @Test func theSameFramesDroppedUnderTwoNamesAtOnceAreStoredOnce() throws {
        let frames = SharedData.esoRawFrames
        let inst = try TestInstallation(engine: "workers: 4", label: "qmost-eso-race")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        #expect(try inst.waitUntil(timeout: 20) { try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'watch.scan'") > 0 })

        var staged: [String] = []
        for source in frames {
            let name = (source as NSString).lastPathComponent
            for copy in [name, "copy-\(name)"] {
                try Data(contentsOf: URL(fileURLWithPath: source)).write(to: URL(fileURLWithPath: "\(inst.staging)/\(copy)"))
                staged.append("\(inst.staging)/\(copy)")
            }
        }
        for path in staged { try inst.drop(path) }

        let settled = try inst.waitUntil(timeout: 40) {
            try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'ingest' AND state = 'done'") == staged.count
        }
        #expect(settled, "\(daemon.output)")
        #expect(try inst.count("SELECT COUNT(*) FROM files") == frames.count)
        #expect(try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'duplicate'") == frames.count)
        let failures = try inst.repository.pool.read { db in
            try String.fetchAll(db, sql: "SELECT message FROM events WHERE kind IN ('job.failed', 'job.dead')")
        }
        #expect(failures.isEmpty, "\(failures)")
        let stored = inst.files(under: "\(inst.root)/repo/raw")
        #expect(stored.count == frames.count, "stored twice: \(stored.sorted())")
        #expect(inst.files(under: inst.spoolRaw).isEmpty)
    }
}
