import Foundation
import Synchronization
import QMostCurl
import QMostTesting
import Testing

@Suite struct SMTPSendTests {
    @Test func plainMessageArrivesWithStandardHeaders() throws {
        let sink = try startedSink()
        try SMTPClient.send(simpleMessage(subject: "Night report 2026-11-21"), using: settings(for: sink))

        let received = sink.waitForMessages(count: 1, timeout: 10)
        try #require(received.count == 1)
        let mail = received[0]
        #expect(mail.from == "qmostd@example.org")
        #expect(mail.to == ["ops@example.org"])
        #expect(mail.subject == "Night report 2026-11-21")
        #expect(mail.body.withoutTrailingNewline == "Hello from qmostd.")
        #expect(mail.header("From") == "qmostd@example.org")
        #expect(mail.header("To") == "ops@example.org")
        #expect(mail.header("MIME-Version") == "1.0")
        #expect(mail.header("Content-Type") == "text/plain; charset=\"utf-8\"")
        #expect(mail.header("Content-Transfer-Encoding") == "7bit")
        #expect(mail.header("Message-ID")?.hasSuffix("@example.org>") == true)
        let date = try #require(mail.header("Date"))
        #expect(date.hasSuffix(" +0000"))
        #expect(mail.raw.contains("\r\nSubject: Night report 2026-11-21\r\n"))
        #expect(mail.authenticatedAs == nil)
    }

    @Test func everyRecipientIsInEnvelopeAndHeader() throws {
        let sink = try startedSink()
        let recipients = ["a@example.org", "Night Operator <b@example.org>", "\"Pipeline, Team\" <c@example.org>"]
        try SMTPClient.send(simpleMessage(to: recipients), using: settings(for: sink))

        let mail = try #require(sink.waitForMessages(count: 1, timeout: 10).first)
        #expect(mail.to == ["a@example.org", "b@example.org", "c@example.org"])
        let toHeader = try #require(mail.header("To"))
        for address in ["a@example.org", "Night Operator <b@example.org>", "\"Pipeline, Team\" <c@example.org>"] {
            #expect(toHeader.contains(address), "\(toHeader)")
        }
    }

    @Test func nonASCIITextArrivesIntact() throws {
        let sink = try startedSink()
        // Long enough to need several encoded words and soft line breaks; a leading dot tests dot-stuffing,
        // trailing blanks and "=" test quoted-printable's special cases.
        let subject =
            "Überprüfung der Spektren ✓ — 観測ログ 🌌 — Ångström-Kalibrierung für die Nacht vom 21."
        let body = """
            Grüße aus Paranal! Température −12 °C, seeing 0.8″, λ = 656.28 nm.
            \(String(repeating: "Spektrum ", count: 20))ende
            .a line starting with a dot
            .
            trailing blanks   
            a=b and =?not-an-encoded-word?=
            🌌 観測 ✓

            """
        let longName = "Überwachungsdienst der Datenflusssteuerung für das 4MOST-Spektroskopie-Programm"
        var message = MailMessage(
            from: "Überwachung <qmostd@example.org>",
            to: [
                "Zoë Ops <ops@example.org>", "\(longName) <a-rather-long-mailbox-name@operations.example.org>",
                "José Núñez (観測 チーム) <jn@example.org>",
            ],
            subject: subject, body: body)
        message.extraHeaders = [("X-QMost-Very-Long-Header-Name-For-Testing", subject)]
        try SMTPClient.send(message, using: settings(for: sink))

        let mail = try #require(sink.waitForMessages(count: 1, timeout: 10).first)
        #expect(mail.subject == subject)
        #expect(mail.body == body)
        #expect(mail.header("From") == "Überwachung <qmostd@example.org>")
        #expect(
            mail.header("To")
                == "Zoë Ops <ops@example.org>, \(longName) <a-rather-long-mailbox-name@operations.example.org>, "
                // Python renders the display name quoted because of the parentheses.
                + "\"José Núñez (観測 チーム)\" <jn@example.org>")
        #expect(mail.to == ["ops@example.org", "a-rather-long-mailbox-name@operations.example.org", "jn@example.org"])
        #expect(mail.header("X-QMost-Very-Long-Header-Name-For-Testing") == subject)
        #expect(mail.header("Content-Transfer-Encoding") == "quoted-printable")
        // The message itself must be 7-bit with short lines, since no 8BITMIME was negotiated.
        #expect(mail.raw.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(mail.raw.components(separatedBy: "\r\n").filter { $0.utf8.count > 78 } == [])
    }

    @Test func lineBreakConventionsAllBecomeLines() throws {
        let sink = try startedSink()
        let message = MailMessage(
            from: "qmostd@example.org", to: ["ops@example.org"], subject: "Line\r\nBcc: victim@example.org",
            body: "unix\nwindows\r\nold mac\rend")
        try SMTPClient.send(message, using: settings(for: sink))

        let mail = try #require(sink.waitForMessages(count: 1, timeout: 10).first)
        #expect(mail.body.withoutTrailingNewline == "unix\nwindows\nold mac\nend")
        // A line break in a header value must not smuggle in another header.
        #expect(mail.header("Bcc") == nil)
        #expect(mail.subject == "Line Bcc: victim@example.org")
    }

    @Test func extraHeadersArriveInOrder() throws {
        let sink = try startedSink()
        var message = simpleMessage()
        message.extraHeaders = [("Auto-Submitted", "auto-generated"), ("X-QMost-Event", "ingest.failed — Kanal ✗")]
        try SMTPClient.send(message, using: settings(for: sink))

        let mail = try #require(sink.waitForMessages(count: 1, timeout: 10).first)
        #expect(mail.header("Auto-Submitted") == "auto-generated")
        #expect(mail.header("X-QMost-Event") == "ingest.failed — Kanal ✗")
        let names = mail.headers.map(\.name)
        #expect(names.firstIndex(of: "Auto-Submitted")! < names.firstIndex(of: "X-QMost-Event")!)
    }

    @Test func concurrentSendsAllArrive() throws {
        let sink = try startedSink()
        let settings = settings(for: sink)
        let failures = Mutex(0)
        // Real threads rather than tasks: the client blocks, which must not starve the cooperative pool.
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            do {
                try SMTPClient.send(simpleMessage(subject: "Parallel \(index)"), using: settings)
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let subjects = Set(sink.waitForMessages(count: 12, timeout: 20).map(\.subject))
        #expect(subjects == Set((0..<12).map { "Parallel \($0)" }))
    }
}
