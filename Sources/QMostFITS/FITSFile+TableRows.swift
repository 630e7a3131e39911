import CFITSIO

/// One column of a binary table that is created empty and filled in row batches
/// (``FITSFile/createBinaryTable(name:columns:rows:cards:)``, then ``FITSFile/writeRows(_:column:firstRow:hdu:)``):
/// everything a ``FITSColumn`` says except its data.
public struct FITSColumnDefinition: Sendable, Equatable {
    /// The type of the column's elements; each case is the ``FITSColumn/Data`` case of the same name.
    public enum ElementType: Sendable, Equatable {
        /// TFORM `D`.
        case double
        /// TFORM `E`.
        case float
        /// TFORM `K`.
        case int64
        /// TFORM `J`.
        case int32
        /// TFORM `I`.
        case int16
        /// TFORM `B`.
        case uint8
        /// TFORM `L`.
        case bool
        /// TFORM `A`: printable ASCII strings of at most `width` bytes (at least 1).
        case string(width: Int)
    }

    /// TTYPEn.
    public var name: String
    /// TUNITn, or nil for none.
    public var unit: String?
    /// The elements' type.
    public var type: ElementType
    /// Elements per row (strings per row for text); 1 for scalar columns.
    public var repeatCount: Int
    /// TNULLn, for integer columns only, as ``FITSColumn/null``.
    public var null: Int64?

    /// Creates a definition; the table checks it when it is created.
    public init(name: String, unit: String? = nil, type: ElementType, repeatCount: Int = 1, null: Int64? = nil) {
        self.name = name
        self.unit = unit
        self.type = type
        self.repeatCount = repeatCount
        self.null = null
    }

    /// The definition ``FITSFile/appendBinaryTable(name:columns:cards:)`` gives `column`: its name, unit, repeat
    /// count and null value, and for text the width of its longest string (at least 1).
    public init(_ column: FITSColumn) {
        let type: ElementType
        switch column.data {
        case .double: type = .double
        case .float: type = .float
        case .int64: type = .int64
        case .int32: type = .int32
        case .int16: type = .int16
        case .uint8: type = .uint8
        case .bool: type = .bool
        case .string(let strings): type = .string(width: max(1, strings.map(\.utf8.count).max() ?? 1))
        }
        self.init(name: column.name, unit: column.unit, type: type, repeatCount: column.repeatCount, null: column.null)
    }

    /// TFORMn, e.g. `23201E`, `15A`, `4A2`.
    public var form: String {
        let r = repeatCount
        switch type {
        case .double: return "\(r)D"
        case .float: return "\(r)E"
        case .int64: return "\(r)K"
        case .int32: return "\(r)J"
        case .int16: return "\(r)I"
        case .uint8: return "\(r)B"
        case .bool: return "\(r)L"
        case .string(let width): return r == 1 ? "\(width)A" : "\(r * width)A\(width)"
        }
    }
}

extension FITSFile {
    /// Appends a binary-table extension of `rows` rows whose cells are still to be written with
    /// ``writeRows(_:column:firstRow:hdu:)``: for tables too large to hold in memory at once, written a batch of rows
    /// at a time. The header is complete when this returns: ``appendBinaryTable(name:columns:cards:)`` writes the same
    /// one for the same definitions and cards (EXTNAME from `name`, TNULLn after its column's TUNITn/TFORMn,
    /// structural keywords in `cards` skipped). Cells never written hold zero bytes (0, false, empty text, +0.0),
    /// which no reader takes for a null value: write every row.
    ///
    /// The table is the current HDU afterwards. Other HDUs may be appended before it is filled;
    /// ``writeRows(_:column:firstRow:hdu:)`` with `hdu:` goes back to it.
    public func createBinaryTable(name: String, columns: [FITSColumnDefinition], rows: Int, cards: [FITSCard] = []) throws(FITSError) {
        try requireWritable("createBinaryTable")
        guard rows >= 0 else {
            throw usageError(Int32(BAD_ROW_NUM), "createBinaryTable", "a table cannot have \(rows) rows")
        }
        try createTable(name: name, columns: columns, rows: rows, cards: cards, call: "createBinaryTable")
    }

