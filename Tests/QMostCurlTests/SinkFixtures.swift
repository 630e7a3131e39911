import QMostCurl
import QMostTesting

/// A started sink; the caller keeps it alive for the test and it stops in deinit.
func startedSink(requireAuth: (user: String, password: String)? = nil) throws -> SMTPSink {
    let sink = try SMTPSink(requireAuth: requireAuth)
    try sink.start()
    return sink
}

/// Settings for a loopback sink, which offers no STARTTLS.
func settings(for sink: SMTPSink, username: String? = nil, password: String? = nil) -> SMTPSettings {
    SMTPSettings(url: sink.url, username: username, password: password, requireTLS: false, timeoutSeconds: 10)
}

func simpleMessage(subject: String = "Test", to: [String] = ["ops@example.org"]) -> MailMessage {
    MailMessage(from: "qmostd@example.org", to: to, subject: subject, body: "Hello from qmostd.\n")
}

extension String {
    /// Without the final line break the composer adds, since bodies always travel as whole lines.
    var withoutTrailingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
