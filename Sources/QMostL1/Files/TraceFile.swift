import Foundation
import QMostCore
import QMostFITS

/// The traces and spatial profiles of one arm, as measured from a fibre flat (seed 9.1.10–9.1.11).
public struct ArmTraces: Sendable, Equatable {
    public var arm: ArmName
    public var traces: [FibreTrace]
    public var profiles: FibreProfiles

    public init(arm: ArmName, traces: [FibreTrace], profiles: FibreProfiles) {
        self.arm = arm
        self.traces = traces
        self.profiles = profiles
    }
}

/// The fibre-trace product (`ESO PRO CATG = 'FIBRE_TRACE'`, seed 9.1.10): a primary HDU with the inputs (PROVn),
/// then per arm a binary table `TRACE_<ARM>` with one row per fibre (slit position, centre and width polynomial
/// coefficients, rms, blocks) and the fitted profile shapes of its zones in the header.
public enum TraceFile {
    public static let category = "FIBRE_TRACE"

    /// Writes `arms` to `path` atomically (`.name.part`, then renamed into place).
    public static func write(_ path: String, inputs: [String], arms: [ArmTraces]) throws(FileProblem) {
        try ProductFile.writeAtomically(path) { file in
            try file.appendEmptyPrimary(cards: ProductFile.primaryCards(category: category, inputs: inputs))
            for a in arms { try file.appendBinaryTable(name: "TRACE_\(a.arm.headerName)", columns: columns(a.traces), cards: profileCards(a)) }
        }
    }

    /// Reads every `TRACE_<ARM>` table of `path`, in the file's order.
    public static func read(_ path: String) throws(FileProblem) -> [ArmTraces] {
        do {
            return try withFITSFile(path) { file -> [ArmTraces] in
                let headers = try file.headers()
                guard headers.first?.string("ESO PRO CATG") == category else {
                    throw FileProblem(path: path, problem: "not a \(category) product (ESO PRO CATG = \(headers.first?.string("ESO PRO CATG") ?? "absent"))")
                }
                var result: [ArmTraces] = []
                for (hdu, header) in headers.enumerated().dropFirst() {
                    guard let name = header.string("EXTNAME"), name.hasPrefix("TRACE_") else { continue }
                    guard let arm = ArmName.allCases.first(where: { "TRACE_\($0.headerName)" == name }) else {
                        throw FileProblem(path: path, problem: "\(name): unknown arm")
                    }
                    try file.moveTo(hdu: hdu)
                    result.append(try readArm(file, header: header, arm: arm, path: path))
                }
                return result
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "cannot read: \(error)")
        }
    }

    static func columns(_ traces: [FibreTrace]) -> [FITSColumn] {
        let nc = max(1, traces.map(\.centre.count).max() ?? 1), nw = max(1, traces.map(\.width.count).max() ?? 1)
        func padded(_ c: [Double], _ n: Int) -> [Double] { c + [Double](repeating: 0, count: n - c.count) }
        return [
            FITSColumn(name: "SLIT_POS", data: .int32(traces.map { Int32($0.slitPosition) })),
            FITSColumn(name: "NCENTRE", data: .int16(traces.map { Int16($0.centre.count) })),
            FITSColumn(name: "CENTRE", unit: "pix", data: .double(traces.flatMap { padded($0.centre, nc) }), repeatCount: nc),
            FITSColumn(name: "NWIDTH", data: .int16(traces.map { Int16($0.width.count) })),
            FITSColumn(name: "WIDTH", unit: "pix", data: .double(traces.flatMap { padded($0.width, nw) }), repeatCount: nw),
            FITSColumn(name: "RMS", unit: "pix", data: .double(traces.map(\.rms))),
            FITSColumn(name: "NBLOCKS", data: .int32(traces.map { Int32($0.blocks) })),
        ]
    }

