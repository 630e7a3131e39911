import Foundation
import QMostFITS
import Testing

@Suite("Binary table write/read round trips")
struct TableRoundTripTests {
    static let columns: [FITSColumn] = [
        FITSColumn(name: "D", unit: "Angstrom", data: .double([1.5, -2.25, 1e300])),
        FITSColumn(name: "E", data: .float([0.5, 1.5, -3])),
        FITSColumn(name: "K", data: .int64([Int64.min + 1, 0, Int64.max])),
        FITSColumn(name: "J", data: .int32([-7, 8, Int32.max])),
        FITSColumn(name: "I", data: .int16([-300, 0, 300])),
        FITSColumn(name: "B", data: .uint8([0, 128, 255])),
        FITSColumn(name: "NAME", data: .string(["short", "", "a longer string"])),
        FITSColumn(name: "FLAG", data: .bool([true, false, true])),
        FITSColumn(name: "VEC", unit: "adu", data: .double((0..<12).map { Double($0) }), repeatCount: 4),
        FITSColumn(name: "PAIR", data: .string(["ab", "c", "de", "f", "gh", "ij"]), repeatCount: 2),
        FITSColumn(name: "BITS", data: .bool([true, true, false, false, true, false]), repeatCount: 2),
    ]

    @Test func everyColumnTypeReadsBackUnchanged() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("table.fits")
            try withNewFITSFile(url.path) { file throws in
                try file.appendBinaryTable(name: "DATA", columns: Self.columns, cards: [FITSCard(keyword: "ORIGIN", value: "test")])
            }
            try withFITSFile(url.path) { file throws in
                // cfitsio put an empty primary HDU in front of the table.
                #expect(try file.hduCount == 2)
                #expect(try file.rowCount(hdu: 1) == 3)
                #expect(try file.readTable(hdu: 1) == Self.columns)
                #expect(try file.header(hdu: 1).string("ORIGIN") == "test")
                #expect(try file.header(hdu: 1).string("EXTNAME") == "DATA")
                let formats = try file.columnDescriptions(hdu: 1).map(\.format)
                #expect(formats == ["1D", "1E", "1K", "1J", "1I", "1B", "15A", "1L", "4D", "4A2", "2L"])
            }
        }
    }

    @Test func typedReadsConvertAndFlattenVectors() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("typed.fits")
            try withNewFITSFile(url.path) { try $0.appendBinaryTable(name: "DATA", columns: Self.columns) }
            try withFITSFile(url.path) { file throws in
                try file.moveTo(extname: "DATA")
                let vector = try file.readColumn("vec", as: Float.self)
                #expect(vector.repeatCount == 4)
                #expect(vector.rowCount == 3)
                #expect(vector.row(1) == [4, 5, 6, 7])
                #expect(try file.readColumn("J", as: Double.self).values == [-7, 8, Double(Int32.max)])
                #expect(try file.readColumn("I", as: Float.self).values == [-300, 0, 300])
                #expect(try file.readStringColumn("NAME").values == ["short", "", "a longer string"])
                let pairs = try file.readStringColumn("PAIR")
                #expect(pairs.repeatCount == 2)
                #expect(pairs.row(2) == ["gh", "ij"])
                let flags = try file.readBoolColumn("BITS")
                #expect(flags.values == [true, true, false, false, true, false])
                #expect(flags.repeatCount == 2)
            }
        }
    }

    @Test func oneRowSpectrumWithVectorCells() throws {
        try withTemporaryDirectory { dir throws in
            let wave = (0..<23201).map { 3700 + Double($0) * 0.25 }
            let flux = (0..<23201).map { Float(sin(Double($0) / 100)) }
            let url = dir.appendingPathComponent("spectrum.fits")
            try withNewFITSFile(url.path) { file throws in
                try file.appendEmptyPrimary(cards: [FITSCard(keyword: "PRODCATG", value: "SCIENCE.SPECTRUM")])
                try file.appendBinaryTable(
                    name: "PHASE3SPECTRUM",
                    columns: [
                        FITSColumn(name: "WAVE", unit: "Angstrom", data: .double(wave), repeatCount: 23201),
                        FITSColumn(name: "FLUX", data: .float(flux), repeatCount: 23201),
                    ],
                    cards: [FITSCard(keyword: "NELEM", value: 23201), FITSCard(keyword: "EXTNAME", value: "IGNORED")])
            }
            try withFITSFile(url.path) { file throws in
                let index = try file.moveTo(extname: "PHASE3SPECTRUM")
                #expect(try file.rowCount() == 1)
                let readWave = try file.readColumn("WAVE", hdu: index, as: Double.self)
                #expect(readWave == FITSColumnValues(values: wave, repeatCount: 23201, rowCount: 1))
                #expect(try file.readColumn("FLUX", as: Float.self).values == flux)
                #expect(try file.header().int("NELEM") == 23201)
            }
        }
    }

    @Test func zeroRowTable() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("empty-table.fits")
            let columns = [FITSColumn(name: "X", data: .double([])), FITSColumn(name: "S", data: .string([]))]
            try withNewFITSFile(url.path) { try $0.appendBinaryTable(name: "EMPTY", columns: columns) }
            try withFITSFile(url.path) { file throws in
                #expect(try file.rowCount(hdu: 1) == 0)
                #expect(try file.readColumn("X", hdu: 1, as: Double.self).values.isEmpty)
                #expect(try file.readStringColumn("S", hdu: 1).values.isEmpty)
            }
            #expect(FITSValidator.inspect(path: url.path).validation != nil)
        }
    }

    @Test func badColumnsAreRejected() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("bad-table.fits")
            try withNewFITSFile(url.path) { file throws in
                let uneven = [FITSColumn(name: "A", data: .int16([1, 2])), FITSColumn(name: "B", data: .int16([1, 2, 3]))]
                #expect(throws: FITSError.self) { try file.appendBinaryTable(name: "T", columns: uneven) }
                let ragged = [FITSColumn(name: "A", data: .int16([1, 2, 3]), repeatCount: 2)]
                #expect(throws: FITSError.self) { try file.appendBinaryTable(name: "T", columns: ragged) }
                let unicode = [FITSColumn(name: "S", data: .string(["Å"]))]
                #expect(throws: FITSError.self) { try file.appendBinaryTable(name: "T", columns: unicode) }
                #expect(try file.hduCount == 0)
            }
        }
    }

    @Test func columnLookupErrorsNameTheColumnAndPath() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("sample.fits"))
            try withFITSFile(url.path) { file throws in
                let missing = #expect(throws: FITSError.self) { try file.readColumn("NOPE", hdu: 2, as: Double.self) }
                #expect(missing?.status == 219)
                #expect(missing?.message.contains("NOPE") == true)
                #expect(missing?.path == url.path)
                let wrongType = #expect(throws: FITSError.self) { try file.readColumn("NAME", hdu: 2, as: Double.self) }
                #expect(wrongType?.message.contains("NAME") == true)
                #expect(throws: FITSError.self) { try file.readStringColumn("WAVE", hdu: 2) }
                let image = #expect(throws: FITSError.self) { try file.readColumn("WAVE", hdu: 0, as: Double.self) }
                #expect(image?.status == 235)
            }
        }
    }
}
