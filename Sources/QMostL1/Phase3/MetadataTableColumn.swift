import QMostFITS

/// A table's structure problem found while reading; turned into a ``FileProblem`` naming the file.
struct FITSTableProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One column of a metadata table: how to make it from the rows, and how to put it back into them (nil for a
/// derived column that is written only).
struct TableColumn<Row> {
    let name: String
    let unit: String?
    let comment: String
    let write: ([Row]) -> FITSColumn.Data
    let repeatCount: Int
    let read: ((FITSFile, Int, inout [Row]) throws -> Void)?

    init(name: String, unit: String?, comment: String, write: @escaping ([Row]) -> FITSColumn.Data, repeatCount: Int = 1,
         read: ((FITSFile, Int, inout [Row]) throws -> Void)?) {
        self.name = name
        self.unit = unit
        self.comment = comment
        self.write = write
        self.repeatCount = repeatCount
        self.read = read
    }

    func column(_ rows: [Row]) -> FITSColumn {
        FITSColumn(name: name, unit: unit, data: write(rows), repeatCount: repeatCount)
    }

    /// `count` elements of a numeric column, or a problem naming the column.
    static func values<T: FITSNumber>(_ file: FITSFile, _ hdu: Int, _ name: String, _ count: Int, _ type: T.Type) throws -> [T] {
        let v = try file.readColumn(name, hdu: hdu, as: T.self).values
        guard v.count == count else { throw FITSTableProblem("column \(name) holds \(v.count) values, not \(count)") }
        return v
    }

    static func strings(_ file: FITSFile, _ hdu: Int, _ name: String, _ count: Int) throws -> [String] {
        let v = try file.readStringColumn(name, hdu: hdu).values
        guard v.count == count else { throw FITSTableProblem("column \(name) holds \(v.count) values, not \(count)") }
        return v
    }

    static func int64(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, Int64>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .int64($0.map { $0[keyPath: key] }) }) { file, hdu, rows in
            let v = try values(file, hdu, name, rows.count, Int64.self)
            for i in rows.indices { rows[i][keyPath: key] = v[i] }
        }
    }

    /// Swift `Int` facts, stored as 64-bit integers (`K`) so that every value survives.
    static func int(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, Int>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .int64($0.map { Int64($0[keyPath: key]) }) }) { file, hdu, rows in
            let v = try values(file, hdu, name, rows.count, Int64.self)
            for i in rows.indices { rows[i][keyPath: key] = Int(v[i]) }
        }
    }

    static func double(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, Double>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .double($0.map { $0[keyPath: key] }) }) { file, hdu, rows in
            let v = try values(file, hdu, name, rows.count, Double.self)
            for i in rows.indices { rows[i][keyPath: key] = v[i] }
        }
    }

    /// A 3-element `Double` vector per row.
    static func doubles(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, [Double]>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .double($0.flatMap { $0[keyPath: key] }) }, repeatCount: 3) { file, hdu, rows in
            let v = try values(file, hdu, name, rows.count * 3, Double.self)
            for i in rows.indices { rows[i][keyPath: key] = Array(v[(3 * i)..<(3 * i + 3)]) }
        }
    }

    static func string(_ name: String, _ unit: String?, _ comment: String, _ key: WritableKeyPath<Row, String>) -> Self {
        Self(name: name, unit: unit, comment: comment, write: { .string($0.map { $0[keyPath: key] }) }) { file, hdu, rows in
            let v = try strings(file, hdu, name, rows.count)
            for i in rows.indices { rows[i][keyPath: key] = v[i] }
        }
    }

    /// A list of file names, joined by commas (blank for none).
    static func list(_ name: String, _ comment: String, _ key: WritableKeyPath<Row, [String]>) -> Self {
        Self(name: name, unit: nil, comment: comment, write: { .string($0.map { $0[keyPath: key].joined(separator: ",") }) }) { file, hdu, rows in
            let v = try strings(file, hdu, name, rows.count)
            for i in rows.indices {
                rows[i][keyPath: key] = v[i].isEmpty ? [] : v[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }
    }

    static func bool(_ name: String, _ comment: String, _ key: WritableKeyPath<Row, Bool>) -> Self {
        Self(name: name, unit: nil, comment: comment, write: { .bool($0.map { $0[keyPath: key] }) }) { file, hdu, rows in
            let v = try file.readBoolColumn(name, hdu: hdu).values
            guard v.count == rows.count else { throw FITSTableProblem("column \(name) holds \(v.count) values, not \(rows.count)") }
            for i in rows.indices { rows[i][keyPath: key] = v[i] }
        }
    }
}