    static func profileCards(_ a: ArmTraces) -> [FITSCard] {
        let p = a.profiles
        var cards: [FITSCard] = [
            .comment("CENTRE: y(x)=sum c_k x^k rows, WIDTH: tracer sigma(x) (with the pixel); x 0-based trimmed column."),
            .comment("Profile: (1-HFRAC) N(0, s) + HFRAC N(0, HRATIO s), s = CORE*sqrt(WIDTH^2-1/12), bilinear in zones."),
            FITSCard(keyword: "HIERARCH QMOST PROF DETCOLS", value: .int(Int64(p.columns)), comment: "detector columns"),
            FITSCard(keyword: "HIERARCH QMOST PROF DETROWS", value: .int(Int64(p.rows)), comment: "detector rows"),
            FITSCard(keyword: "HIERARCH QMOST PROF NCOLZONE", value: .int(Int64(p.columnZones)), comment: "zones along the dispersion"),
            FITSCard(keyword: "HIERARCH QMOST PROF NROWZONE", value: .int(Int64(p.rowZones)), comment: "zones along the slit"),
            FITSCard(keyword: "HIERARCH QMOST PROF REACH", value: .double(p.reachSigmas), comment: "window half-width [halo sigma]"),
        ]
        for (i, s) in p.shapes.enumerated() {
            let z = "HIERARCH QMOST PROF Z\(i + 1)"
            cards += [
                FITSCard(keyword: "\(z) CORE", value: .double(s.coreScale), comment: "core sigma scale"),
                FITSCard(keyword: "\(z) HFRAC", value: .double(s.haloFraction), comment: "halo light fraction"),
                FITSCard(keyword: "\(z) HRATIO", value: .double(s.haloRatio), comment: "halo sigma / core sigma"),
                FITSCard(keyword: "\(z) CHI2", value: .double(p.chiSquare[i].isFinite ? p.chiSquare[i] : -1), comment: "reduced chi2 (-1: none)"),
            ]
        }
        return cards
    }

    static func readArm(_ file: FITSFile, header: FITSHeader, arm: ArmName, path: String) throws -> ArmTraces {
        let ext = "TRACE_\(arm.headerName)"
        func int(_ key: String) throws(FileProblem) -> Int {
            guard let v = header.int("QMOST PROF \(key)") else { throw FileProblem(path: path, problem: "\(ext): QMOST PROF \(key) missing") }
            return Int(v)
        }
        func double(_ key: String) throws(FileProblem) -> Double {
            guard let v = header.double("QMOST PROF \(key)") else { throw FileProblem(path: path, problem: "\(ext): QMOST PROF \(key) missing") }
            return v
        }
        let columns = try int("DETCOLS"), rows = try int("DETROWS"), cz = try int("NCOLZONE"), rz = try int("NROWZONE")
        guard cz >= 1, rz >= 1, columns > 0, rows > 0 else { throw FileProblem(path: path, problem: "\(ext): bad profile zones \(cz) × \(rz)") }
        var shapes: [ProfileShape] = [], chi: [Double] = []
        for i in 1...(cz * rz) {
            shapes.append(ProfileShape(coreScale: try double("Z\(i) CORE"), haloFraction: try double("Z\(i) HFRAC"),
                                       haloRatio: try double("Z\(i) HRATIO")))
            let c = try double("Z\(i) CHI2")
            chi.append(c < 0 ? .nan : c)
        }
        let slit = try file.readColumn("SLIT_POS", as: Int32.self)
        let nCentre = try file.readColumn("NCENTRE", as: Int16.self), centre = try file.readColumn("CENTRE", as: Double.self)
        let nWidth = try file.readColumn("NWIDTH", as: Int16.self), width = try file.readColumn("WIDTH", as: Double.self)
        let rms = try file.readColumn("RMS", as: Double.self), blocks = try file.readColumn("NBLOCKS", as: Int32.self)
        var traces: [FibreTrace] = []
        for r in 0..<slit.rowCount {
            let nc = Int(nCentre.values[r]), nw = Int(nWidth.values[r])
            guard nc >= 1, nc <= centre.repeatCount, nw >= 1, nw <= width.repeatCount else {
                throw FileProblem(path: path, problem: "\(ext) row \(r + 1): coefficient counts \(nc), \(nw) exceed the columns")
            }
            traces.append(FibreTrace(slitPosition: Int(slit.values[r]), centre: Array(centre.row(r).prefix(nc)),
                                     width: Array(width.row(r).prefix(nw)), rms: rms.values[r], blocks: Int(blocks.values[r])))
        }
        let profiles = FibreProfiles(columns: columns, rows: rows, columnZones: cz, rowZones: rz, shapes: shapes, chiSquare: chi,
                                     reachSigmas: try double("REACH"))
        return ArmTraces(arm: arm, traces: traces, profiles: profiles)
    }
}
