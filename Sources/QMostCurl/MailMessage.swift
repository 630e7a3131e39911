/// A plain-text mail.
///
/// Addresses are `addr@example.org` or `Display Name <addr@example.org>`; all text may be any Unicode and is
/// MIME-encoded as needed when sent.
public struct MailMessage: Sendable {
    /// The sender, used for both the envelope (`MAIL FROM`) and the From header.
    public var from: String
    /// The recipients, used for both the envelope (`RCPT TO`) and the To header.
    public var to: [String]
    public var subject: String
    /// The text; any line-break convention is accepted and sent as CRLF.
    public var body: String
    /// Further headers in order, such as `Auto-Submitted` or `X-QMost-Event`. Headers the composer writes itself
    /// (Date, Message-ID, From, To, Subject, MIME-Version, Content-Type, Content-Transfer-Encoding) are refused.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        from: String, to: [String], subject: String, body: String, extraHeaders: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.extraHeaders = extraHeaders
    }
}
