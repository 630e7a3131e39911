import Foundation
import QMostCore
import QMostFITS
import QMostStore

/// One accepted catalogue row.
public struct CatalogueRow: Sendable, Equatable {
    /// 1-based row number in the table.
    public var row: Int
    public var name: String
    public var resolution: ResolutionMode
    public var astrometry: Astrometry
    public var mag: Double?
    public var magType: String?
}

/// A catalogue table read and checked row by row.
public struct CatalogueReading: Sendable {
    /// The HDU (0-based) the table was read from.
    public var hdu: Int
    public var rowCount: Int
    public var rows: [CatalogueRow]
    public var rejects: [CatalogueReject]
    /// Remarks on the whole file: unit conversions, optional columns not present.
    public var notes: [String]
}

/// Reads a 4FS-style target catalogue (the first binary table of a FITS file) with configurable column names.
///
/// Whole-file problems (no table, a required column missing, a unit that is not the quantity's) throw; a bad
/// row only rejects that row, with a reason naming the row, the target and the value.
public enum TargetCatalogueReader {
    /// The fastest known star, Barnard's, moves 10.4″/yr; 15″/yr leaves room and still catches unit mix-ups.
    static let maximumProperMotion = 15_000.0

    public static func read(path: String, columns names: Configuration.Targets.Columns) throws(CatalogueError) -> CatalogueReading {
        do {
            let file = try FITSFile.open(path)
            defer { try? file.close() }
            guard let hdu = try (0..<file.hduCount).first(where: { try file.hduType(hdu: $0) == .binaryTable }) else {
                throw CatalogueError(path, "no binary table HDU: a target catalogue is a FITS binary table")
            }
            _ = try file.moveTo(hdu: hdu)
            var table = try Table(file: file, hdu: hdu, path: path, names: names)
            return try table.read()
        } catch let error as CatalogueError {
            throw error
        } catch {
            throw CatalogueError(path, "cannot read the table: \(error)")
        }
    }

    /// The columns of one table, fetched and converted to stored units.
    private struct Table {
        let file: FITSFile
        let hdu: Int
        let path: String
        let names: Configuration.Targets.Columns
        let descriptions: [String: FITSColumnDescription]
        var notes: [String] = []

        init(file: FITSFile, hdu: Int, path: String, names: Configuration.Targets.Columns) throws {
            self.file = file
            self.hdu = hdu
            self.path = path
            self.names = names
            descriptions = Dictionary(try file.columnDescriptions(hdu: hdu).map { ($0.name.uppercased(), $0) },
                                      uniquingKeysWith: { first, _ in first })
        }

        func description(_ name: String) -> FITSColumnDescription? { descriptions[name.uppercased()] }

        func require(_ name: String, _ role: String) throws -> FITSColumnDescription {
            guard let d = description(name) else {
                throw CatalogueError(path, "no \(role) column '\(name)' (columns: \(descriptions.values.map(\.name).sorted().joined(separator: ", ")); "
                                     + "set targets.columns in etc/qmostd.yaml or pass --column)")
            }
            return d
        }

        mutating func numbers(_ name: String, _ quantity: CatalogueUnits.Quantity, _ role: String) throws -> [Double]? {
            guard let d = description(name) else { return nil }
            guard d.repeatCount == 1, !d.format.uppercased().hasSuffix("A") else {
                throw CatalogueError(path, "column \(d.name) (\(role)) must be a numeric scalar; its TFORM is \(d.format)")
            }
            guard let factor = CatalogueUnits.factor(d.unit, for: quantity) else {
                throw CatalogueError(path, "column \(d.name) (\(role)) has unit '\(d.unit ?? "")', which is not a unit of \(quantity.rawValue)")
            }
            var values = try file.readColumn(d.name, hdu: hdu, as: Double.self).values
            if factor != 1 {
                for i in values.indices { values[i] *= factor }
                notes.append("\(d.name) converted from \(d.unit ?? "") to \(quantity.rawValue)")
            }
            return values
        }

        func strings(_ d: FITSColumnDescription) throws -> [String] {
            switch try file.readColumn(d.name, hdu: hdu).data {
            case .string(let v): return v.map(Self.trimmed)
            case .int64(let v): return v.map(String.init)
            case .int32(let v): return v.map { String($0) }
            case .int16(let v): return v.map { String($0) }
            case .uint8(let v): return v.map { String($0) }
            default: throw CatalogueError(path, "column \(d.name) must hold text or integers; its TFORM is \(d.format)")
            }
        }

