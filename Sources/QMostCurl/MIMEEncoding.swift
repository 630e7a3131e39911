import Foundation

/// The MIME encodings mail needs to carry UTF-8 text through 7-bit SMTP (RFC 2045, RFC 2047).
enum MIMEEncoding {
    /// Whether a header value must become RFC 2047 encoded words rather than travel as is.
    ///
    /// Besides non-ASCII text this covers control characters and text that already looks like an encoded word
    /// (a receiver would otherwise decode it), and values too long for one line, which encoding lets us fold.
    static func headerNeedsEncoding(_ value: String) -> Bool {
        value.utf8.count > 900 || value.contains("=?")
            || value.unicodeScalars.contains { !$0.isASCII || ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }
    }

    /// The longest line RFC 2047 allows when it holds an encoded word.
    static let maxEncodedLine = 76

    /// RFC 2047 "B" encoded words for `text`, each holding only whole characters, to be joined by `"\r\n "`.
    ///
    /// The first word starts at `startColumn` (after the header name, say), the others after the folding space;
    /// each is sized so its line stays within ``maxEncodedLine``.
    static func encodedWords(_ text: String, startColumn: Int) -> [String] {
        // "=?UTF-8?B?" and "?=" take 12 characters; base64 turns each 3 bytes into 4 characters. A scalar is at
        // most 4 bytes, so a word must take at least that many even if a long header name then overflows.
        func capacity(column: Int) -> Int { max(4, (maxEncodedLine - column - 12) / 4 * 3) }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = capacity(column: startColumn)
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > limit {
                words.append(encodedWord(chunk))
                chunk.removeAll(keepingCapacity: true)
                limit = capacity(column: 1)
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words
    }

    /// The words of a display name: atoms travel as they are, while runs of tokens that are not atoms (non-ASCII
    /// text, specials) become encoded words.
    ///
    /// Encoding token by token rather than the whole name keeps encoded words short, so they rarely split.
    /// Decoders are meant to join adjacent encoded words seamlessly, but in structured headers some, Python's
    /// email package among them, put a space between them.
    static func phraseWords(_ phrase: String) -> [String] {
        var words: [String] = []
        var run: [Substring] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            // The spaces inside a run must be encoded too: white space between encoded words is dropped.
            words += encodedWords(run.joined(separator: " "), startColumn: 1)
            run.removeAll()
        }
        for token in phrase.split(separator: " ") {
            if isAtom(token) {
                flushRun()
                words.append(String(token))
            } else {
                run.append(token)
            }
        }
        flushRun()
        return words
    }

    /// RFC 5322 atext only, and nothing a decoder could take for an encoded word.
    private static func isAtom(_ token: Substring) -> Bool {
        !token.contains("=?")
            && token.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains($0)
            }
    }

    /// Joins header words with spaces, folding before any word that would take the line past
    /// ``maxEncodedLine``; the first word starts at `startColumn`.
    static func fold(_ words: [String], startColumn: Int) -> String {
        var result = ""
        var column = startColumn
        for (index, word) in words.enumerated() {
            if index > 0 {
                if column + 1 + word.count > maxEncodedLine {
                    result += "\r\n"
                    column = 0
                }
                result += " "
                column += 1
            }
            result += word
            column += word.count
        }
        return result
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// Whether body lines (already split, without line breaks) can travel as 7bit: ASCII, no NUL, short lines.
    static func isSevenBitSafe(_ lines: [Substring]) -> Bool {
        lines.allSatisfy { line in
            line.utf8.count <= 998 && line.utf8.allSatisfy { $0 != 0 && $0 < 0x80 }
        }
    }

    /// Quoted-printable encoding of one line of text; soft line breaks keep every output line within 76 characters.
    static func quotedPrintable(line: Substring) -> [String] {
        let bytes = Array(line.utf8)
        var output: [String] = []
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal =
                (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                // Trailing white space may be stripped in transit, so only interior spaces and tabs stay literal.
                || ((byte == 0x20 || byte == 0x09) && !isLast)
            let token = literal ? String(UnicodeScalar(byte)) : "=" + hex(byte)
            // 75 leaves room for the "=" of a soft line break.
            if current.utf8.count + token.utf8.count > 75 {
                output.append(current + "=")
                current = ""
            }
            current += token
        }
        output.append(current)
        return output
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
