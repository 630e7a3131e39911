import Foundation
import QMostCore
import QMostFITS
import QMostStore

/// A FIBINFO table that cannot be recorded as it stands; the frame is quarantined with this message.
public struct FibinfoError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, naming the row, fibre or column (without the `FIBINFO:` prefix).
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "FIBINFO: \(message)" }
}

/// Reads the FIBINFO binary table of a raw frame: which target each fibre pointed at during the exposure.
///
/// The 4MOST column names are not settled. The 2022 QL1 files carry the FIBINFO row as 8-character keys
/// (`FIB_ID`, `TRG_UID`, `CNAME`, `TRG_RA`, `TRG_DEC`, `FIB_USE`, `FIB_ST`, `FIB_ROOT`, `SLIT_POS`), while the
/// 2025-26 MEC `FIBMETATAB` names objects differently (`OBJ_UID`, `OBJ_NME`, `OBJ_RA`, `OBJ_DEC`) and the full
/// 2026 list is not public. So each field accepts every name it is known by, case-insensitively, first listed
/// wins:
///
/// | field | columns |
/// |---|---|
/// | fibre (required) | `FIB_ID`, `FIBRE_ID`, `FIBER_ID` |
/// | target id | `TARG_ID`, `TRG_UID`, `TARG_UID`, `OSTD_TARG_ID` |
/// | object id | `U_OBJ_ID`, `OBJ_UID` |
/// | CNAME | `CNAME`, `OBJ_NME` |
/// | RA, Dec (deg) | `TRG_RA`, `OBJ_RA`, `RA`; `TRG_DEC`, `OBJ_DEC`, `DEC` |
/// | fibre use, status, slit position | `FIB_USE`, `FIB_ST`, `SLIT_POS` |
/// | spectrograph | `FIB_ROOT` (1 LRSA, 2 LRSB, 3 HRS), else text in `SPECTRO` or `SPECTROGRAPH` |
///
/// 4MOST writes -1 for an identifier it does not have, so identifiers that are not positive, negative small
/// integers and NaN coordinates are stored as missing. A missing fibre column, a fibre number that is not
/// positive or one used twice makes the whole table unusable: the spectra could not be tied to targets.
public enum FibinfoReader {
    static let extname = "FIBINFO"
    static let fibreNames = ["FIB_ID", "FIBRE_ID", "FIBER_ID"]
    static let targetNames = ["TARG_ID", "TRG_UID", "TARG_UID", "OSTD_TARG_ID"]
    static let objectNames = ["U_OBJ_ID", "OBJ_UID"]
    static let cnameNames = ["CNAME", "OBJ_NME"]
    static let raNames = ["TRG_RA", "OBJ_RA", "RA"]
    static let decNames = ["TRG_DEC", "OBJ_DEC", "DEC"]
    static let spectrographNames = ["SPECTRO", "SPECTROGRAPH"]
    /// The FIB_ROOT codes of the QL1 files ("for OpR2 only").
    static let spectrographOfRoot: [Int64: String] = [1: "LRSA", 2: "LRSB", 3: "HRS"]

    /// The FIBINFO rows of the file at `path`, or nil when it has no HDU named FIBINFO.
    ///
    /// Pass the validator's `hdus` when at hand: a file without FIBINFO is then not opened again.
    public static func read(path: String, hdus: [HDUSummary]? = nil) throws(FibinfoError) -> [FibreRecord]? {
        let listed = hdus?.first { $0.extname?.uppercased() == extname }
        if hdus != nil, listed == nil { return nil }
        do {
            let file = try FITSFile.open(path)
            defer { try? file.close() }
            guard let index = try locate(in: file, listed: listed) else { return nil }
            guard try file.hduType() != .image else { throw FibinfoError("HDU \(index + 1) is an image, not a table") }
            return try Table(file: file).records()
        } catch let error as FibinfoError {
            throw error
        } catch {
            throw FibinfoError("cannot read the table: \(error)")
        }
    }

    /// Makes the FIBINFO HDU current and returns its index, or nil when the file has none.
    private static func locate(in file: FITSFile, listed: HDUSummary?) throws(FITSError) -> Int? {
        if let listed {
            try file.moveTo(hdu: listed.index)
            return listed.index
        }
        do {
            return try file.moveTo(extname: extname)
        } catch {
            guard error.status == 301 else { throw error }  // BAD_HDU_NUM is cfitsio's "no HDU of that name"
            return nil
        }
    }

