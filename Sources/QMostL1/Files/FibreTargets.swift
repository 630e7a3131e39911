import Foundation
import QMostCore
import QMostFITS

/// One allocated fibre of a raw frame's FIBINFO that looked at a target: the identifiers its products carry and
/// the FIBINFO block of their Phase 3 headers (datamodel §2).
public struct FibreTarget: Sendable, Equatable {
    /// CNAME, canonical `HHMMSSss±DDMMSSs`.
    public var cname: String
    /// TARG_ID and U_OBJ_ID; −1 when FIBINFO has none (4MOST's "missing").
    public var targetID: Int64
    public var objectUID: Int64
    /// The fibre's row of FIBINFO as Phase 3 writes it (NSPEC is the row's 1-based index).
    public var fibre: Phase3Fibre

    /// The key stacks of one object use: the unique object id, else the target id, else the CNAME.
    public var stackingKey: String {
        objectUID > 0 ? "uobj:\(objectUID)" : targetID > 0 ? "targ:\(targetID)" : "cname:\(cname)"
    }
}

/// Reads the targets of a raw frame's FIBINFO: the allocated fibres (FIB_ST 2) that are not sky or guide fibres
/// (FIB_USE 1 object, 2 reference, 4 calibration) and carry a valid CNAME, keyed by slit position.
///
/// Column names follow the QL1 files and the simulator, with the alternates the ingest accepts (`TRG_UID` for
/// TARG_ID, `OBJ_UID` for U_OBJ_ID, `OBJ_RA`/`OBJ_DEC`); the optional catalogue columns (`TRG_NME`, `TRG_PMRA`,
/// `TRG_PMDE`, `TRG_PRLX`, `TRG_EPOC`, `TRG_BIT`, `TRG_PRIO`, `TRG_RLID`, `TRG_CTID`, `FIB_PHI`, `FIB_THET`,
/// `TRG_BL`…`TRG_RDID`) are copied when present.
public enum FibreTargets {
    /// Target fibres by slit position; empty when the frame has no FIBINFO.
    public static func read(_ path: String) throws(FileProblem) -> [Int: FibreTarget] {
        do {
            return try withFITSFile(path) { file in
                guard let hdu = try? file.moveTo(extname: "FIBINFO") else { return [:] }
                let names = Set(try file.columnDescriptions(hdu: hdu).map { $0.name.uppercased() })
                func pick(_ options: [String]) -> String? { options.first { names.contains($0) } }
                func ints(_ options: [String]) throws -> [Int64]? {
                    guard let n = pick(options) else { return nil }
                    return try file.readColumn(n, hdu: hdu, as: Int64.self).values
                }
                func doubles(_ options: [String]) throws -> [Double]? {
                    guard let n = pick(options) else { return nil }
                    return try file.readColumn(n, hdu: hdu, as: Double.self).values
                }
                func strings(_ options: [String]) throws -> [String]? {
                    guard let n = pick(options) else { return nil }
                    return try file.readStringColumn(n, hdu: hdu).values.map { $0.trimmingCharacters(in: .whitespaces) }
                }
                guard let fibreIDs = try ints(["FIB_ID", "FIBRE_ID", "FIBER_ID"]), let slits = try ints(["SLIT_POS"]) else {
                    throw FileProblem(path: path, problem: "FIBINFO lacks FIB_ID or SLIT_POS")
                }
                let count = fibreIDs.count
                let use = try ints(["FIB_USE"]) ?? [Int64](repeating: 1, count: count)
                let status = try ints(["FIB_ST"]) ?? [Int64](repeating: 2, count: count)
                let root = try ints(["FIB_ROOT"]) ?? [Int64](repeating: 0, count: count)
                let target = try ints(["TARG_ID", "TRG_UID", "TARG_UID", "OSTD_TARG_ID"])
                let object = try ints(["U_OBJ_ID", "OBJ_UID"])
                let cnames = try strings(["CNAME"]) ?? []
                let ra = try doubles(["TRG_RA", "OBJ_RA", "RA"]), dec = try doubles(["TRG_DEC", "OBJ_DEC", "DEC"])
                let targetNames = try strings(["TRG_NME", "OBJ_NME"])
                let optionalDoubles = try ["TRG_PMRA", "TRG_PMDE", "TRG_PRLX", "TRG_EPOC", "FIB_PHI", "FIB_THET", "TRG_WAV",
                                           "TRG_BL", "TRG_GR", "TRG_RD", "TRG_BLER", "TRG_GRER", "TRG_RDER"]
                    .reduce(into: [String: [Double]]()) { $0[$1] = try doubles([$1]) }
                let optionalInts = try ["TRG_BIT", "TRG_PRIO", "TRG_RLID", "TRG_CTID", "TRG_BLID", "TRG_GRID", "TRG_RDID"]
                    .reduce(into: [String: [Int64]]()) { $0[$1] = try ints([$1]) }
                var out: [Int: FibreTarget] = [:]
                for i in 0..<count where status[i] == 2 && [1, 2, 4].contains(use[i]) && i < cnames.count {
                    guard let cname = CoordinateName.canonicalCNAME(cnames[i]) else { continue }
                    var fibre = Phase3Fibre(spectrumNumber: i + 1, fibreID: Int(fibreIDs[i]), slitPosition: Int(slits[i]), root: Int(root[i]),
                                            targetName: targetNames?[i] ?? cname, targetRA: ra?[i] ?? .nan, targetDec: dec?[i] ?? .nan)
                    fibre.state = Int(status[i])
                    fibre.use = Int(use[i])
                    func d(_ k: String) -> Double? { optionalDoubles[k]?[i] }
                    func n(_ k: String) -> Int64? { optionalInts[k]?[i] }
                    fibre.pmRA = d("TRG_PMRA") ?? 0
                    fibre.pmDec = d("TRG_PMDE") ?? 0
                    fibre.parallax = d("TRG_PRLX") ?? 0
                    fibre.epoch = d("TRG_EPOC") ?? 2000
                    fibre.phi = d("FIB_PHI") ?? 0
                    fibre.theta = d("FIB_THET") ?? 0
                    fibre.centroidWavelength = d("TRG_WAV") ?? 0
                    fibre.surveyBits = n("TRG_BIT") ?? 0
                    fibre.priority = Int(n("TRG_PRIO") ?? 1)
                    fibre.ruleset = Int(n("TRG_RLID") ?? 0)
                    fibre.catalogueID = Int(n("TRG_CTID") ?? 0)
                    fibre.magnitudes = ["TRG_BL", "TRG_GR", "TRG_RD"].map { d($0) ?? 0 }
                    fibre.magnitudeErrors = ["TRG_BLER", "TRG_GRER", "TRG_RDER"].map { d($0) ?? 0 }
                    fibre.magnitudeIDs = ["TRG_BLID", "TRG_GRID", "TRG_RDID"].map { Int(n($0) ?? 0) }
                    let targ = target?[i] ?? -1, obj = object?[i] ?? -1
                    out[Int(slits[i])] = FibreTarget(cname: cname, targetID: targ > 0 ? targ : -1, objectUID: obj > 0 ? obj : -1, fibre: fibre)
                }
                return out
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "FIBINFO: \(error)")
        }
    }
}
