import Foundation
import QMostTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Alert mail from a running daemon to a real SMTP server (aiosmtpd on 127.0.0.1): one mail per cause, naming
/// what failed and why, delayed but never lost while the server is down, never sent twice.
@Suite(.serialized)
struct AlertMailTests {
    static func alertsYAML(_ sink: SMTPSink, extra: String = "") -> String {
        """
        alerts: {enabled: true, smtp_url: "\(sink.url)", to: [ops@example.org], from: qmostd@example.org, retry_s: 1, require_tls: false}
        \(extra)
        """
    }

    /// Drops a file that is not FITS under `name`; the daemon quarantines it at once.
    static func dropGarbage(_ inst: TestInstallation, name: String = "junk.fits", seed: UInt8 = 1) throws -> String {
        let staged = "\(inst.staging)/\(name)"
        try Data((0..<6000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }).write(to: URL(fileURLWithPath: staged))
        return try inst.drop(staged, as: name)
    }

    /// Every message went to the configured recipient from the configured sender, and no cause was mailed twice.
    static func expectNoDuplicates(_ mails: [ReceivedMail]) {
        for mail in mails {
            #expect(mail.from == "qmostd@example.org" && mail.to == ["ops@example.org"], "envelope \(mail.from) -> \(mail.to)")
        }
        let causes = mails.compactMap { $0.header("X-Qmostd-Cause") }
        #expect(causes.count == mails.count, "a mail without X-Qmostd-Cause")
        #expect(Set(causes).count == causes.count, "the same alert mailed twice: \(causes)")
    }

    static func sinkLog(_ sink: SMTPSink) -> String { "SMTP sink log:\n\(sink.log())" }

    @Test func aQuarantinedFileSendsExactlyOneMailNamingFileAndReason() throws {
        let sink = try SMTPSink()
        try sink.start()
        let inst = try TestInstallation(yaml: Self.alertsYAML(sink), label: "qmost-mail-q")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }

        let path = try Self.dropGarbage(inst)
        let first = sink.waitForMessages(count: 1, timeout: 20)
        #expect(first.count == 1, "no mail:\n\(daemon.output)\n\(Self.sinkLog(sink))")
        guard let mail = first.first else { return }
        #expect(mail.subject.contains("junk.fits"), "subject: \(mail.subject)")
        #expect(mail.subject.contains("quarantined"), "subject: \(mail.subject)")
        #expect(mail.body.contains(path), "body: \(mail.body)")
        #expect(mail.body.contains("not a valid FITS file"), "body: \(mail.body)")
        #expect(mail.header("X-Qmostd-Cause") == "quarantine:\(path)")

