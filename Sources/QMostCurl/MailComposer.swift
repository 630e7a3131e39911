import Foundation

/// Turns a ``MailMessage`` into the SMTP envelope and the RFC 5322 bytes libcurl uploads.
///
/// Dot-stuffing and the terminating `CRLF.CRLF` are left to libcurl, which applies them to SMTP uploads.
enum MailComposer {
    struct Composed {
        var sender: String
        var recipients: [String]
        var data: [UInt8]
    }

    /// Header names this composer writes itself; callers may not supply them again through `extraHeaders`.
    static let reservedHeaders: Set<String> = [
        "date", "message-id", "from", "to", "subject", "mime-version", "content-type", "content-transfer-encoding",
    ]

    /// Validates and serialises `message`; `url` only labels errors.
    static func compose(_ message: MailMessage, url: String) throws(CurlError) -> Composed {
        func invalid(_ text: String) -> CurlError {
            CurlError(code: CurlCode.badFunctionArgument, message: text, url: url)
        }
        guard let from = MailAddress(message.from) else { throw invalid("invalid sender address") }
        guard !message.to.isEmpty else { throw invalid("no recipients") }
        var to: [MailAddress] = []
        for text in message.to {
            guard let address = MailAddress(text) else { throw invalid("invalid recipient address") }
            to.append(address)
        }

        var headers: [String] = [
            "Date: " + rfc5322Date(Date()),
            "Message-ID: <\(UUID().uuidString.lowercased())@\(from.domain ?? "qmostd.invalid")>",
            "From: " + from.headerForm(startColumn: "From: ".count),
            // One recipient per line keeps long lists within line limits.
            "To: " + to.enumerated().map { $1.headerForm(startColumn: $0 == 0 ? "To: ".count : 1) }
                .joined(separator: ",\r\n "),
            "Subject: " + headerValue(message.subject, startColumn: "Subject: ".count),
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ]

        let lines = bodyLines(message.body)
        let sevenBit = MIMEEncoding.isSevenBitSafe(lines)
        // Quoted-printable rather than 8bit: libcurl does not announce BODY=8BITMIME, so 8bit would be unsafe.
        headers.append("Content-Transfer-Encoding: " + (sevenBit ? "7bit" : "quoted-printable"))

        for (name, value) in message.extraHeaders {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value >= 33 && $0.value <= 126 && $0 != ":" })
            else { throw invalid("invalid header name \"\(name)\"") }
            guard !reservedHeaders.contains(name.lowercased()) else {
                throw invalid("header \(name) is set by the mail composer and cannot be overridden")
            }
            headers.append(name + ": " + headerValue(value, startColumn: name.count + 2))
        }

        let bodyText = sevenBit ? lines.map(String.init) : lines.flatMap { MIMEEncoding.quotedPrintable(line: $0) }
        let text = (headers + [""] + bodyText).joined(separator: "\r\n") + "\r\n"
        return Composed(sender: "<\(from.address)>", recipients: to.map { "<\($0.address)>" }, data: Array(text.utf8))
    }

    /// Unstructured header text, encoded and folded if it cannot travel as is.
    private static func headerValue(_ value: String, startColumn: Int) -> String {
        // A header is one logical line: a raw line break would inject headers, an encoded one would confuse readers.
        let value = value.split(whereSeparator: \.isNewline).joined(separator: " ")
        return MIMEEncoding.headerNeedsEncoding(value)
            ? MIMEEncoding.encodedWords(value, startColumn: startColumn).joined(separator: "\r\n ") : value
    }

    /// Splits on any line-break convention; a final line break does not start an extra empty line.
    private static func bodyLines(_ body: String) -> [Substring] {
        let normalised = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalised.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// `Thu, 01 Jan 2026 12:00:00 +0000`, always in UTC so no time-zone database is involved.
    private static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
