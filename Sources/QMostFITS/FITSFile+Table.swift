import CFITSIO
extension FITSFile {
    /// Appends a binary-table extension (after an empty primary HDU that cfitsio writes
    /// first when the file is empty).
    ///
    /// All columns must fill the same number of rows (`data.count / repeatCount`).
    /// `name` becomes EXTNAME (an EXTNAME card in `cards` is then ignored); structural
    /// keywords in `cards` (TFORMn, TTYPEn, NAXISn, ...) are skipped: a column's null value is declared with
    /// ``FITSColumn/null``, which writes TNULLn after the column's TUNITn/TFORMn. A table too large to hold in memory
    /// is written in row batches with ``createBinaryTable(name:columns:rows:cards:)`` instead.
    public func appendBinaryTable(name: String, columns: [FITSColumn], cards: [FITSCard] = []) throws(FITSError) {
        try requireWritable("appendBinaryTable")
        let rows = try Self.tableRows(columns, path: path)
        for column in columns {
            if case .string(let strings) = column.data { try checkText(strings, column: column.name, call: "appendBinaryTable") }
        }
        try createTable(
            name: name, columns: columns.map(FITSColumnDefinition.init), rows: rows, cards: cards, call: "appendBinaryTable")
        for (offset, column) in columns.enumerated() {
            try writeColumnData(column.data, column: Int32(offset + 1), firstRow: 0)
        }
    }

    /// Rows in a table HDU.
    public func rowCount(hdu: Int? = nil) throws(FITSError) -> Int {
        try requireTable(hdu, "rowCount")
        return Int(try handle.rowCount())
    }

    /// The columns' names, units, TFORMs and repeat counts, in order.
    public func columnDescriptions(hdu: Int? = nil) throws(FITSError) -> [FITSColumnDescription] {
        try requireTable(hdu, "columnDescriptions")
        var result: [FITSColumnDescription] = []
        let count = try handle.columnCount()
        for number in 0..<count {
            let keywords = try handle.columnKeywords(Int32(number + 1))
            let layout = try handle.columnType(Int32(number + 1))
            result.append(
                FITSColumnDescription(
                    name: keywords.name, unit: keywords.unit.isEmpty ? nil : keywords.unit, format: keywords.format,
                    repeatCount: Self.elementsPerRow(layout), null: try handle.columnNull(Int32(number + 1))))
        }
        return result
    }

    /// Reads a numeric column (found by name, case-insensitively) converted to `T`, with
    /// TSCAL/TZERO applied. Vector cells come back flattened row after row with their
    /// repeat count. Integer null values (TNULLn) are returned as stored (``columnDescriptions(hdu:)`` says which).
    public func readColumn<T: FITSNumber>(_ name: String, hdu: Int? = nil, as type: T.Type) throws(FITSError) -> FITSColumnValues<T> {
        let (number, rows) = try locateColumn(name, hdu, "readColumn")
        return try readNumbers(number: number, rows: rows, as: T.self)
    }

    /// Reads the cells of rows `rows` (0-based) of a numeric column, as ``readColumn(_:hdu:as:)`` does for the whole
    /// column: a band of a table too large to read at once.
    public func readColumn<T: FITSNumber>(_ name: String, rows: Range<Int>, hdu: Int? = nil, as type: T.Type) throws(FITSError) -> FITSColumnValues<T> {
        let (number, tableRows) = try locateColumn(name, hdu, "readColumn")
        guard rows.lowerBound >= 0, rows.upperBound <= tableRows else {
            throw usageError(Int32(BAD_ROW_NUM), "readColumn", "rows \(rows) of column '\(name)' are outside the table's \(tableRows) rows")
        }
        return try readNumbers(number: number, rows: rows.count, firstRow: rows.lowerBound, as: T.self)
    }

    /// Reads a character column; each row holds `repeatCount` strings (usually 1), with
    /// trailing blanks removed.
    public func readStringColumn(_ name: String, hdu: Int? = nil) throws(FITSError) -> FITSColumnValues<String> {
        let (number, rows) = try locateColumn(name, hdu, "readStringColumn")
        return try readStrings(number: number, rows: rows)
    }

    /// Reads a logical column; undefined cells read as false.
    public func readBoolColumn(_ name: String, hdu: Int? = nil) throws(FITSError) -> FITSColumnValues<Bool> {
        let (number, rows) = try locateColumn(name, hdu, "readBoolColumn")
        return try readBools(number: number, rows: rows)
    }