        // Several sender ticks (retry_s 1) later, still exactly one.
        usleep(4_000_000)
        let all = sink.messages()
        #expect(all.count == 1, "subjects: \(all.map(\.subject))")
        Self.expectNoDuplicates(all)
        #expect(try inst.count("SELECT COUNT(*) FROM alerts WHERE state = 'sent'") == 1)
        #expect(try inst.count("SELECT COUNT(*) FROM alerts WHERE state = 'pending'") == 0)
    }

    @Test func aDeadJobSendsExactlyOneMailNamingJobAndReason() throws {
        let sink = try SMTPSink()
        try sink.start()
        let scratch = try TemporaryDirectory("qmost-l1-script")
        let script = scratch.file("failing-l1.sh")
        try """
            #!/bin/sh
            echo "calibration database unreachable: connection refused" >&2
            exit 3
            """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let inst = try TestInstallation(yaml: Self.alertsYAML(sink, extra: """
            stages: {l1: {command: ["\(script)"], quiet_period_s: 0, max_attempts: 2}}
            """), label: "qmost-mail-dead")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }

        try inst.drop(try inst.stageFrame(.bias, night: "2026-03-14"))
        let first = sink.waitForMessages(count: 1, timeout: 30)
        #expect(first.count == 1, "no mail:\n\(daemon.output)\n\(Self.sinkLog(sink))")
        guard let mail = first.first else { return }
        let dead = try inst.repository.pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM jobs WHERE stage = 'l1' AND state = 'dead'")
        }
        #expect(dead.count == 1)
        #expect(try inst.count("SELECT attempts FROM jobs WHERE stage = 'l1'") == 2)
        let job = dead.first ?? -1
        #expect(mail.subject.contains("job \(job) dead"), "subject: \(mail.subject)")
        #expect(mail.subject.contains("l1") && mail.subject.contains("night:2026-03-14"), "subject: \(mail.subject)")
        #expect(mail.body.contains("exited with status 3"), "body: \(mail.body)")
        #expect(mail.body.contains("calibration database unreachable"), "body: \(mail.body)")
        #expect(mail.body.contains("qmostd retry \(job)"), "body: \(mail.body)")

        usleep(4_000_000)
        let all = sink.messages()
        #expect(all.count == 1, "subjects: \(all.map(\.subject))")
        Self.expectNoDuplicates(all)
    }

    @Test func mailQueuedWhileTheServerIsDownArrivesOnceItIsBack() throws {
        let sink = try SMTPSink()
        try sink.start()
        sink.stop()  // the port is known and now refuses connections
        let inst = try TestInstallation(yaml: Self.alertsYAML(sink), label: "qmost-mail-down")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }

        let path = try Self.dropGarbage(inst, name: "while-down.fits")
        // The daemon tried and failed at least twice (retry_s 1) while the server was down.
        let tried = try inst.waitUntil(timeout: 20) {
            try inst.count("SELECT COUNT(*) FROM alerts WHERE state = 'pending' AND attempts >= 2 AND last_error IS NOT NULL") == 1
        }
        #expect(tried, "no failed send attempt recorded:\n\(daemon.output)")
        #expect(sink.messages().isEmpty)

        try sink.start()
        let received = sink.waitForMessages(count: 1, timeout: 20)
        #expect(received.count == 1, "nothing after the restart:\n\(daemon.output)\n\(Self.sinkLog(sink))")
        #expect(received.first?.subject.contains("while-down.fits") == true)
        #expect(received.first?.body.contains(path) == true)
        usleep(4_000_000)
        let all = sink.messages()
        #expect(all.count == 1, "subjects: \(all.map(\.subject))")
        Self.expectNoDuplicates(all)
        #expect(try inst.count("SELECT COUNT(*) FROM alerts WHERE state = 'sent'") == 1)
    }

    @Test func mailStillQueuedWhenTheDaemonStopsIsSentByItsNextRun() throws {
        let sink = try SMTPSink()
        try sink.start()
        sink.stop()
        let inst = try TestInstallation(yaml: Self.alertsYAML(sink), label: "qmost-mail-restart")
        let first = try inst.startDaemon()
        let path = try Self.dropGarbage(inst, name: "before-restart.fits")
        let tried = try inst.waitUntil(timeout: 20) {
            try inst.count("SELECT COUNT(*) FROM alerts WHERE state = 'pending' AND attempts >= 1") == 1
        }
        #expect(tried, "\(first.output)")
        inst.stop(first)
        #expect(try inst.count("SELECT COUNT(*) FROM alerts WHERE state = 'pending'") == 1)

        try sink.start()
        let second = try inst.startDaemon()
        defer { inst.stop(second) }
        let received = sink.waitForMessages(count: 1, timeout: 20)
        #expect(received.count == 1, "\(second.output)\n\(Self.sinkLog(sink))")
        #expect(received.first?.body.contains(path) == true)
        usleep(3_000_000)
        let all = sink.messages()
        #expect(all.count == 1, "subjects: \(all.map(\.subject))")
        Self.expectNoDuplicates(all)
    }

    @Test func theSameCauseTwiceWithinTheWindowIsOneMail() throws {
        let sink = try SMTPSink()
        try sink.start()
        let inst = try TestInstallation(yaml: Self.alertsYAML(sink), label: "qmost-mail-dedup")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }

        // The same name rejected twice: once before the first mail goes out is not required, so wait for it.
        _ = try Self.dropGarbage(inst, name: "again.fits", seed: 1)
        #expect(sink.waitForMessages(count: 1, timeout: 20).count == 1, "no first mail:\n\(daemon.output)")
        _ = try Self.dropGarbage(inst, name: "again.fits", seed: 2)
        #expect(try inst.waitUntil(timeout: 10) { try inst.count("SELECT COUNT(*) FROM quarantine") == 2 })
        // A different cause still gets its own mail, which also shows the sender is alive after the repeat.
        _ = try Self.dropGarbage(inst, name: "other.fits", seed: 3)
        let mails = sink.waitForMessages(count: 2, timeout: 20)
        #expect(mails.count == 2)
        usleep(3_000_000)
        let all = sink.messages()
        #expect(all.count == 2, "subjects: \(all.map(\.subject))")
        #expect(all.filter { $0.subject.contains("again.fits") }.count == 1)
        #expect(all.filter { $0.subject.contains("other.fits") }.count == 1)
        Self.expectNoDuplicates(all)
        #expect(try inst.count("SELECT count FROM alerts WHERE cause LIKE '%again.fits'") == 2)
    }

    @Test func theSameCauseRepeatedWhileTheMailWaitsIsOneMailWithACount() throws {
        let sink = try SMTPSink()
        try sink.start()
        sink.stop()
        let inst = try TestInstallation(yaml: Self.alertsYAML(sink), label: "qmost-mail-fold")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }

        _ = try Self.dropGarbage(inst, name: "twice.fits", seed: 4)
        #expect(try inst.waitUntil(timeout: 10) { try inst.count("SELECT COUNT(*) FROM quarantine") == 1 })
        _ = try Self.dropGarbage(inst, name: "twice.fits", seed: 5)
        #expect(try inst.waitUntil(timeout: 10) { try inst.count("SELECT COUNT(*) FROM quarantine") == 2 })
        #expect(try inst.count("SELECT COUNT(*) FROM alerts") == 1)

        try sink.start()
        let received = sink.waitForMessages(count: 1, timeout: 20)
        #expect(received.count == 1, "\(daemon.output)\n\(Self.sinkLog(sink))")
        #expect(received.first?.body.contains("2 times") == true, "body: \(received.first?.body ?? "")")
        usleep(3_000_000)
        let all = sink.messages()
        #expect(all.count == 1, "subjects: \(all.map(\.subject))")
        Self.expectNoDuplicates(all)
    }
}
