/// Why a header record could not be read; `status` is the matching cfitsio code.
struct FITSCardParseError: Error, Sendable {
    let status: Int32
    let message: String
}

/// Parses 80-byte header records into cards.
///
/// Both `FITSFile.header` (records from cfitsio) and the validator (records read straight
/// from disk, including headers cfitsio refuses because they are cut) go through this one
/// parser, so both report the same cards for the same bytes.
enum FITSCardParser {
    static let recordLength = 80

    /// Parses `count` consecutive records starting at `bytes.startIndex`, stopping early at
    /// an END record, and joins long strings continued with `&` / `CONTINUE`.
    static func parseCards(_ bytes: ArraySlice<UInt8>, count: Int) throws(FITSCardParseError) -> [FITSCard] {
        var cards: [FITSCard] = []
        cards.reserveCapacity(count)
        var number = 0
        while number < count {
            let record = Self.record(bytes, number)
            if isEnd(record) { break }
            var card = try parseRecord(record, number: number + 1)
            number += 1
            guard case .string(var text)? = card.value, text.hasSuffix("&") else {
                cards.append(card)
                continue
            }
            // OGIP long-string convention: a string ending in '&' continues in the value of
            // the following CONTINUE records.
            var comments = [card.comment].compactMap { $0 }
            while text.hasSuffix("&"), number < count {
                let next = Self.record(bytes, number)
                guard keywordField(next) == "CONTINUE",
                    let (value, comment) = try? parseValue(next.dropFirst(8), keyword: "CONTINUE"),
                    case .string(let part) = value
                else { break }
                text.removeLast()
                text += part
                if let comment { comments.append(comment) }
                number += 1
            }
            card.value = .string(text)
            card.comment = comments.isEmpty ? nil : comments.joined(separator: " ")
            cards.append(card)
        }
        // Blank records just before END are space reserved for later keywords, not cards;
        // cfitsio leaves them out too, so both readers report the same list.
        while let last = cards.last, last.keyword.isEmpty, last.comment == nil { cards.removeLast() }
        return cards
    }

    /// Whether the record is the END record (keyword END, the rest blank).
    static func isEnd(_ record: ArraySlice<UInt8>) -> Bool {
        let s = record.startIndex
        guard record.count >= recordLength,
            record[s] == UInt8(ascii: "E"), record[s + 1] == UInt8(ascii: "N"), record[s + 2] == UInt8(ascii: "D")
        else { return false }
        return record[(s + 3)...].allSatisfy { $0 == 0x20 }
    }

    /// The keyword field (columns 1-8) without trailing blanks.
    static func keywordField(_ record: ArraySlice<UInt8>) -> String {
        var field = record.prefix(8)
        while field.last == 0x20 { field = field.dropLast() }
        return String(decoding: field, as: UTF8.self)
    }

    static func record(_ bytes: ArraySlice<UInt8>, _ number: Int) -> ArraySlice<UInt8> {
        let start = bytes.startIndex + number * recordLength
        return bytes[start..<(start + recordLength)]
    }

    /// Parses one record; `number` (1-based) is used only in messages.
    static func parseRecord(_ record: ArraySlice<UInt8>, number: Int) throws(FITSCardParseError) -> FITSCard {
        if let bad = record.firstIndex(where: { $0 < 0x20 || $0 > 0x7E }) {
            let hex = String(record[bad], radix: 16, uppercase: true)
            throw FITSCardParseError(
                status: 207,
                message: "card \(number) holds a byte (0x\(hex)) that is not printable ASCII at column \(bad - record.startIndex + 1)")
        }
        let keyword = keywordField(record)
        let s = record.startIndex

        if keyword == "HIERARCH" {
            // ESO convention: "HIERARCH ESO DPR CATG = 'CALIB'"; the keyword ends at the first '='.
            let rest = record.dropFirst(8)
            if let equals = rest.firstIndex(of: UInt8(ascii: "=")) {
                let name = String(decoding: rest[..<equals], as: UTF8.self)
                    .split(separator: " ").joined(separator: " ")
                if !name.isEmpty {
                    let fullName = "HIERARCH " + name
                    let (value, comment) = try parseValue(rest[(equals + 1)...], keyword: fullName)
                    return FITSCard(keyword: fullName, value: value, comment: comment)
                }
            }
            return FITSCard(keyword: keyword, value: nil, comment: commentaryText(record))
        }

        switch keyword {
        case "COMMENT", "HISTORY", "", "CONTINUE":
            return FITSCard(keyword: keyword, value: nil, comment: commentaryText(record))
        default:
            // The value indicator is "= " in columns 9-10; anything else makes the record
            // commentary (FITS 4.0 section 4.1.2.2).
            guard record[s + 8] == UInt8(ascii: "=") else {
                return FITSCard(keyword: keyword, value: nil, comment: commentaryText(record))
            }
            let (value, comment) = try parseValue(record[(s + 9)...], keyword: keyword)
            return FITSCard(keyword: keyword, value: value, comment: comment)
        }
    }

