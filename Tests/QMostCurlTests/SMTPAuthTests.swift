import QMostCurl
import QMostTesting
import Testing

@Suite struct SMTPAuthTests {
    static let user = "qmostd"
    // Characters that need care in SASL encodings and URLs.
    static let password = "pä$$ w0rd:@/%"

    @Test(arguments: SMTPAuthMechanism.allCases)
    func correctCredentialsAreAccepted(mechanism: SMTPAuthMechanism) throws {
        let sink = try startedSink(requireAuth: (Self.user, Self.password))
        var settings = settings(for: sink, username: Self.user, password: Self.password)
        settings.authMechanism = mechanism
        try SMTPClient.send(simpleMessage(subject: "via \(mechanism.rawValue)"), using: settings)

        let mail = try #require(sink.waitForMessages(count: 1, timeout: 10).first)
        #expect(mail.authenticatedAs == Self.user)
        #expect(mail.subject == "via \(mechanism.rawValue)")
    }

    @Test func libcurlPicksAMechanismByItself() throws {
        let sink = try startedSink(requireAuth: (Self.user, Self.password))
        try SMTPClient.send(
            simpleMessage(), using: settings(for: sink, username: Self.user, password: Self.password))
        #expect(sink.waitForMessages(count: 1, timeout: 10).first?.authenticatedAs == Self.user)
    }

    @Test(arguments: SMTPAuthMechanism.allCases)
    func wrongPasswordFailsWithoutRevealingIt(mechanism: SMTPAuthMechanism) throws {
        let sink = try startedSink(requireAuth: (Self.user, Self.password))
        let wrong = "Wr0ng-Passw0rd-\(mechanism.rawValue)"
        var settings = settings(for: sink, username: Self.user, password: wrong)
        settings.authMechanism = mechanism
        let error = #expect(throws: CurlError.self) { try SMTPClient.send(simpleMessage(), using: settings) }

        #expect(error?.code == SMTPFailureTests.Code.loginDenied)
        #expect(error?.url == sink.url)
        for text in [error?.message, error?.description, error.map { "\($0)" }] {
            #expect(text?.contains(wrong) == false)
            #expect(text?.contains(Self.password) == false)
        }
        #expect(sink.messages().isEmpty)
    }

    @Test func serverRequiringAuthRefusesAnonymousMail() throws {
        let sink = try startedSink(requireAuth: (Self.user, Self.password))
        #expect(throws: CurlError.self) { try SMTPClient.send(simpleMessage(), using: settings(for: sink)) }
        #expect(sink.messages().isEmpty)
    }
}
