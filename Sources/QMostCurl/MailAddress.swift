import Foundation

/// A mailbox as written by users, `addr@example.org` or `Display Name <addr@example.org>`.
struct MailAddress {
    /// The address SMTP routes on, without angle brackets.
    var address: String
    var displayName: String?

    /// Parses `text`; returns nil for anything that could not safely go into an SMTP command or a header.
    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            }
            displayName = name.isEmpty ? nil : name
        } else {
            address = trimmed
            displayName = nil
        }
        // Control characters in either part would let a caller inject SMTP commands or headers.
        let forbidden: (Unicode.Scalar) -> Bool = { $0.value < 0x20 || $0.value == 0x7F }
        guard !address.isEmpty,
            !address.unicodeScalars.contains(where: { forbidden($0) || $0 == " " || $0 == "<" || $0 == ">" }),
            !(displayName?.unicodeScalars.contains(where: forbidden) ?? false)
        else { return nil }
    }

    /// The domain after the last `@`, if it is a plain host name.
    var domain: String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let domain = address[address.index(after: at)...]
        let allowed = domain.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-"
        }
        return domain.isEmpty || !allowed ? nil : String(domain)
    }

    /// The form for From and To headers, starting at `startColumn` of its line: display names are quoted or
    /// RFC 2047-encoded as needed, and encoded ones folded so that lines stay within 76 characters.
    func headerForm(startColumn: Int) -> String {
        guard let displayName else { return address }
        let angleAddress = "<\(address)>"
        if MIMEEncoding.headerNeedsEncoding(displayName) {
            return MIMEEncoding.fold(MIMEEncoding.phraseWords(displayName) + [angleAddress], startColumn: startColumn)
        }
        if displayName.contains(where: { "()<>[]:;@\\,.\"".contains($0) }) {
            let escaped = displayName.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\" \(angleAddress)"
        }
        return "\(displayName) \(angleAddress)"
    }
}
