import Foundation
import QMostIngest
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A file shorter than its headers declare waits while it may still be growing, and is quarantined, naming the
/// missing bytes, once it has not changed for `watch.incomplete_grace_s`.
@Suite struct IncompleteFileTests {
    /// A synthetic frame cut in the middle of its data; returns how many bytes were cut off.
    static func truncatedFrame(at path: String) throws -> Int64 {
        try Frames.synthetic(Frames.spec(), at: path)
        let full = try Files.size(path)
        let kept: Int64 = 2880 + 1000  // the header block and part of the data
        #expect(truncate(path, off_t(kept)) == 0)
        return full - kept
    }

    @Test func truncatedFrameWaitsWithinTheGracePeriod() throws {
        let site = try Installation { $0.watch.incompleteGraceSeconds = 300; $0.watch.incompleteRecheckSeconds = 2 }
        let path = site.spool("cut.fits")
        _ = try Self.truncatedFrame(at: path)
        let changed = try Files.modified(path)

        let waiting = try #require(try site.ingest(path, now: changed.addingTimeInterval(10)).waiting)
        #expect(waiting.retryAfter > 0 && waiting.retryAfter <= 2)
        #expect(Files.exists(path))
        #expect(try site.count("files") == 0)
        #expect(try site.count("quarantine") == 0)
        #expect(try site.count("alerts") == 0)

        // Near the end of the grace period the re-check comes no later than the deadline.
        let late = try #require(try site.ingest(path, now: changed.addingTimeInterval(299.5)).waiting)
        #expect(late.retryAfter <= 0.5 + 1e-6)
    }

    @Test func truncatedFrameIsQuarantinedAfterTheGracePeriod() throws {
        let site = try Installation { $0.watch.incompleteGraceSeconds = 300 }
        let name = "cut.fits"
        let path = site.spool(name)
        let missing = try Self.truncatedFrame(at: path)
        let bytes = try Files.bytes(path)
        let changed = try Files.modified(path)

        let quarantined = try #require(try site.ingest(path, now: changed.addingTimeInterval(301)).quarantined)
        #expect(quarantined.reason.contains("\(missing) bytes"))
        #expect(quarantined.quarantinePath == "spool/quarantine/\(name)")

        // Moved (not copied) into the quarantine, unchanged, with its reason beside it.
        #expect(!Files.exists(path))
        let target = site.absolute(quarantined.quarantinePath)
        #expect(try Files.bytes(target) == bytes)
        let reasonText = try String(contentsOfFile: target + ".reason.txt", encoding: .utf8)
        #expect(reasonText.contains("missing \(missing) bytes"))
        #expect(reasonText.contains("file: \(path)"))
        #expect(reasonText.contains("reason: "))

        let records = try site.quarantineRecords()
        #expect(records.count == 1)
        #expect(records.first?.originalPath == path)
        #expect(records.first?.quarantinePath == quarantined.quarantinePath)
        #expect(records.first?.reason == quarantined.reason)

        let events = try site.events(kind: "quarantined")
        #expect(events.count == 1)
        #expect(events.first?.level == .error)
        #expect(events.first?.path == path)

        let alerts = try site.alerts()
        #expect(alerts.count == 1)
        #expect(alerts.first?.cause == "quarantine:\(path)")
        #expect(alerts.first?.state == .pending)
        #expect(alerts.first?.body.contains("\(missing) bytes") == true)
        #expect(try site.count("files") == 0)
    }

    @Test func sameNameQuarantinedTwiceKeepsBoth() throws {
        let site = try Installation()
        let path = site.spool("cut.fits")
        _ = try Self.truncatedFrame(at: path)
        let first = try #require(try site.ingest(path, now: Date().addingTimeInterval(1000)).quarantined)
        _ = try Self.truncatedFrame(at: path)
        let second = try #require(try site.ingest(path, now: Date().addingTimeInterval(1000)).quarantined)
        #expect(first.quarantinePath != second.quarantinePath)
        #expect(Files.exists(site.absolute(first.quarantinePath)))
        #expect(Files.exists(site.absolute(second.quarantinePath)))
        #expect(Files.exists(site.absolute(second.quarantinePath) + ".reason.txt"))
        #expect(try site.count("quarantine") == 2)
        // One cause within the dedup window: one alert counted twice.
        #expect(try site.alerts().map(\.count) == [2])
    }

    @Test func fileOpenForWritingWaits() throws {
        let site = try Installation()
        let path = site.spool("growing.fits")
        try Frames.synthetic(Frames.spec(), at: path)  // complete, but a writer still holds it
        let waiting = try WriteGate.writing {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            try #require(fd >= 0)
            defer { close(fd) }
            return try site.ingest(path).waiting
        }
        #expect(waiting?.reason == "still open for writing")
        #expect(Files.exists(path))
        #expect(try site.count("files") == 0)

        _ = try site.accept(path)
    }
}
