import Foundation
import QMostFITS
import QMostTesting
import Testing

@Suite("Binary table null values (TNULLn)")
struct TableNullTests {
    static let columns: [FITSColumn] = [
        FITSColumn(name: "QUAL", data: .int32([0, 1, -1, 0, -1, 1]), repeatCount: 3, null: -1),
        FITSColumn(name: "K", unit: "count", data: .int64([Int64.min, 5]), repeatCount: 1, null: Int64.min),
        FITSColumn(name: "I", data: .int16([-32768, 7]), null: -32768),
        FITSColumn(name: "B", data: .uint8([255, 0]), null: 255),
        FITSColumn(name: "PLAIN", data: .int32([3, 4])),
        FITSColumn(name: "X", unit: "Angstrom", data: .double([1.5, 2.5])),
    ]

    @Test func nullValuesAreWrittenAndReadBack() throws {
        try withTemporaryDirectory { dir throws in
            let path = dir.appendingPathComponent("nulls.fits").path
            try withNewFITSFile(path) { file throws in
                try file.appendEmptyPrimary()
                try file.appendBinaryTable(name: "DATA", columns: Self.columns)
                try file.writeChecksums()
            }
            try withFITSFile(path) { file throws in
                #expect(try file.readTable(hdu: 1) == Self.columns)
                let descriptions = try file.columnDescriptions(hdu: 1)
                #expect(descriptions.map(\.null) == [-1, Int64.min, -32768, 255, nil, nil])
                #expect(descriptions[0] == FITSColumnDescription(name: "QUAL", unit: nil, format: "3J", repeatCount: 3, null: -1))
                let header = try file.header(hdu: 1)
                #expect(header.int("TNULL1") == -1 && header.int("TNULL4") == 255 && !header.contains("TNULL5"))
                // Stored values come back as they are, nulls included.
                #expect(try file.readColumn("QUAL", hdu: 1, as: Int32.self).values == [0, 1, -1, 0, -1, 1])
                // TNULLn sits with its column's other keywords: after TFORM1 (no unit), after TUNIT2.
                let keys = header.cards.map(\.keyword)
                let i1 = try #require(keys.firstIndex(of: "TNULL1")), i2 = try #require(keys.firstIndex(of: "TNULL2"))
                #expect(keys[i1 - 1] == "TFORM1" && keys[i2 - 1] == "TUNIT2")
                print("measured: TNULL round trip \(descriptions.map { "\($0.name)[\($0.format)] null \($0.null.map(String.init) ?? "-")" })")
            }
        }
    }

    @Test func fitsverifyAcceptsTheNullValues() throws {
        try withTemporaryDirectory { dir throws in
            let path = dir.appendingPathComponent("nulls.fits").path
            try withNewFITSFile(path) { file throws in
                try file.appendEmptyPrimary()
                try file.appendBinaryTable(name: "DATA", columns: Self.columns)
                try file.writeChecksums()
            }
            let log = dir.appendingPathComponent("fitsverify.txt").path
            let child = try ChildProcess(["/usr/bin/fitsverify", "-e", path], outputPath: log)
            let status = child.wait(timeout: 60)
            print("measured: fitsverify \(child.output.split(separator: "\n").last { $0.contains("Verification found") } ?? "no summary")")
            #expect(status == 0 && child.output.contains("Verification found 0 warning(s) and 0 error(s)"), "\(child.output)")
        }
    }

    @Test func nullValuesMustSuitTheColumn() throws {
        try withTemporaryDirectory { dir throws in
            let path = dir.appendingPathComponent("bad.fits").path
            try withNewFITSFile(path) { file throws in
                let float = #expect(throws: FITSError.self) {
                    try file.appendBinaryTable(name: "T", columns: [FITSColumn(name: "F", data: .float([1]), null: -1)])
                }
                #expect(float?.message.contains("'F'") == true && float?.message.contains("integer") == true)
                let wide = #expect(throws: FITSError.self) {
                    try file.appendBinaryTable(name: "T", columns: [FITSColumn(name: "S", data: .int16([1]), null: 40_000)])
                }
                #expect(wide?.message.contains("40000") == true)
                #expect(throws: FITSError.self) {
                    try file.appendBinaryTable(name: "T", columns: [FITSColumn(name: "U", data: .uint8([1]), null: -1)])
                }
                #expect(try file.hduCount == 0)
                // A TNULLn card passed with the header cards is still structural and skipped: nothing is declared.
                try file.appendBinaryTable(
                    name: "T", columns: [FITSColumn(name: "J", data: .int32([1, 2]))], cards: [FITSCard(keyword: "TNULL1", value: .int(-1))])
                #expect(try file.columnDescriptions(hdu: 1).map(\.null) == [nil])
            }
        }
    }
}