        /// Leading blanks removed (cfitsio already drops trailing ones); Foundation's trimming would cost seconds
        /// over a million names, and most names have nothing to trim.
        static func trimmed(_ s: String) -> String {
            guard s.utf8.first == 0x20 || s.utf8.last == 0x20 else { return s }
            let bytes = s.utf8.drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed()
            return String(decoding: Array(bytes), as: UTF8.self)
        }

        mutating func read() throws -> CatalogueReading {
            let rowCount = try file.rowCount(hdu: hdu)
            let nameColumn = try require(names.name, "target name")
            _ = try require(names.ra, "RA")
            _ = try require(names.dec, "Dec")
            let resolutionColumn = try require(names.resolution, "resolution")
            let targetNames = try strings(nameColumn)
            let ra = try numbers(names.ra, .angle, "RA")!
            let dec = try numbers(names.dec, .angle, "Dec")!
            let resolutions = try strings(resolutionColumn)
            let pmra = try numbers(names.pmra, .properMotion, "proper motion in RA")
            let pmdec = try numbers(names.pmdec, .properMotion, "proper motion in Dec")
            let epoch = try numbers(names.epoch, .epoch, "epoch")
            let parallax = try numbers(names.parallax, .parallax, "parallax")
            let mag = try numbers(names.mag, .magnitude, "magnitude")
            let magType = try description(names.magType).map { try strings($0) }
            if (pmra != nil || pmdec != nil) && epoch == nil {
                throw CatalogueError(path, "proper motions are given but there is no epoch column '\(names.epoch)'")
            }
            for (column, present) in [(names.pmra, pmra != nil), (names.pmdec, pmdec != nil), (names.parallax, parallax != nil)] where !present {
                notes.append("no \(column) column: taken as 0")
            }

            var accepted: [CatalogueRow] = []
            accepted.reserveCapacity(rowCount)
            var rejects: [CatalogueReject] = []
            var firstRowOfName: [String: Int] = [:]
            firstRowOfName.reserveCapacity(rowCount)
            for i in 0..<rowCount {
                let row = i + 1
                let name = targetNames[i]
                func reject(_ reason: String) { rejects.append(CatalogueReject(row: row, name: name.isEmpty ? nil : name, reason: reason)) }
                guard !name.isEmpty else { reject("\(names.name) is empty"); continue }
                if let first = firstRowOfName[name] { reject("\(names.name) '\(name)' already used in row \(first)"); continue }
                firstRowOfName[name] = row
                guard ra[i].isFinite, ra[i] >= 0, ra[i] < 360 else { reject("\(names.ra) \(ra[i]) is not in [0, 360) deg"); continue }
                guard dec[i].isFinite, dec[i] >= -90, dec[i] <= 90 else { reject("\(names.dec) \(dec[i]) is not in [-90, 90] deg"); continue }
                guard let mode = ResolutionMode(code: resolutions[i]) else {
                    reject("\(names.resolution) '\(resolutions[i])' is neither 1 (LR) nor 2 (HR)"); continue
                }
                let mu = (pmra?[i] ?? 0, pmdec?[i] ?? 0)
                let pm = (mu.0.isNaN ? 0 : mu.0, mu.1.isNaN ? 0 : mu.1)
                guard pm.0.isFinite, pm.1.isFinite, (pm.0 * pm.0 + pm.1 * pm.1).squareRoot() <= maximumProperMotion else {
                    reject("proper motion (\(pm.0), \(pm.1)) mas/yr is faster than any known star; check the unit"); continue
                }
                var rowEpoch = epoch?[i] ?? Astrometry.referenceEpoch
                if rowEpoch.isNaN && pm == (0, 0) { rowEpoch = Astrometry.referenceEpoch }
                guard rowEpoch.isFinite, rowEpoch >= 1900, rowEpoch <= 2100 else {
                    reject("\(names.epoch) \(rowEpoch) is not a Julian year between 1900 and 2100"); continue
                }
                let plx = parallax?[i] ?? 0
                let m = mag?[i]
                accepted.append(CatalogueRow(
                    row: row, name: name, resolution: mode,
                    astrometry: Astrometry(position: SkyPosition(ra: ra[i], dec: dec[i]), pmRA: pm.0, pmDec: pm.1,
                                           epoch: rowEpoch, parallax: plx.isFinite ? plx : 0),
                    mag: m.flatMap { $0.isFinite ? $0 : nil },
                    magType: magType.flatMap { $0[i].isEmpty ? nil : $0[i] }))
            }
            return CatalogueReading(hdu: hdu, rowCount: rowCount, rows: accepted, rejects: rejects, notes: notes)
        }
    }
}