    /// Writes the cells of consecutive rows of one column (found by name, case-insensitively) of a binary table,
    /// starting at the 0-based row `firstRow`: `data` holds whole rows, row after row, so it fills `data.count`
    /// divided by the column's elements per row (strings per row for text). Refused (nothing written) when the data's type is not the column's (no
    /// conversion is made: `.int32` for `J`, `.double` for `D`, ...), does not fill whole rows, or reaches past the
    /// table's last row (the table does not grow), and for text that is not printable ASCII or is wider than the
    /// column. Integer elements equal to the column's TNULLn are written as they are.
    public func writeRows(_ data: FITSColumn.Data, column name: String, firstRow: Int, hdu: Int? = nil) throws(FITSError) {
        try requireWritable("writeRows")
        try requireTable(hdu, "writeRows")
        let number = try handle.columnNumber(name)
        let layout = try handle.columnType(number)
        guard Self.accepts(data, typecode: layout.typecode) else {
            throw usageError(
                FITSCode.badDataType, "writeRows",
                "column '\(name)' (type code \(layout.typecode)) cannot be written from \(Self.caseName(data)) data")
        }
        let perRow = Self.elementsPerRow(layout)
        guard perRow > 0 ? data.count % perRow == 0 : data.count == 0 else {
            throw usageError(
                FITSCode.badRowWidth, "writeRows",
                "column '\(name)' takes \(perRow) elements per row; \(data.count) elements are not whole rows")
        }
        let rows = perRow > 0 ? data.count / perRow : 0
        let tableRows = Int(try handle.rowCount())
        guard firstRow >= 0, firstRow <= tableRows - rows else {
            throw usageError(
                Int32(BAD_ROW_NUM), "writeRows",
                "rows \(firstRow)..<\(firstRow + rows) of column '\(name)' are outside the table's \(tableRows) rows")
        }
        if case .string(let strings) = data {
            try checkText(strings, column: name, call: "writeRows")
            if let wide = strings.first(where: { $0.utf8.count > Int(layout.width) }) {
                throw usageError(
                    FITSCode.badRowWidth, "writeRows",
                    "column '\(name)' holds strings of at most \(layout.width) bytes; '\(wide)' has \(wide.utf8.count)")
            }
        }
        try writeColumnData(data, column: number, firstRow: firstRow)
    }

    // MARK: Shared with appendBinaryTable

    /// Creates the table HDU: checks every definition first, so a refused table leaves no HDU behind.
    func createTable(name: String, columns: [FITSColumnDefinition], rows: Int, cards: [FITSCard], call: String) throws(FITSError) {
        for column in columns { try check(column, call: call) }
        try handle.createBinaryTable(
            rows: Int64(rows), names: columns.map(\.name), forms: columns.map(\.form), units: columns.map { $0.unit ?? "" },
            extname: name.isEmpty ? nil : name)
        for (offset, column) in columns.enumerated() {
            if let null = column.null {
                try handle.setColumnNull(Int32(offset + 1), null, comment: "Value of undefined elements of \(column.name)")
            }
        }
        try handle.writeCards(cards, skipping: name.isEmpty ? [] : ["EXTNAME"])
    }

    /// Writes `data` into the 1-based column `column` from the 0-based row `firstRow` on, row after row.
    func writeColumnData(_ data: FITSColumn.Data, column: Int32, firstRow: Int) throws(FITSError) {
        let row = Int64(firstRow) + 1
        func write<T: FITSNumber>(_ values: [T]) throws(FITSError) {
            try values.withBytes { buffer throws(FITSError) in
                try handle.writeColumn(datatype: T.fitsType.datatype, column: column, firstRow: row, from: buffer, count: values.count)
            }
        }
        switch data {
        case .double(let v): try write(v)
        case .float(let v): try write(v)
        case .int64(let v): try write(v)
        case .int32(let v): try write(v)
        case .int16(let v): try write(v)
        case .uint8(let v): try write(v)
        case .string(let v): try handle.writeStrings(column: column, firstRow: row, v)
        case .bool(let v):
            let flags = v.map { Int8($0 ? 1 : 0) }
            try flags.withBytes { buffer throws(FITSError) in
                try handle.writeColumn(datatype: FITSCode.tlogical, column: column, firstRow: row, from: buffer, count: flags.count)
            }
        }
    }

