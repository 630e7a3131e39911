import Foundation
import QMostCore
import QMostFITS
import QMostL1

/// One column of a DXU catalogue: its values and what a reader needs to use them (unit, UCD, meaning).
public struct DXUColumn: Sendable {
    public var column: FITSColumn
    public var ucd: String
    public var comment: String

    public init(_ name: String, unit: String? = nil, ucd: String, comment: String, _ data: FITSColumn.Data) {
        column = FITSColumn(name: name, unit: unit, data: data)
        self.ucd = ucd
        self.comment = comment
    }
}

/// A module's nightly Data eXchange Unit, laid out as 4XP's QXP DXU is (datamodel reference §5.1): an empty primary
/// HDU (`PRODCATG = 'SCIENCE.CATALOG'`, `QMNODE` the module, `NIGHTOBS`, one `FLAGBn` card per flag bit, and any
/// QA exemptions the night was released with), `PHASE3CATALOGUE` with one row per spectrum (`TUCDn` and `TCOMMn`
/// per column), and `PHASE3PROVENANCE` listing the L1 files measured (`PROV`).
public enum DXUFile {
    public static let catalogueExtension = "PHASE3CATALOGUE"
    public static let provenanceExtension = "PHASE3PROVENANCE"

    /// Writes the DXU atomically (a `.part` file renamed into place), with checksums.
    public static func write(_ path: String, module: L2Module, night: Night, columns: [DXUColumn], flags: [(bit: Int, name: String, meaning: String)],
                             inputs: [String], exemptions: [Int64] = []) throws(FileProblem) {
        var primary: [FITSCard] = [
            FITSCard(keyword: "ORIGIN", value: .string("qmostd")),
            FITSCard(keyword: "INSTRUME", value: .string("4MOST")),
            FITSCard(keyword: "PRODCATG", value: .string("SCIENCE.CATALOG"), comment: "Data product category"),
            FITSCard(keyword: "QMNODE", value: .string(module.rawValue), comment: "L2 module that made this DXU"),
            FITSCard(keyword: "NIGHTOBS", value: .string(night.compact), comment: "Night of observation (YYYYMMDD)"),
            FITSCard(keyword: "PROCSOFT", value: .string("qmostd/\(QMostVersion.current)"), comment: "Reduction software"),
            FITSCard(keyword: "DXUDOC", value: .string("qmostd docs/l2.md"), comment: "Where the columns and flags are defined"),
            FITSCard(keyword: "PROVXTN", value: .int(2), comment: "Extension holding the provenance"),
            FITSCard(keyword: "NSPEC", value: .int(Int64(columns.first?.column.rowCount ?? 0)), comment: "Spectra (catalogue rows)"),
        ]
        for f in flags {
            primary.append(FITSCard(keyword: "FLAGB\(f.bit)", value: .string(f.name), comment: String(f.meaning.prefix(46))))
        }
        primary.append(FITSCard(keyword: "QAEXEMPT", value: .string(exemptions.map(String.init).joined(separator: ",")),
                                comment: "QA tests exempted when the night was released"))
        var cards: [FITSCard] = []
        for (i, c) in columns.enumerated() {
            cards.append(FITSCard(keyword: "TUCD\(i + 1)", value: .string(c.ucd)))
            cards.append(FITSCard(keyword: "TCOMM\(i + 1)", value: .string(String(c.comment.prefix(68)))))
        }
        try ProductFile.writeAtomically(path) { file in
            try file.appendEmptyPrimary(cards: primary)
            try file.appendBinaryTable(name: catalogueExtension, columns: columns.map(\.column), cards: cards)
            try file.appendBinaryTable(name: provenanceExtension,
                                       columns: [FITSColumn(name: "PROV", data: .string(inputs.map { ($0 as NSString).lastPathComponent }))])
        }
    }

    /// The module, night and catalogue of a DXU, for checks and for the DXUs external pipelines drop.
    public static func read(_ path: String) throws(FileProblem) -> (module: String, night: String, columns: [FITSColumn], provenance: [String]) {
        do {
            return try withFITSFile(path) { file in
                let primary = try file.header(hdu: 0)
                guard let module = primary.string("QMNODE"), let night = primary.string("NIGHTOBS") else {
                    throw FileProblem(path: path, problem: "not a DXU: the primary header lacks QMNODE or NIGHTOBS")
                }
                guard let table = try? file.moveTo(extname: catalogueExtension) else {
                    throw FileProblem(path: path, problem: "no \(catalogueExtension) extension")
                }
                let columns = try file.readTable(hdu: table)
                let provenance = (try? file.moveTo(extname: provenanceExtension)).flatMap { try? file.readStringColumn("PROV", hdu: $0).values } ?? []
                return (module, night, columns, provenance)
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "cannot read: \(error)")
        }
    }
}
