/// Turns ``FITSCard`` values into header records through cfitsio's keyword writers.
extension FITSHandle {
    /// Writes cards into the current HDU. Valued cards replace an existing card with the
    /// same keyword (so copying a header never duplicates keywords), commentary cards are
    /// appended, and keywords that describe the HDU's structure are skipped because the
    /// data being written decides them (see ``FITSReservedKeywords``).
    func writeCards(_ cards: [FITSCard], skipping extra: Set<String> = []) throws(FITSError) {
        for card in cards {
            let key = FITSHeader.lookupKey(card.keyword)
            if FITSReservedKeywords.contains(key) || extra.contains(key) { continue }
            let keyword = Self.writtenKeyword(card.keyword)
            switch card.value {
            case nil:
                if keyword == "COMMENT", let text = card.comment, Self.cfitsioPreamble.contains(text) { continue }
                try writeCommentary(keyword: keyword, text: card.comment ?? "")
            case .string(let text)?:
                try requireASCII(text, keyword: keyword)
                try updateString(keyword, text, comment: card.comment)
            case .undefined?:
                try updateUndefined(keyword, comment: card.comment)
            case let value?:
                try updateFormatted(keyword, value: try valueText(value, keyword: keyword), comment: card.comment)
            }
        }
    }

    /// Plain keywords are upper-cased (FITS allows no lower case in them). Hierarchical
    /// ones always get an explicit `HIERARCH ` prefix: cfitsio 4.2 adds a missing one
    /// itself, but then miscounts the card length for long strings and silently drops
    /// part of the value.
    static func writtenKeyword(_ keyword: String) -> String {
        let trimmed = keyword.trimmingFITSBlanks()
        if trimmed.utf8.count <= 8, !trimmed.contains(" ") { return trimmed.uppercased() }
        let words = trimmed.split(separator: " ")
        if words.first?.uppercased() == "HIERARCH" {
            return (["HIERARCH"] + words.dropFirst()).joined(separator: " ")
        }
        return "HIERARCH " + words.joined(separator: " ")
    }

    // cfitsio writes these two COMMENT records into every primary header it creates; a
    // header copied from a cfitsio-written file would otherwise repeat them.
    private static let cfitsioPreamble: Set<String> = [
        "  FITS (Flexible Image Transport System) format is defined in 'Astronomy",
        "  and Astrophysics', volume 376, page 359; bibcode: 2001A&A...376..359H",
    ]

    private func writeCommentary(keyword: String, text: String) throws(FITSError) {
        try requireASCII(text, keyword: keyword)
        switch keyword {
        case "COMMENT": try appendComment(text)
        case "HISTORY": try appendHistory(text)
        default:
            guard keyword.utf8.count <= 8 else {
                throw FITSCalls.wrapperError(
                    status: FITSCode.badKeyChar, call: "writeCards", path: path,
                    "keyword '\(keyword)' has no value and is longer than 8 characters")
            }
            let name = keyword.fitsPadded(to: 8)
            // Long commentary text continues on further records of the same keyword.
            var rest = Substring(text)
            repeat {
                let chunk = rest.prefix(72)
                rest = rest.dropFirst(72)
                try appendRecord(name + chunk)
            } while !rest.isEmpty
        }
    }

    private func requireASCII(_ text: String, keyword: String) throws(FITSError) {
        guard text.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else {
            throw FITSCalls.wrapperError(
                status: FITSCode.badKeyChar, call: "writeCards", path: path,
                "keyword '\(keyword)' text is not printable ASCII, which FITS headers require")
        }
    }

    /// The value field for numbers, logicals and complex values.
    private func valueText(_ value: FITSValue, keyword: String) throws(FITSError) -> String {
        switch value {
        case .int(let i): return String(i)
        case .bool(let b): return b ? "T" : "F"
        case .double(let d): return try realText(d, keyword: keyword)
        case .complex(let re, let im):
            return "(\(try realText(re, keyword: keyword)), \(try realText(im, keyword: keyword)))"
        case .string, .undefined:
            preconditionFailure("strings and undefined values have their own writers")
        }
    }

    /// The shortest text that reads back as the same Double, in FITS syntax (upper-case
    /// exponent and always a decimal point so readers see a real, not an integer).
    private func realText(_ d: Double, keyword: String) throws(FITSError) -> String {
        guard d.isFinite else {
            throw FITSCalls.wrapperError(
                status: FITSCode.badFloatConversion, call: "writeCards", path: path,
                "keyword '\(keyword)' value \(d) cannot be written: FITS has no NaN or infinity in headers")
        }
        var text = String(d).uppercased()
        if !text.contains(".") {
            if let e = text.firstIndex(of: "E") {
                text.insert(contentsOf: ".0", at: e)
            } else {
                text += ".0"
            }
        }
        return text
    }
}

/// Keywords the wrapper writes itself (or cfitsio does) from the data's layout. Cards
/// with these keywords are skipped when writing, so a header copied from another file
/// (say an ESO raw frame with BZERO = 32768) cannot contradict the data it is attached to. A table column's TNULLn
/// is declared with ``FITSColumn/null`` instead, which checks it against the column's type.
enum FITSReservedKeywords {
    private static let exact: Set<String> = [
        "SIMPLE", "XTENSION", "BITPIX", "NAXIS", "EXTEND", "PCOUNT", "GCOUNT", "GROUPS", "END",
        "CHECKSUM", "DATASUM", "THEAP", "BZERO", "BSCALE", "BLANK", "TFIELDS",
        "ZIMAGE", "ZSIMPLE", "ZTENSION", "ZBITPIX", "ZNAXIS", "ZPCOUNT", "ZGCOUNT", "ZEXTEND",
        "ZBLOCKED", "ZHECKSUM", "ZDATASUM", "ZCMPTYPE", "ZQUANTIZ", "ZDITHER0", "ZTHEAP",
    ]
    private static let indexed = [
        "NAXIS", "TTYPE", "TFORM", "TUNIT", "TDIM", "TZERO", "TSCAL", "TNULL", "TBCOL",
        "ZNAXIS", "ZTILE", "ZNAME", "ZVAL",
    ]

    /// Whether a normalised keyword (``FITSHeader/lookupKey(_:)``) is structural.
    static func contains(_ key: String) -> Bool {
        if exact.contains(key) { return true }
        for stem in indexed where key.hasPrefix(stem) {
            let suffix = key.utf8.dropFirst(stem.utf8.count)
            if !suffix.isEmpty, suffix.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                return true
            }
        }
        return false
    }
}

extension String {
    /// The string cut or blank-padded to exactly `length` characters.
    func fitsPadded(to length: Int) -> String {
        let count = self.count
        return count >= length ? String(prefix(length)) : self + String(repeating: " ", count: length - count)
    }
}
