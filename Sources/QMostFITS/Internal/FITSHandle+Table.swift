import CFITSIO

extension FITSHandle {
    /// Appends a binary table HDU with the given column layout.
    func createBinaryTable(rows: Int64, names: [String], forms: [String], units: [String], extname: String?) throws(FITSError) {
        var extensionName = Array((extname ?? "").utf8CString)
        try call("ffcrtb") { f, status in
            withCStringArray(names) { ttype in
                withCStringArray(forms) { tform in
                    withCStringArray(units) { tunit in
                        extensionName.withUnsafeMutableBufferPointer { name in
                            _ = ffcrtb(
                                f, Int32(BINARY_TBL), LONGLONG(rows), Int32(names.count), ttype, tform, tunit,
                                extname == nil ? nil : name.baseAddress, &status)
                        }
                    }
                }
            }
        }
    }

    /// Declares `value` the null value of an integer column of the current (new) table: writes `TNULLn` just after
    /// the column's TUNITn (or TFORMn when it has no unit) and tells cfitsio about it (`fits_set_btblnull`), so the
    /// keyword and cfitsio's view of the column agree before any data is written.
    func setColumnNull(_ column: Int32, _ value: Int64, comment: String) throws(FITSError) {
        var card = [CChar](repeating: 0, count: Int(FLEN_CARD) + 1)
        var hasUnit = false
        try call("ffgcrd", detail: "TUNIT\(column)", tolerating: [FITSCode.keyNotFound]) { f, status in
            _ = ffgcrd(f, "TUNIT\(column)", &card, &status)
            hasUnit = status == 0
        }
        if !hasUnit {
            try call("ffgcrd", detail: "TFORM\(column)") { f, status in _ = ffgcrd(f, "TFORM\(column)", &card, &status) }
        }
        // ffgcrd leaves the header position after the card it found; ffikyj inserts there.
        try call("ffikyj", detail: "TNULL\(column)") { f, status in _ = ffikyj(f, "TNULL\(column)", LONGLONG(value), comment, &status) }
        try call("fftnul", detail: "TNULL\(column)") { f, status in _ = fftnul(f, column, LONGLONG(value), &status) }
    }

    /// TNULLn of a column of the current table, nil when the column declares none. A TNULLn that is not an integer
    /// (blank, text, out of range) counts as none: it declares nothing a reader could use, and a foreign file's odd
    /// header must not stop its columns from being listed.
    func columnNull(_ column: Int32) throws(FITSError) -> Int64? {
        var value: LONGLONG = 0
        var found = false
        let unusable: Set<Int32> = [FITSCode.keyNotFound, Int32(VALUE_UNDEFINED), Int32(BAD_INTKEY), Int32(BAD_C2I), FITSCode.numOverflow]
        try call("ffgkyjj", detail: "TNULL\(column)", tolerating: unusable) { f, status in
            _ = ffgkyjj(f, "TNULL\(column)", &value, nil, &status)
            found = status == 0
        }
        return found ? Int64(value) : nil
    }

    /// The 1-based number of the column with this name (case-insensitive, first match).
    func columnNumber(_ name: String) throws(FITSError) -> Int32 {
        var template = Array(name.utf8CString)
        var number: Int32 = 0
        // COL_NOT_UNIQUE still yields the first match, which is what a lookup by name wants.
        try call("ffgcno", detail: "no column named '\(name)'", tolerating: [FITSCode.columnNotUnique]) { f, status in
            _ = ffgcno(f, Int32(CASEINSEN), &template, &number, &status)
        }
        return number
    }

    /// The column's type after TSCAL/TZERO (e.g. unsigned 16-bit), its repeat count and,
    /// for strings, the width of one string.
    func columnType(_ column: Int32) throws(FITSError) -> (typecode: Int32, repeatCount: Int64, width: Int64) {
        var typecode: Int32 = 0
        var repeatCount: LONGLONG = 0, width: LONGLONG = 0
        try call("ffeqtyll") { f, status in _ = ffeqtyll(f, column, &typecode, &repeatCount, &width, &status) }
        return (typecode, Int64(repeatCount), Int64(width))
    }

    func columnCount() throws(FITSError) -> Int {
        var count: Int32 = 0
        try call("ffgncl") { f, status in _ = ffgncl(f, &count, &status) }
        return Int(count)
    }

    func rowCount() throws(FITSError) -> Int64 {
        var rows: LONGLONG = 0
        try call("ffgnrwll") { f, status in _ = ffgnrwll(f, &rows, &status) }
        return Int64(rows)
    }

    /// TTYPEn, TUNITn and TFORMn of a column of the current table.
    func columnKeywords(_ column: Int32) throws(FITSError) -> (name: String, unit: String, format: String) {
        func keyword(_ key: String) throws(FITSError) -> String {
            // A missing optional keyword (TUNITn) leaves the buffer empty.
            var value = [CChar](repeating: 0, count: Int(FLEN_VALUE) + 1)
            try call("ffgkys", detail: key, tolerating: [FITSCode.keyNotFound]) { f, status in
                _ = ffgkys(f, key, &value, nil, &status)
            }
            return String(decoding: value.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return (try keyword("TTYPE\(column)"), try keyword("TUNIT\(column)"), try keyword("TFORM\(column)"))
    }

    /// Reads `count` elements of a column, row after row, converted to `datatype`.
    func readColumn(datatype: Int32, column: Int32, into buffer: UnsafeMutableRawPointer, count: Int, firstRow: Int = 0) throws(FITSError) {
        guard count > 0 else { return }
        var anyNull: Int32 = 0
        try call("ffgcv") { f, status in
            _ = ffgcv(f, datatype, column, LONGLONG(firstRow + 1), 1, LONGLONG(count), nil, buffer, &anyNull, &status)
        }
    }

    /// Reads `count` strings of at most `width` bytes from a character column.
    func readStrings(column: Int32, count: Int, width: Int) throws(FITSError) -> [String] {
        guard count > 0 else { return [] }
        let stride = max(width, 1) + 1
        var storage = [CChar](repeating: 0, count: count * stride)
        var anyNull: Int32 = 0
        try call("ffgcvs") { f, status in
            storage.withUnsafeMutableBufferPointer { chars in
                var pointers: [UnsafeMutablePointer<CChar>?] = (0..<count).map { chars.baseAddress! + $0 * stride }
                _ = ffgcvs(f, column, 1, 1, LONGLONG(count), nil, &pointers, &anyNull, &status)
            }
        }
        return storage.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            return (0..<count).map { i in
                // Trailing blanks are padding in FITS; cfitsio keeps one for a blank cell.
                let start = i * stride
                var end = start
                while end < start + stride, bytes[end] != 0 { end += 1 }
                while end > start, bytes[end - 1] == 0x20 { end -= 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
        }
    }
}
