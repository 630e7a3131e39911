import Foundation
import QMostFITS
import Testing

/// Binary tables created empty from column definitions and filled a batch of rows at a time.
@Suite("Binary tables written in row batches")
struct TableRowBatchTests {
    /// Five rows of every kind of column, vectors with TNULL and text among them.
    static let columns: [FITSColumn] = [
        FITSColumn(name: "D", unit: "Angstrom", data: .double([1.5, -2.25, 1e300, 0, -0.5])),
        FITSColumn(name: "WAVE", unit: "Angstrom", data: .float((0..<20).map { 3700 + Float($0) / 4 }), repeatCount: 4),
        FITSColumn(name: "QUAL", data: .int32([0, 1, -1, 0, -1, 1, 0, 0, 2, -1, -1, -1, 0, 0, 0, 7, 1, 1, 1, 1]), repeatCount: 4, null: -1),
        FITSColumn(name: "K", data: .int64([Int64.min, 0, Int64.max, 5, -5]), null: Int64.min),
        FITSColumn(name: "I", data: .int16([-300, 0, 300, 1, 2])),
        FITSColumn(name: "B", data: .uint8([0, 128, 255, 1, 2]), null: 255),
        FITSColumn(name: "NAME", data: .string(["short", "", "a longer string", "x", "yz"])),
        FITSColumn(name: "PAIR", data: .string(["ab", "c", "de", "f", "gh", "ij", "", "k", "lm", "n"]), repeatCount: 2),
        FITSColumn(name: "FLAG", data: .bool([true, false, true, true, false])),
    ]
    static let cards = [FITSCard(keyword: "ORIGIN", value: "test"), FITSCard(keyword: "TCOMM3", value: "Quality Mask")]

    /// The cells of `rows` of a column.
    static func slice(_ column: FITSColumn, _ rows: Range<Int>) -> FITSColumn.Data {
        let r = column.repeatCount, range = (rows.lowerBound * r)..<(rows.upperBound * r)
        switch column.data {
        case .double(let v): return .double(Array(v[range]))
        case .float(let v): return .float(Array(v[range]))
        case .int64(let v): return .int64(Array(v[range]))
        case .int32(let v): return .int32(Array(v[range]))
        case .int16(let v): return .int16(Array(v[range]))
        case .uint8(let v): return .uint8(Array(v[range]))
        case .string(let v): return .string(Array(v[range]))
        case .bool(let v): return .bool(Array(v[range]))
        }
    }

    /// An empty primary and the test table, in one go or in batches of `batch` rows (last batch first, so that the
    /// rows really land where `firstRow` says).
    static func write(_ path: String, batch: Int?) throws {
        try withNewFITSFile(path) { file throws in
            try file.appendEmptyPrimary()
            guard let batch else {
                try file.appendBinaryTable(name: "DATA", columns: columns, cards: cards)
                return
            }
            let rows = columns[0].rowCount
            try file.createBinaryTable(name: "DATA", columns: columns.map(FITSColumnDefinition.init), rows: rows, cards: cards)
            for first in stride(from: 0, to: rows, by: batch).reversed() {
                for column in columns {
                    try file.writeRows(slice(column, first..<min(first + batch, rows)), column: column.name, firstRow: first)
                }
            }
        }
    }

    @Test func batchesGiveTheFileOfOneShotWrite() throws {
        try withTemporaryDirectory { dir throws in
            let whole = dir.appendingPathComponent("whole.fits").path
            try Self.write(whole, batch: nil)
            for batch in [1, 2, 5] {
                let batched = dir.appendingPathComponent("batched-\(batch).fits").path
                try Self.write(batched, batch: batch)
                try withFITSFile(batched) { file throws in
                    #expect(try file.readTable(hdu: 1) == Self.columns)
                    let descriptions = try file.columnDescriptions(hdu: 1)
                    #expect(descriptions.map(\.format) == ["1D", "4E", "4J", "1K", "1I", "1B", "15A", "4A2", "1L"])
                    #expect(descriptions.map(\.null) == [nil, nil, -1, Int64.min, nil, 255, nil, nil, nil])
                    #expect(try file.header(hdu: 1).string("ORIGIN") == "test")
                }
                // Same header cards in the same places, same data: the same bytes.
                let same = try Data(contentsOf: URL(fileURLWithPath: whole)) == Data(contentsOf: URL(fileURLWithPath: batched))
                #expect(same, "batches of \(batch) rows")
            }
        }
    }