    /// Reads a column in the Swift type matching its TFORM (`D` as Double, `E` as Float,
    /// `J` as Int32, ...). Unsigned and signed-byte columns are widened to the next signed
    /// type (`UInt16` to `.int32`); complex, bit and variable-length columns are refused.
    public func readColumn(_ name: String, hdu: Int? = nil) throws(FITSError) -> FITSColumn {
        let (number, rows) = try locateColumn(name, hdu, "readColumn")
        return try readColumnData(number: number, rows: rows)
    }

    /// Reads every column of a table, in order (see ``readColumn(_:hdu:)`` for the types).
    public func readTable(hdu: Int? = nil) throws(FITSError) -> [FITSColumn] {
        try requireTable(hdu, "readTable")
        let rows = Int(try handle.rowCount())
        var columns: [FITSColumn] = []
        for number in 0..<(try handle.columnCount()) {
            columns.append(try readColumnData(number: Int32(number + 1), rows: rows))
        }
        return columns
    }

    // MARK: Reading helpers

    private func locateColumn(_ name: String, _ hdu: Int?, _ call: String) throws(FITSError) -> (Int32, Int) {
        try requireTable(hdu, call)
        return (try handle.columnNumber(name), Int(try handle.rowCount()))
    }

    func requireTable(_ hdu: Int?, _ call: String) throws(FITSError) {
        guard try hduType(hdu: hdu) != .image else {
            throw usageError(FITSCode.notTable, call, "the HDU at index \(try currentHDU) is an image, not a table")
        }
    }

    /// Elements per row: characters are counted in whole strings.
    static func elementsPerRow(_ layout: (typecode: Int32, repeatCount: Int64, width: Int64)) -> Int {
        if layout.typecode == FITSCode.tstring {
            return layout.width > 0 ? Int(layout.repeatCount / layout.width) : 0
        }
        return Int(layout.repeatCount)
    }

    private func layout(_ number: Int32, expecting kind: String, where accepted: (Int32) -> Bool) throws(FITSError) -> (
        typecode: Int32, perRow: Int
    ) {
        let layout = try handle.columnType(number)
        let name = try handle.columnKeywords(number).name
        guard layout.typecode > 0 else {
            throw usageError(FITSCode.badTForm, "readColumn", "column '\(name)' has variable-length cells, which are not supported")
        }
        guard accepted(layout.typecode) else {
            throw usageError(
                FITSCode.badDataType, "readColumn",
                "column '\(name)' (type code \(layout.typecode)) cannot be read as \(kind)")
        }
        return (layout.typecode, Self.elementsPerRow(layout))
    }

    private static let numericCodes: Set<Int32> = [
        FITSCode.tbyte, FITSCode.tsbyte, FITSCode.tshort, FITSCode.tushort, FITSCode.tint, FITSCode.tuint,
        FITSCode.tlong, FITSCode.tulong, FITSCode.tlonglong, FITSCode.tulonglong, FITSCode.tfloat, FITSCode.tdouble,
    ]

    private func elementCount(rows: Int, perRow: Int) throws(FITSError) -> Int {
        let (count, overflow) = rows.multipliedReportingOverflow(by: perRow)
        guard !overflow else { throw usageError(FITSCode.numOverflow, "readColumn", "the column is too large to read") }
        return count
    }