    /// FITS tables hold printable ASCII only; cfitsio would write other bytes without complaint.
    func checkText(_ strings: [String], column: String, call: String) throws(FITSError) {
        guard strings.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E } }) else {
            throw usageError(
                FITSCode.badKeyChar, call, "column '\(column)' holds text that is not printable ASCII, which FITS tables require")
        }
    }

    // MARK: Checks

    /// A definition cfitsio can lay out, with a null value (TNULLn) only for integer columns and one their type can
    /// store.
    private func check(_ column: FITSColumnDefinition, call: String) throws(FITSError) {
        guard column.repeatCount >= 0 else {
            throw usageError(FITSCode.badTForm, call, "column '\(column.name)' has the repeat count \(column.repeatCount)")
        }
        if case .string(let width) = column.type, width < 1 {
            throw usageError(FITSCode.badTForm, call, "column '\(column.name)' has strings \(width) bytes wide; the least is 1")
        }
        guard let null = column.null else { return }
        let range: ClosedRange<Int64>
        switch column.type {
        case .int64: range = Int64.min...Int64.max
        case .int32: range = Int64(Int32.min)...Int64(Int32.max)
        case .int16: range = Int64(Int16.min)...Int64(Int16.max)
        case .uint8: range = 0...255
        case .double, .float, .string, .bool:
            throw usageError(
                FITSCode.badDataType, call,
                "column '\(column.name)' declares a null value (TNULL) but is not an integer column; FITS allows TNULL only for K, J, I and B columns")
        }
        guard range.contains(null) else {
            throw usageError(
                FITSCode.numOverflow, call,
                "column '\(column.name)' declares the null value \(null), which its type cannot store (\(range.lowerBound)...\(range.upperBound))")
        }
    }

    /// Whether data of this case is what a column of this type code stores (ffeqtyll's code: `J` reads as TLONG,
    /// and a column scaled by TZERO/TSCAL as the scaled type, which is then refused).
    private static func accepts(_ data: FITSColumn.Data, typecode: Int32) -> Bool {
        switch data {
        case .double: typecode == FITSCode.tdouble
        case .float: typecode == FITSCode.tfloat
        case .int64: typecode == FITSCode.tlonglong
        case .int32: typecode == FITSCode.tint || typecode == FITSCode.tlong
        case .int16: typecode == FITSCode.tshort
        case .uint8: typecode == FITSCode.tbyte
        case .bool: typecode == FITSCode.tlogical
        case .string: typecode == FITSCode.tstring
        }
    }

    private static func caseName(_ data: FITSColumn.Data) -> String {
        switch data {
        case .double: "double"
        case .float: "float"
        case .int64: "int64"
        case .int32: "int32"
        case .int16: "int16"
        case .uint8: "uint8"
        case .bool: "bool"
        case .string: "string"
        }
    }
}

extension FITSHandle {
    /// Writes `count` elements of `datatype` into a column from the 1-based row `firstRow` on, row after row
    /// (`fits_write_col`, first element 1: cfitsio carries on into the following rows).
    func writeColumn(datatype: Int32, column: Int32, firstRow: Int64, from buffer: UnsafeRawBufferPointer, count: Int) throws(FITSError) {
        guard count > 0, let base = buffer.baseAddress else { return }
        try call("ffpcl") { f, status in
            _ = ffpcl(f, datatype, column, LONGLONG(firstRow), 1, LONGLONG(count), UnsafeMutableRawPointer(mutating: base), &status)
        }
    }

    /// Writes one string per element into a character column from the 1-based row `firstRow` on.
    func writeStrings(column: Int32, firstRow: Int64, _ strings: [String]) throws(FITSError) {
        guard !strings.isEmpty else { return }
        try call("ffpcls") { f, status in
            withCStringArray(strings) { _ = ffpcls(f, column, LONGLONG(firstRow), 1, LONGLONG(strings.count), $0, &status) }
        }
    }
}
