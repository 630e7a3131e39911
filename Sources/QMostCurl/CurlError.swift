import Foundation

/// A failed libcurl transfer, or a request refused before it reached libcurl.
///
/// Messages are built from `curl_easy_strerror`, the transfer's error buffer and the server's last reply code;
/// passwords are scrubbed from them and user information is removed from ``url``, so the error may be logged as is.
public struct CurlError: Error, CustomStringConvertible, Sendable {
    /// The libcurl `CURLcode` (for example 7 for `CURLE_COULDNT_CONNECT`, 67 for `CURLE_LOGIN_DENIED`).
    public let code: Int32
    /// A human-readable explanation: libcurl's description of ``code`` plus its detail for this transfer.
    public let message: String
    /// The URL the transfer was aimed at, without any `user:password@` part.
    public let url: String

    /// Creates an error; `url` is redacted here too, so no caller can leak credentials through it.
    public init(code: Int32, message: String, url: String) {
        self.code = code
        self.message = message
        self.url = Redaction.url(url)
    }

    public var description: String { "\(url): \(message) (curl error \(code))" }
}

/// Keeps secrets out of anything that may end up in a log.
enum Redaction {
    /// Drops the userinfo part of `scheme://user:password@host/...`.
    static func url(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
    }

    /// Replaces every occurrence of each non-empty secret; servers and libcurl have been known to echo input back.
    static func scrub(_ text: String, secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }
}