    func readNumbers<T: FITSNumber>(number: Int32, rows: Int, firstRow: Int = 0, as type: T.Type) throws(FITSError) -> FITSColumnValues<T> {
        let (_, perRow) = try layout(number, expecting: T.fitsType.name) { Self.numericCodes.contains($0) }
        let count = try elementCount(rows: rows, perRow: perRow)
        guard count > 0 else { return FITSColumnValues(values: [], repeatCount: perRow, rowCount: rows) }
        var failure: FITSError?
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(FITSError) {
                try handle.readColumn(
                    datatype: T.fitsType.datatype, column: number, into: UnsafeMutableRawPointer(buffer.baseAddress!), count: count,
                    firstRow: firstRow)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return FITSColumnValues(values: values, repeatCount: perRow, rowCount: rows)
    }

    func readStrings(number: Int32, rows: Int) throws(FITSError) -> FITSColumnValues<String> {
        let layout = try handle.columnType(number)
        _ = try self.layout(number, expecting: "String") { $0 == FITSCode.tstring }
        let perRow = Self.elementsPerRow(layout)
        let count = try elementCount(rows: rows, perRow: perRow)
        let values = try handle.readStrings(column: number, count: count, width: Int(layout.width))
        return FITSColumnValues(values: values, repeatCount: perRow, rowCount: rows)
    }

    func readBools(number: Int32, rows: Int) throws(FITSError) -> FITSColumnValues<Bool> {
        let (_, perRow) = try layout(number, expecting: "Bool") { $0 == FITSCode.tlogical }
        let count = try elementCount(rows: rows, perRow: perRow)
        var flags = [Int8](repeating: 0, count: count)
        if count > 0 {
            try flags.withMutableBytes { buffer throws(FITSError) in
                try handle.readColumn(datatype: FITSCode.tlogical, column: number, into: buffer.baseAddress!, count: count)
            }
        }
        return FITSColumnValues(values: flags.map { $0 != 0 }, repeatCount: perRow, rowCount: rows)
    }

    private func readColumnData(number: Int32, rows: Int) throws(FITSError) -> FITSColumn {
        let keywords = try handle.columnKeywords(number)
        let typecode = try handle.columnType(number).typecode
        let data: FITSColumn.Data
        let perRow: Int
        switch typecode {
        case FITSCode.tdouble:
            let v = try readNumbers(number: number, rows: rows, as: Double.self)
            (data, perRow) = (.double(v.values), v.repeatCount)
        case FITSCode.tfloat:
            let v = try readNumbers(number: number, rows: rows, as: Float.self)
            (data, perRow) = (.float(v.values), v.repeatCount)
        case FITSCode.tlonglong, FITSCode.tuint, FITSCode.tulong:
            let v = try readNumbers(number: number, rows: rows, as: Int64.self)
            (data, perRow) = (.int64(v.values), v.repeatCount)
        case FITSCode.tint, FITSCode.tlong, FITSCode.tushort:
            let v = try readNumbers(number: number, rows: rows, as: Int32.self)
            (data, perRow) = (.int32(v.values), v.repeatCount)
        case FITSCode.tshort, FITSCode.tsbyte:
            let v = try readNumbers(number: number, rows: rows, as: Int16.self)
            (data, perRow) = (.int16(v.values), v.repeatCount)
        case FITSCode.tbyte:
            let v = try readNumbers(number: number, rows: rows, as: UInt8.self)
            (data, perRow) = (.uint8(v.values), v.repeatCount)
        case FITSCode.tstring:
            let v = try readStrings(number: number, rows: rows)
            (data, perRow) = (.string(v.values), v.repeatCount)
        case FITSCode.tlogical:
            let v = try readBools(number: number, rows: rows)
            (data, perRow) = (.bool(v.values), v.repeatCount)
        default:
            throw usageError(
                FITSCode.badDataType, "readColumn",
                "column '\(keywords.name)' has a type (code \(typecode)) without a FITSColumn representation")
        }
        return FITSColumn(
            name: keywords.name, unit: keywords.unit.isEmpty ? nil : keywords.unit, data: data, repeatCount: perRow,
            null: try handle.columnNull(number))
    }

    // MARK: Writing helpers

    /// The common row count of the columns, checking each column's shape.
    static func tableRows(_ columns: [FITSColumn], path: String) throws(FITSError) -> Int {
        var rows: Int?
        for column in columns {
            guard column.repeatCount >= 0, column.repeatCount > 0 || column.data.count == 0,
                column.repeatCount == 0 || column.data.count % column.repeatCount == 0
            else {
                throw FITSCalls.wrapperError(
                    status: FITSCode.badRowWidth, call: "appendBinaryTable", path: path,
                    "column '\(column.name)' has \(column.data.count) elements, not a multiple of its repeat count \(column.repeatCount)")
            }
            guard column.repeatCount > 0 else { continue }
            if let rows, rows != column.rowCount {
                throw FITSCalls.wrapperError(
                    status: FITSCode.badRowWidth, call: "appendBinaryTable", path: path,
                    "column '\(column.name)' fills \(column.rowCount) rows but earlier columns fill \(rows)")
            }
            rows = column.rowCount
        }
        return rows ?? 0
    }
}
