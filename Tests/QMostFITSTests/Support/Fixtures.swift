import Foundation
import QMostFITS

/// Small files the tests write themselves.
enum Fixtures {
    static let primaryCards: [FITSCard] = [
        FITSCard(keyword: "OBJECT", value: "NGC 1068", comment: "target"),
        FITSCard(keyword: "EXPTIME", value: 1200.5, comment: "[s] exposure"),
        FITSCard(keyword: "HIERARCH ESO DPR CATG", value: "SCIENCE"),
        FITSCard(keyword: "ESO DPR TYPE", value: "OBJECT"),
        FITSCard(keyword: "NEXTEND", value: 2),
    ]

    static let sciShape = [40, 30]
    static var sciPixels: [Float] { (0..<1200).map { Float($0) * 0.5 - 100 } }
    static var primaryPixels: [Int16] { (0..<(100 * 50)).map { Int16(truncatingIfNeeded: $0 * 7 - 3000) } }

    static var specColumns: [FITSColumn] {
        [
            FITSColumn(name: "WAVE", unit: "Angstrom", data: .double((0..<500).map { 3700 + Double($0) * 0.25 }), repeatCount: 250),
            FITSColumn(name: "FLUX", unit: "erg/(s*cm^2*Angstrom)", data: .float((0..<500).map { Float($0) / 7 }), repeatCount: 250),
            FITSColumn(name: "FIBRE", data: .int32([17, 42])),
            FITSColumn(name: "NAME", data: .string(["alpha", "beta gamma"])),
        ]
    }

    /// A three-HDU file: an Int16 primary image, a Float image "SCI" and a table "SPEC".
    /// The layout is 2880-aligned, so tests can cut it at known offsets.
    @discardableResult
    static func writeSample(_ url: URL, checksums: Bool = false) throws -> URL {
        try withNewFITSFile(url.path, overwrite: true) { file in
            try file.appendImage(primaryPixels, shape: [100, 50], cards: primaryCards)
            try file.appendImage(sciPixels, shape: sciShape, cards: [FITSCard(keyword: "EXTNAME", value: "SCI")])
            try file.appendBinaryTable(name: "SPEC", columns: specColumns)
            if checksums { try file.writeChecksums() }
        }
        return url
    }
}