    /// The current HDU's columns, found by any of their names.
    private struct Table {
        let file: FITSFile
        let columns: [String: FITSColumnDescription]
        let rowCount: Int

        init(file: FITSFile) throws {
            self.file = file
            columns = Dictionary(try file.columnDescriptions().map { ($0.name.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })
            rowCount = try file.rowCount()
        }

        func column(_ names: [String]) throws(FibinfoError) -> FITSColumnDescription? {
            guard let d = names.lazy.compactMap({ columns[$0] }).first else { return nil }
            guard d.repeatCount == 1 else {
                throw FibinfoError("column \(d.name) holds \(d.repeatCount) values per row; expected one (TFORM \(d.format))")
            }
            return d
        }

        /// Binary and ASCII table TFORMs both use `A` for text and for nothing else.
        static func isText(_ d: FITSColumnDescription) -> Bool { d.format.uppercased().contains("A") }

        func integers(_ names: [String]) throws -> (name: String, values: [Int64])? {
            guard let d = try column(names) else { return nil }
            guard !Self.isText(d) else { throw FibinfoError("column \(d.name) must be numeric; its TFORM is \(d.format)") }
            return (d.name, try file.readColumn(d.name, as: Int64.self).values)
        }

        func doubles(_ names: [String]) throws -> [Double]? {
            guard let d = try column(names) else { return nil }
            guard !Self.isText(d) else { throw FibinfoError("column \(d.name) must be numeric; its TFORM is \(d.format)") }
            return try file.readColumn(d.name, as: Double.self).values
        }

        func strings(_ names: [String]) throws -> [String]? {
            guard let d = try column(names) else { return nil }
            guard Self.isText(d) else { throw FibinfoError("column \(d.name) must hold text; its TFORM is \(d.format)") }
            return try file.readStringColumn(d.name).values.map { $0.trimmingCharacters(in: .whitespaces) }
        }

        func records() throws -> [FibreRecord] {
            guard let fibres = try integers(fibreNames) else {
                throw FibinfoError("no fibre-number column (looked for \(fibreNames.joined(separator: ", ")))")
            }
            let targets = try integers(targetNames)?.values
            let objects = try integers(objectNames)?.values
            let cnames = try strings(cnameNames)
            let ra = try doubles(raNames), dec = try doubles(decNames)
            let use = try integers(["FIB_USE"])?.values, status = try integers(["FIB_ST"])?.values
            let slit = try integers(["SLIT_POS"])?.values
            let roots = try integers(["FIB_ROOT"])?.values
            let spectrographs = try strings(spectrographNames)

            var records: [FibreRecord] = []
            records.reserveCapacity(rowCount)
            var rowOfFibre: [Int64: Int] = [:]
            for i in 0..<rowCount {
                let row = i + 1, fibre = fibres.values[i]
                guard fibre > 0 else { throw FibinfoError("row \(row): fibre number \(fibre) is not positive") }
                if let first = rowOfFibre.updateValue(row, forKey: fibre) {
                    throw FibinfoError("fibre \(fibre) appears twice (rows \(first) and \(row) of \(fibres.name))")
                }
                records.append(FibreRecord(
                    fibre: Int(fibre), targID: identifier(targets?[i]), uObjID: identifier(objects?[i]),
                    cname: cnames.flatMap { cname($0[i]) }, ra: coordinate(ra?[i]), dec: coordinate(dec?[i]),
                    fibreUse: code(use?[i]), fibreStatus: code(status?[i]),
                    spectrograph: roots.flatMap { spectrographOfRoot[$0[i]] } ?? spectrographs.flatMap { spectrograph($0[i]) },
                    slitPosition: code(slit?[i])))
            }
            return records
        }
    }

    private static func identifier(_ value: Int64?) -> Int64? { value.flatMap { $0 > 0 ? $0 : nil } }

    /// FIB_ST 0 (disabled) is meaningful, so only negative codes (-1 written for "unknown") are missing.
    private static func code(_ value: Int64?) -> Int? { value.flatMap { $0 >= 0 ? Int($0) : nil } }

    private static func coordinate(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }

    /// Canonical when it parses, so lookups by CNAME match; otherwise the text as written, which still names it.
    private static func cname(_ text: String) -> String? {
        text.isEmpty ? nil : CoordinateName.canonicalCNAME(text) ?? text
    }

    /// `LRS-A`, `lrs a` and `LRSA` are one spectrograph.
    private static func spectrograph(_ text: String) -> String? {
        let letters = String(text.uppercased().unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) })
        return letters.isEmpty ? nil : letters
    }
}
