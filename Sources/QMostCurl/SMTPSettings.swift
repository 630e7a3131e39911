/// Where and how to submit mail.
public struct SMTPSettings: Sendable {
    /// `smtp://host:port` (STARTTLS governed by ``requireTLS``) or `smtps://host:port` (TLS from the first byte).
    /// Put credentials in ``username`` and ``password``, not in the URL.
    public var url: String
    /// The SMTP AUTH user name; nil skips authentication.
    public var username: String?
    /// The SMTP AUTH password. Never appears in errors.
    public var password: String?
    /// On `smtp://`, whether STARTTLS is mandatory (`CURLUSESSL_ALL`) or merely used when offered
    /// (`CURLUSESSL_TRY`). Opportunistic TLS sends credentials in clear text to a server that does not offer it.
    public var requireTLS: Bool
    /// Whether the server's certificate chain and host name are checked.
    public var verifyPeer: Bool
    /// A PEM bundle of CA certificates to trust instead of the system's.
    public var caFile: String?
    /// Limit for connecting and, separately, for the whole transfer.
    public var timeoutSeconds: Int
    /// Forces one SASL mechanism; nil lets libcurl pick the best the server offers.
    public var authMechanism: SMTPAuthMechanism?

    public init(
        url: String, username: String? = nil, password: String? = nil, requireTLS: Bool = true,
        verifyPeer: Bool = true, caFile: String? = nil, timeoutSeconds: Int = 30,
        authMechanism: SMTPAuthMechanism? = nil
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.requireTLS = requireTLS
        self.verifyPeer = verifyPeer
        self.caFile = caFile
        self.timeoutSeconds = timeoutSeconds
        self.authMechanism = authMechanism
    }
}

/// SASL mechanisms for SMTP AUTH that can be forced through ``SMTPSettings/authMechanism``.
public enum SMTPAuthMechanism: String, Sendable, CaseIterable {
    case plain = "PLAIN"
    case login = "LOGIN"
}
