import Foundation
import QMostCore
import QMostFITS

/// What a raw frame's FIBINFO table says the pipeline needs: which fibres looked at blank sky (FIB_USE = 3 on an
/// allocated fibre, FIB_ST = 2, the data model's §2 codes) and which carried flux standards with a catalogue
/// magnitude (TRG_CLASS `STANDARD`, TRG_MAG in band TRG_MAGB).
public struct FibreRoles: Sendable, Equatable {
    public struct Standard: Sendable, Equatable {
        public var slitPosition: Int
        public var magnitude: Double
        /// The band's name as FIBINFO gives it, e.g. `SDSS_r`.
        public var band: String
    }

    public var sky: [Int]
    public var standards: [Standard]

    /// The roles in `path`'s FIBINFO; none when the frame has no FIBINFO.
    public static func read(_ path: String) throws(FileProblem) -> FibreRoles {
        do {
            return try withFITSFile(path) { file in
                guard let hdu = try? file.moveTo(extname: "FIBINFO") else { return FibreRoles(sky: [], standards: []) }
                let slit = try file.readColumn("SLIT_POS", hdu: hdu, as: Int32.self).values
                let use = try file.readColumn("FIB_USE", hdu: hdu, as: Int16.self).values
                let status = try file.readColumn("FIB_ST", hdu: hdu, as: Int16.self).values
                let sky = slit.indices.filter { use[$0] == 3 && status[$0] == 2 }.map { Int(slit[$0]) }.sorted()
                var standards: [Standard] = []
                let columns = Set(try file.columnDescriptions(hdu: hdu).map(\.name))
                if columns.isSuperset(of: ["TRG_CLASS", "TRG_MAG", "TRG_MAGB"]) {
                    let cls = try file.readStringColumn("TRG_CLASS", hdu: hdu).values.map { $0.trimmingCharacters(in: .whitespaces) }
                    let mag = try file.readColumn("TRG_MAG", hdu: hdu, as: Float.self).values
                    let band = try file.readStringColumn("TRG_MAGB", hdu: hdu).values.map { $0.trimmingCharacters(in: .whitespaces) }
                    for i in slit.indices where cls[i] == "STANDARD" && status[i] == 2 && mag[i].isFinite {
                        standards.append(Standard(slitPosition: Int(slit[i]), magnitude: Double(mag[i]), band: band[i]))
                    }
                }
                return FibreRoles(sky: sky, standards: standards)
            }
        } catch {
            throw FileProblem(path: path, problem: "FIBINFO: \(error)")
        }
    }
}
