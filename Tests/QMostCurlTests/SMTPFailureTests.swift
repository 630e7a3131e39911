import QMostCurl
import QMostTesting
import Testing

@Suite struct SMTPFailureTests {
    /// CURLcode values the assertions below rely on.
    enum Code {
        static let couldNotConnect: Int32 = 7
        static let badFunctionArgument: Int32 = 43
        static let useSSLFailed: Int32 = 64
        static let loginDenied: Int32 = 67
    }

    @Test func refusedConnectionNamesTheURL() throws {
        // Never started, so nothing listens on its port.
        let sink = try SMTPSink()
        let error = #expect(throws: CurlError.self) {
            try SMTPClient.send(simpleMessage(), using: settings(for: sink))
        }
        #expect(error?.code == Code.couldNotConnect)
        #expect(error?.url == sink.url)
        #expect(error?.description.contains(sink.url) == true)
    }

    @Test func credentialsInTheURLNeverAppearInErrors() throws {
        let sink = try SMTPSink()
        let url = "smtp://operator:Sup3rS3cret@127.0.0.1:\(sink.port)"
        let error = #expect(throws: CurlError.self) {
            try SMTPClient.send(
                simpleMessage(), using: SMTPSettings(url: url, requireTLS: false, timeoutSeconds: 10))
        }
        #expect(error?.url == sink.url)
        #expect(error?.description.contains("Sup3rS3cret") == false)
    }

    @Test func requiredTLSIsNotSilentlySkipped() throws {
        let sink = try startedSink()
        var settings = settings(for: sink)
        settings.requireTLS = true
        let error = #expect(throws: CurlError.self) { try SMTPClient.send(simpleMessage(), using: settings) }
        #expect(error?.code == Code.useSSLFailed)
        #expect(sink.messages().isEmpty)
    }

    @Test(arguments: ["", "not an address", "a@example.org\r\nRCPT TO:<b@example.org>", "<>"])
    func malformedAddressesAreRefusedBeforeConnecting(address: String) throws {
        let sink = try startedSink()
        for message in [
            MailMessage(from: address, to: ["ops@example.org"], subject: "s", body: "b"),
            MailMessage(from: "qmostd@example.org", to: ["ops@example.org", address], subject: "s", body: "b"),
        ] {
            let error = #expect(throws: CurlError.self) { try SMTPClient.send(message, using: settings(for: sink)) }
            #expect(error?.code == Code.badFunctionArgument)
        }
        #expect(sink.messages().isEmpty)
    }

    @Test func messagesWithoutRecipientsOrWithReservedHeadersAreRefused() throws {
        let sink = try startedSink()
        var noRecipients = simpleMessage()
        noRecipients.to = []
        var reserved = simpleMessage()
        reserved.extraHeaders = [("subject", "second subject")]
        var badName = simpleMessage()
        badName.extraHeaders = [("X-Bad Name", "value")]
        for message in [noRecipients, reserved, badName] {
            let error = #expect(throws: CurlError.self) { try SMTPClient.send(message, using: settings(for: sink)) }
            #expect(error?.code == Code.badFunctionArgument)
        }
        #expect(sink.messages().isEmpty)
    }

    @Test func serverRestartedOnTheSamePortAcceptsMailAgain() throws {
        let sink = try startedSink()
        let settings = settings(for: sink)
        try SMTPClient.send(simpleMessage(subject: "before"), using: settings)
        #expect(sink.waitForMessages(count: 1, timeout: 10).count == 1)

        sink.stop()
        let error = #expect(throws: CurlError.self) {
            try SMTPClient.send(simpleMessage(subject: "while down"), using: settings)
        }
        #expect(error?.code == Code.couldNotConnect)

        try sink.start()
        try SMTPClient.send(simpleMessage(subject: "after"), using: settings)
        let subjects = sink.waitForMessages(count: 2, timeout: 10).map(\.subject)
        #expect(subjects == ["before", "after"])
    }
}