    @Test func aTableCanBeFilledAfterLaterHDUsAreAppended() throws {
        try withTemporaryDirectory { dir throws in
            let path = dir.appendingPathComponent("later.fits").path
            let late = FITSColumn(name: "SNR", data: .double([3.5, 4.5, 5.5]))
            let other = FITSColumn(name: "X", data: .int32([7, 8]))
            try withNewFITSFile(path) { file throws in
                try file.appendEmptyPrimary()
                try file.createBinaryTable(name: "FIRST", columns: [FITSColumnDefinition(late)], rows: 3)
                try file.appendBinaryTable(name: "SECOND", columns: [other])
                try file.writeRows(late.data, column: "snr", firstRow: 0, hdu: 1)
                try file.writeChecksums()
            }
            try withFITSFile(path) { file throws in
                #expect(try file.hduCount == 3)
                #expect(try file.readTable(hdu: 1) == [late])
                #expect(try file.readTable(hdu: 2) == [other])
                for hdu in 0...2 {
                    let sums = try file.verifyChecksums(hdu: hdu)
                    #expect(sums.checksum == .valid && sums.datasum == .valid, "HDU \(hdu)")
                }
            }
        }
    }

    @Test func badDefinitionsAreRefusedBeforeAnyHDU() throws {
        try withTemporaryDirectory { dir throws in
            let path = dir.appendingPathComponent("bad-definitions.fits").path
            try withNewFITSFile(path) { file throws in
                let floatNull = #expect(throws: FITSError.self) {
                    try file.createBinaryTable(name: "T", columns: [FITSColumnDefinition(name: "F", type: .float, null: -1)], rows: 1)
                }
                #expect(floatNull?.message.contains("'F'") == true && floatNull?.call == "createBinaryTable")
                let wide = #expect(throws: FITSError.self) {
                    try file.createBinaryTable(name: "T", columns: [FITSColumnDefinition(name: "S", type: .int16, null: 40_000)], rows: 1)
                }
                #expect(wide?.message.contains("40000") == true)
                #expect(throws: FITSError.self) {
                    try file.createBinaryTable(name: "T", columns: [FITSColumnDefinition(name: "A", type: .string(width: 0))], rows: 1)
                }
                #expect(throws: FITSError.self) {
                    try file.createBinaryTable(name: "T", columns: [FITSColumnDefinition(name: "V", type: .double, repeatCount: -1)], rows: 1)
                }
                #expect(throws: FITSError.self) {
                    try file.createBinaryTable(name: "T", columns: [FITSColumnDefinition(name: "D", type: .double)], rows: -1)
                }
                #expect(try file.hduCount == 0)
            }
        }
    }

    @Test func rowsThatDoNotFitTheColumnAreRefused() throws {
        try withTemporaryDirectory { dir throws in
            let path = dir.appendingPathComponent("bad-rows.fits").path
            try withNewFITSFile(path) { file throws in
                try file.appendEmptyPrimary()
                try file.createBinaryTable(
                    name: "T",
                    columns: [FITSColumnDefinition(name: "Q", type: .int32, repeatCount: 3, null: -1),
                              FITSColumnDefinition(name: "S", type: .string(width: 4))],
                    rows: 2)
                let type = #expect(throws: FITSError.self) { try file.writeRows(.int64([1, 2, 3]), column: "Q", firstRow: 0) }
                #expect(type?.message.contains("'Q'") == true && type?.call == "writeRows")
                let partial = #expect(throws: FITSError.self) { try file.writeRows(.int32([1, 2]), column: "Q", firstRow: 0) }
                #expect(partial?.message.contains("whole rows") == true)
                let past = #expect(throws: FITSError.self) { try file.writeRows(.int32([1, 2, 3, 4, 5, 6]), column: "Q", firstRow: 1) }
                #expect(past?.message.contains("2 rows") == true)
                #expect(throws: FITSError.self) { try file.writeRows(.int32([1, 2, 3]), column: "Q", firstRow: -1) }
                let long = #expect(throws: FITSError.self) { try file.writeRows(.string(["abcde"]), column: "S", firstRow: 0) }
                #expect(long?.message.contains("abcde") == true)
                #expect(throws: FITSError.self) { try file.writeRows(.string(["Å"]), column: "S", firstRow: 0) }
                let missing = #expect(throws: FITSError.self) { try file.writeRows(.int32([1, 2, 3]), column: "NOPE", firstRow: 0) }
                #expect(missing?.status == 219)
                #expect(throws: FITSError.self) { try file.writeRows(.int32([1]), column: "Q", firstRow: 0, hdu: 0) }
                // Nothing refused was written, and the table kept its size (the refusal for HDU 0 left the cursor there).
                try file.writeRows(.int32([4, 5, 6]), column: "Q", firstRow: 1, hdu: 1)
                #expect(try file.rowCount(hdu: 1) == 2)
                #expect(try file.readColumn("Q", hdu: 1, as: Int32.self).values == [0, 0, 0, 4, 5, 6])
            }
        }
    }
}