    private static func commentaryText(_ record: ArraySlice<UInt8>) -> String? {
        var text = record.dropFirst(8)
        while text.last == 0x20 { text = text.dropLast() }
        return text.isEmpty ? nil : String(decoding: text, as: UTF8.self)
    }

    /// Parses a value field (free format) and its optional `/ comment`.
    static func parseValue(_ field: ArraySlice<UInt8>, keyword: String) throws(FITSCardParseError) -> (FITSValue, String?) {
        let space = UInt8(ascii: " "), slash = UInt8(ascii: "/"), quote = UInt8(ascii: "'")
        var i = field.startIndex
        let end = field.endIndex
        while i < end, field[i] == space { i += 1 }
        guard i < end else { return (.undefined, nil) }

        func comment(from start: ArraySlice<UInt8>.Index) throws(FITSCardParseError) -> String? {
            var k = start
            while k < end, field[k] == space { k += 1 }
            guard k < end else { return nil }
            guard field[k] == slash else {
                throw FITSCardParseError(
                    status: 207,
                    message: "keyword \(keyword) has unexpected text after its value: '\(text(field[k...]))'")
            }
            var body = field[(k + 1)...]
            while body.first == space { body = body.dropFirst() }
            while body.last == space { body = body.dropLast() }
            return body.isEmpty ? nil : text(body)
        }

        switch field[i] {
        case slash:
            return (.undefined, try comment(from: i))
        case quote:
            var bytes: [UInt8] = []
            var j = i + 1
            while true {
                guard j < end else {
                    throw FITSCardParseError(status: 205, message: "string value of keyword \(keyword) has no closing quote")
                }
                if field[j] == quote {
                    // A doubled quote is a literal quote inside the string.
                    if j + 1 < end, field[j + 1] == quote {
                        bytes.append(quote)
                        j += 2
                        continue
                    }
                    j += 1
                    break
                }
                bytes.append(field[j])
                j += 1
            }
            while bytes.last == space { bytes.removeLast() }
            return (.string(String(decoding: bytes, as: UTF8.self)), try comment(from: j))
        case UInt8(ascii: "("):
            guard let close = field[i...].firstIndex(of: UInt8(ascii: ")")) else {
                throw FITSCardParseError(status: 405, message: "complex value of keyword \(keyword) has no closing parenthesis")
            }
            let parts = text(field[(i + 1)..<close]).split(separator: ",")
            guard parts.count == 2, let re = parseReal(parts[0].trimmingFITSBlanks()),
                let im = parseReal(parts[1].trimmingFITSBlanks())
            else {
                throw FITSCardParseError(status: 405, message: "keyword \(keyword) has a malformed complex value")
            }
            return (.complex(re: re, im: im), try comment(from: close + 1))
        default:
            var j = i
            while j < end, field[j] != slash, field[j] != space { j += 1 }
            let token = text(field[i..<j])
            let value: FITSValue
            if token == "T" {
                value = .bool(true)
            } else if token == "F" {
                value = .bool(false)
            } else if let int = parseInteger(token) {
                value = .int(int)
            } else if let real = parseReal(token) {
                value = .double(real)
            } else {
                throw FITSCardParseError(status: 207, message: "keyword \(keyword) has an unreadable value '\(token)'")
            }
            return (value, try comment(from: j))
        }
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func parseInteger(_ token: String) -> Int64? {
        let digits = token.utf8.drop { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        guard token.utf8.count - digits.count <= 1, !digits.isEmpty,
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        // Integers too large for Int64 fall through to the floating-point reading.
        return Int64(token)
    }

    /// Reads a FITS real: digits with an optional point and an `E` or `D` exponent.
    static func parseReal(_ token: String) -> Double? {
        var sawDigit = false
        var normalised = ""
        normalised.reserveCapacity(token.utf8.count)
        for byte in token.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigit = true
                normalised.append(Character(UnicodeScalar(byte)))
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                normalised.append(Character(UnicodeScalar(byte)))
            case UInt8(ascii: "E"), UInt8(ascii: "e"), UInt8(ascii: "D"), UInt8(ascii: "d"):
                normalised.append("E")
            default:
                return nil
            }
        }
        guard sawDigit else { return nil }
        return Double(normalised)
    }
}
