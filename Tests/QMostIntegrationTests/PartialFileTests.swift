import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Files that are not (yet) whole FITS frames, through a running daemon: slow writers, truncated and garbage
/// files, compressed frames, and the names the watcher must never pick up.
@Suite(.serialized)
struct PartialFileTests {
    /// The bytes of a synthetic frame large enough to be written in visible chunks (256 x 256 x 16 bit).
    static func frameBytes(_ inst: TestInstallation, index: Int = 0, kind: FrameKind = .science) throws -> [UInt8] {
        let staged = try inst.stageFrame(kind, index: index, size: 256, name: "bytes-\(index).fits")
        defer { unlink(staged) }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: staged)))
    }

    /// Where the primary header ends (the block after the END card).
    static func headerLength(_ bytes: [UInt8]) -> Int {
        var card = 0
        while (card + 1) * 80 <= bytes.count {
            if bytes[(card * 80)..<(card * 80 + 8)].elementsEqual(Array("END     ".utf8)) { break }
            card += 1
        }
        return ((card + 1) * 80 + 2879) / 2880 * 2880
    }

    /// Waits for the daemon's start-up scan, so the watcher is live before a test starts writing.
    static func waitForWatcher(_ inst: TestInstallation, _ daemon: ChildProcess) throws {
        let live = try inst.waitUntil(timeout: 20) { try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'watch.scan'") > 0 }
        if !live { throw ChildProcessError(message: "the daemon's watcher never started:\n\(daemon.output)") }
    }

    /// The header first, then the data in `chunks` pieces.
    static func pieces(_ bytes: [UInt8], chunks: Int) -> [Range<Int>] {
        let header = headerLength(bytes)
        var pieces = [0..<header]
        let step = (bytes.count - header + chunks - 1) / chunks
        for start in stride(from: header, to: bytes.count, by: step) { pieces.append(start..<min(start + step, bytes.count)) }
        return pieces
    }

    /// Writes `bytes` to `path` in place under its final name, piece by piece with `pause` seconds between
    /// pieces. With `reopen` every piece is appended through a new descriptor that is closed again (so
    /// IN_CLOSE_WRITE fires mid-way); otherwise one descriptor stays open throughout. `check` runs every 50 ms
    /// while the file is incomplete.
    static func slowlyWrite(_ bytes: [UInt8], to path: String, pieces: [Range<Int>], pause: Double, reopen: Bool,
                            check: () throws -> Void) throws {
        var fd: Int32 = -1
        func put(_ range: Range<Int>) throws {
            if fd < 0 {
                fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (reopen ? O_APPEND : O_TRUNC), 0o644)
                guard fd >= 0 else { throw ChildProcessError(message: "open \(path): \(String(cString: strerror(errno)))") }
            }
            let written = bytes[range].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == range.count else { throw ChildProcessError(message: "short write to \(path)") }
            if reopen { close(fd); fd = -1 }
        }
        for (i, piece) in pieces.enumerated() {
            try put(piece)
            if i == pieces.count - 1 { break }
            let until = Date().addingTimeInterval(pause)
            while Date() < until {
                try check()
                usleep(50_000)
            }
        }
        if fd >= 0 { close(fd) }
    }

    /// A `check` for ``slowlyWrite`` that notes any file or quarantine row recorded too early.
    static func noRowsYet(_ inst: TestInstallation, into early: inout [String]) throws {
        let files = try inst.count("SELECT COUNT(*) FROM files")
        let quarantined = try inst.count("SELECT COUNT(*) FROM quarantine")
        if files + quarantined > 0 { early.append("\(files) file(s), \(quarantined) quarantined") }
    }

    func slowWriterIsIngestedOnlyOnceComplete(reopen: Bool) throws {
        let inst = try TestInstallation(label: "qmost-slow")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        try Self.waitForWatcher(inst, daemon)
        let bytes = try Self.frameBytes(inst)
        let reference = inst.dir.file("reference.fits")
        try Data(bytes).write(to: URL(fileURLWithPath: reference))
        let path = "\(inst.spoolRaw)/slow.fits"

        var earlyRows: [String] = []
        var meanwhile: [String: Any]?  // `explain` once the daemon has looked at the growing file
        let started = Date()
        try Self.slowlyWrite(bytes, to: path, pieces: Self.pieces(bytes, chunks: 10), pause: 0.45, reopen: reopen) {
            try Self.noRowsYet(inst, into: &earlyRows)
            if meanwhile == nil, try inst.count("SELECT COUNT(*) FROM stage_runs WHERE outcome = 'waiting'") > 0 {
                meanwhile = try inst.explain(path)
            }
        }
        let written = Date().timeIntervalSince(started)
        #expect(written > 4, "the writer took \(written) s")
        #expect(earlyRows.isEmpty, "recorded while still being written: \(earlyRows.first ?? "")")
        #expect(meanwhile?["state"] as? String == "waiting", "explain while writing: \(meanwhile ?? [:])")
        #expect(meanwhile?["path"] as? String == path)

        let ingested = try inst.waitUntil(timeout: 15) { try inst.count("SELECT COUNT(*) FROM files") == 1 }
        #expect(ingested, "not ingested after completion:\n\(daemon.output)")
        #expect(try inst.count("SELECT COUNT(*) FROM quarantine") == 0)
        let explanation = try inst.explain(path)
        #expect(explanation["sha256"] as? String == (try sha256sum(reference)))
        #expect(explanation["state"] as? String == "ingested")
        #expect(explanation["kind"] as? String == "science")
        #expect(explanation["night"] as? String == "2026-03-14")
        #expect(!FileManager.default.fileExists(atPath: path), "spool copy not removed")
        // The daemon did look at the file while it grew (so the test proves waiting, not luck).
        let waits = try inst.count("SELECT COUNT(*) FROM stage_runs WHERE stage = 'ingest' AND outcome = 'waiting'")
        #expect(waits > 0, "the incomplete file was never examined")
    }

    @Test func slowWriterKeepingItsDescriptorOpenIsIngestedOnlyOnceComplete() throws {
        try slowWriterIsIngestedOnlyOnceComplete(reopen: false)
    }

    @Test func slowWriterReopeningForEachChunkIsIngestedOnlyOnceComplete() throws {
        try slowWriterIsIngestedOnlyOnceComplete(reopen: true)
    }

    /// Between its HDUs a multi-extension file is a valid FITS file (no NEXTEND promises more): only the open
    /// descriptor tells that the writer is not done, and a reconciliation scan looks at it meanwhile.
    @Test func multiExtensionFrameWrittenThroughOneDescriptorWaitsForItsLastHDU() throws {
        let inst = try TestInstallation(label: "qmost-mef")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        try Self.waitForWatcher(inst, daemon)

        let staged = "\(inst.staging)/mef.fits"
        let file = try FITSFile.create(staged, overwrite: true)
        try file.appendImage([UInt16](repeating: 7, count: 32 * 32), shape: [32, 32], cards: [
            FITSCard(keyword: "MJD-OBS", value: .double(61113.98)),
            FITSCard(keyword: "HIERARCH ESO DPR CATG", value: .string("CALIB")),
            FITSCard(keyword: "HIERARCH ESO DPR TYPE", value: .string("BIAS")),
            FITSCard(keyword: "HIERARCH ESO DPR TECH", value: .string("IMAGE")),
        ])
        try file.appendImage([UInt16](repeating: 9, count: 128 * 128), shape: [128, 128],
                             cards: [FITSCard(keyword: "EXTNAME", value: .string("RED"))])
        try file.close()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: staged)))
        let sha = try sha256sum(staged)
        unlink(staged)
        let primaryEnd = Self.headerLength(bytes) + (32 * 32 * 2 + 2879) / 2880 * 2880

        let path = "\(inst.spoolRaw)/mef.fits"
        var earlyRows: [String] = []
        // Longer than a reconciliation interval (2 s) between the HDUs, so a scan sees the one-HDU file.
        try Self.slowlyWrite(bytes, to: path, pieces: [0..<primaryEnd, primaryEnd..<bytes.count], pause: 3,
                             reopen: false) {
            try Self.noRowsYet(inst, into: &earlyRows)
        }
        #expect(earlyRows.isEmpty, "recorded after its first HDU: \(earlyRows.first ?? "")")
        #expect(try inst.waitUntil(timeout: 15) { try inst.count("SELECT COUNT(*) FROM files") == 1 }, "\(daemon.output)")
        let explanation = try inst.explain(path)
        #expect(explanation["sha256"] as? String == sha)
        #expect(explanation["kind"] as? String == "bias")
        #expect(try inst.count("SELECT hdus FROM frames") == 2)
        #expect(try inst.count("SELECT COUNT(*) FROM stage_runs WHERE stage = 'ingest' AND outcome = 'waiting'") > 0,
                "the one-HDU file was never examined")
    }

    @Test func truncatedFileIsQuarantinedAfterTheGracePeriodNamingTheMissingBytes() throws {
        let grace = 3.0
        let inst = try TestInstallation(watch: "incomplete_grace_s: \(grace)", label: "qmost-trunc")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        try Self.waitForWatcher(inst, daemon)

        let bytes = try Self.frameBytes(inst)
        let cut = Self.headerLength(bytes) + 5000
        let declaredEnd = Self.headerLength(bytes) + (256 * 256 * 2 + 2879) / 2880 * 2880
        #expect(declaredEnd == bytes.count)
        let staged = "\(inst.staging)/short.fits"
        try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: staged))
        let dropped = Date()
        let path = try inst.drop(staged)

        // Not before the grace period: it might still be growing.
        usleep(UInt32(grace * 0.5 * 1e6))
        #expect(try inst.count("SELECT COUNT(*) FROM quarantine") == 0, "quarantined before the grace period")
        #expect(FileManager.default.fileExists(atPath: path))

        let quarantined = try inst.waitUntil(timeout: 15) { try inst.count("SELECT COUNT(*) FROM quarantine") == 1 }
        #expect(quarantined, "\(daemon.output)")
        #expect(Date().timeIntervalSince(dropped) >= grace - 0.5)
        #expect(try inst.count("SELECT COUNT(*) FROM files") == 0)
        let moved = "\(inst.quarantine)/short.fits"
        #expect(FileManager.default.fileExists(atPath: moved))
        #expect(!FileManager.default.fileExists(atPath: path))
        let reason = (try? String(contentsOfFile: moved + ".reason.txt", encoding: .utf8)) ?? ""
        #expect(reason.contains("missing \(declaredEnd - cut) bytes"), "reason file: \(reason)")

        let explanation = try inst.explain(path)
        #expect(explanation["state"] as? String == "quarantined")
        #expect((explanation["reason"] as? String ?? "").contains("missing \(declaredEnd - cut) bytes"))
        #expect(explanation["quarantine_path"] as? String == "spool/quarantine/short.fits")
        #expect(events(of: explanation).contains { $0["kind"] as? String == "quarantined" })
    }

    @Test func garbageNamedFitsIsQuarantinedAtOnce() throws {
        let inst = try TestInstallation(label: "qmost-garbage")  // grace 8 s: "at once" means well before that
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        try Self.waitForWatcher(inst, daemon)

        let staged = "\(inst.staging)/x.fits"
        var garbage = [UInt8](repeating: 0, count: 8000)
        for i in garbage.indices { garbage[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        try Data(garbage).write(to: URL(fileURLWithPath: staged))
        let dropped = Date()
        let path = try inst.drop(staged)

        let quarantined = try inst.waitUntil(timeout: 4) { try inst.count("SELECT COUNT(*) FROM quarantine") == 1 }
        #expect(quarantined, "not quarantined within 4 s:\n\(daemon.output)")
        #expect(Date().timeIntervalSince(dropped) < 4)
        let moved = "\(inst.quarantine)/x.fits"
        #expect(FileManager.default.fileExists(atPath: moved))
        let reason = (try? String(contentsOfFile: moved + ".reason.txt", encoding: .utf8)) ?? ""
        #expect(reason.contains("reason: not a valid FITS file"), "reason file: \(reason)")
        let explanation = try inst.explain(path)
        #expect(explanation["state"] as? String == "quarantined")
        #expect(try inst.count("SELECT COUNT(*) FROM files") == 0)
    }

    @Test func gzipAndTileCompressedFramesAreAccepted() throws {
        let inst = try TestInstallation(label: "qmost-compressed")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        try Self.waitForWatcher(inst, daemon)

        // .fits.gz: a synthetic frame gzipped by the system's gzip.
        let plain = try inst.stageFrame(.arc, night: "2026-03-14", index: 1, name: "arc.fits")
        let gz = "\(inst.staging)/arc.fits.gz"
        let gzip = try ChildProcess(["/usr/bin/gzip", "-n", "-c", plain], outputPath: gz)
        #expect(gzip.wait(timeout: 10) == 0)
        unlink(plain)

        // .fits.fz: an empty primary HDU and a RICE tile-compressed image, as fpack writes.
        let fz = "\(inst.staging)/std.fits.fz"
        let file = try FITSFile.create(fz, overwrite: true)
        try file.appendEmptyPrimary()
        let pixels = (0..<(64 * 64)).map { UInt16(1000 + $0 % 97) }
        try file.appendImage(pixels, shape: [64, 64], cards: [
            FITSCard(keyword: "MJD-OBS", value: .double(61113.98)),  // 2026-03-14 23:31 UTC
            FITSCard(keyword: "HIERARCH ESO DPR CATG", value: .string("SCIENCE")),
            FITSCard(keyword: "HIERARCH ESO DPR TYPE", value: .string("STD")),
            FITSCard(keyword: "HIERARCH ESO DPR TECH", value: .string("MOS")),
        ], compression: .rice)
        try file.close()

        let shas = [try sha256sum(gz), try sha256sum(fz)]
        try inst.drop(gz)
        try inst.drop(fz)
        let ingested = try inst.waitUntil(timeout: 15) { try inst.count("SELECT COUNT(*) FROM files") == 2 }
        let reasons = try inst.repository.pool.read { db in try String.fetchAll(db, sql: "SELECT reason FROM quarantine") }
        #expect(ingested, "quarantined: \(reasons)\n\(daemon.output)")

        let gzInfo = try inst.explain(shas[0])
        #expect(gzInfo["path"] as? String == "repo/raw/2026-03-14/arc.fits.gz")
        #expect(gzInfo["kind"] as? String == "arc")
        #expect(gzInfo["night"] as? String == "2026-03-14")
        let fzInfo = try inst.explain(shas[1])
        #expect(fzInfo["path"] as? String == "repo/raw/2026-03-14/std.fits.fz")
        #expect(fzInfo["kind"] as? String == "standard")
        #expect(fzInfo["night"] as? String == "2026-03-14")
        #expect(try sha256sum("\(inst.root)/repo/raw/2026-03-14/arc.fits.gz") == shas[0])
    }

    @Test func dotFilesAndPartFilesAreNeverIngestedUntilRenamed() throws {
        let inst = try TestInstallation(label: "qmost-names")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        try Self.waitForWatcher(inst, daemon)

        let hidden = try inst.drop(try inst.stageFrame(index: 1), as: ".hidden.fits")
        let part = try inst.drop(try inst.stageFrame(index: 2), as: "y.fits.part")
        let transfer = try inst.drop(try inst.stageFrame(index: 3), as: ".x.part")
        let transferSha = try sha256sum(transfer)
        // Written in place too, so IN_CLOSE_WRITE fires for the ignored names as well as IN_MOVED_TO.
        let inPlace = "\(inst.spoolRaw)/.written.fits"
        try Data(contentsOf: URL(fileURLWithPath: try inst.stageFrame(index: 4))).write(to: URL(fileURLWithPath: inPlace))
        // A control file dropped after them: once it is in, the others have been seen and passed over.
        try inst.drop(try inst.stageFrame(index: 5), as: "control.fits")
        #expect(try inst.waitUntil(timeout: 15) { try inst.count("SELECT COUNT(*) FROM files") == 1 })
        // And two periodic scans later (every 2 s) they still are not candidates.
        let rescans = { try inst.count("SELECT COALESCE(MAX(value), 0) FROM counters WHERE name = 'watch.rescans'") }
        let before = try rescans()
        #expect(try inst.waitUntil(timeout: 10) { try rescans() >= before + 2 })

        #expect(try inst.count("SELECT COUNT(*) FROM files") == 1)
        // No ingest job but the control file's (its night's l1 job waits for the quiet period).
        #expect(try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'ingest' AND subject != '\(inst.spoolRaw)/control.fits'") == 0)
        #expect(try inst.count("SELECT COUNT(*) FROM quarantine") == 0)
        for path in [hidden, part, transfer, inPlace] { #expect(FileManager.default.fileExists(atPath: path), "\(path) was taken") }

        // The usual transfer pattern: the finished file is renamed to its real name, and only then ingested.
        let final = "\(inst.spoolRaw)/x.fits"
        #expect(rename(transfer, final) == 0)
        #expect(try inst.waitUntil(timeout: 15) { try inst.count("SELECT COUNT(*) FROM files") == 2 })
        let explanation = try inst.explain(final)
        #expect(explanation["sha256"] as? String == transferSha)
        #expect(explanation["original_name"] as? String == "x.fits")
        #expect(explanation["path"] as? String == "repo/raw/2026-03-14/x.fits")
        #expect(!FileManager.default.fileExists(atPath: final))
    }
}

/// The harness's children get only their standard streams: a spool file a test is writing must not stay open
/// for writing in a daemon another test spawned meanwhile (the ingest would wait for that writer, then
/// quarantine the file).
struct ChildProcessDescriptorTests {
    @Test func aChildInheritsNoDescriptorOpenInTheParent() throws {
        let dir = try TemporaryDirectory("qmost-fds")
        let held = open(dir.file("held-open.fits"), O_WRONLY | O_CREAT, 0o644)  // no O_CLOEXEC, like Foundation's writes
        #expect(held >= 0)
        defer { close(held) }
        let child = try ChildProcess(["/bin/ls", "-l", "/proc/self/fd"], outputPath: dir.file("ls.txt"))
        #expect(child.wait(timeout: 10) == 0)
        #expect(!child.output.contains("held-open.fits"), "inherited: \(child.output)")
    }
}
