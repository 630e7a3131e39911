import Foundation
import QMostCore
import QMostFITS

/// Which fibres of a raw frame looked at blank sky: its FIBINFO table's FIB_USE = 3 (sky) on an allocated fibre
/// (FIB_ST = 2), the data model's §2 codes.
public enum SkyFibres {
    public static func slitPositions(in path: String) throws(FileProblem) -> [Int] {
        do {
            return try withFITSFile(path) { file in
                guard let hdu = try? file.moveTo(extname: "FIBINFO") else { return [] }
                let slit = try file.readColumn("SLIT_POS", hdu: hdu, as: Int32.self).values
                let use = try file.readColumn("FIB_USE", hdu: hdu, as: Int16.self).values
                let status = try file.readColumn("FIB_ST", hdu: hdu, as: Int16.self).values
                return slit.indices.filter { use[$0] == 3 && status[$0] == 2 }.map { Int(slit[$0]) }.sorted()
            }
        } catch {
            throw FileProblem(path: path, problem: "FIBINFO: \(error)")
        }
    }
}
