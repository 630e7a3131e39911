import Foundation
import QMostCore
import QMostFITS
import QMostL1

/// The `qa` module's work on one reduced exposure (seed 9.2.1): each arm of its L1 spectra file measured
/// (``ArmQualityMeasurement``) with FIBINFO and the field centre from its raw frame, then written as the text table
/// of Figure 7, the same numbers as JSON, and the six diagnostic plots of Table 1 as SVG.
public enum ExposureQuality {
    /// The QA of every arm of the L1 spectra file `spectra`, reduced from the raw frame `raw`.
    public static func measure(spectra path: String, raw: String, spectrograph: String,
                               measurement: ArmQualityMeasurement = ArmQualityMeasurement()) throws(FileProblem) -> (arms: [ArmQuality], fieldRA: Double, fieldDec: Double) {
        let file = try SpectraFileRows(path)
        let (fibres, ra, dec) = try fibinfo(raw)
        var arms: [ArmQuality] = []
        for arm in ArmName.allCases where file.grids[arm] != nil {
            guard let (spectra, unsubtracted) = try file.read(arm: arm, rows: 0..<file.slitPositions.count) else { continue }
            let input = ArmQualityInput(spectrograph: spectrograph, arm: arm, spectra: spectra, unsubtracted: unsubtracted,
                                        fibres: spectra.slitPositions.map { fibres[$0] }, fieldRA: ra, fieldDec: dec,
                                        fluxCalibrated: file.isFluxCalibrated)
            arms.append(measurement.measure(input))
        }
        guard !arms.isEmpty else { throw FileProblem(path: path, problem: "no arm to assess") }
        return (arms, ra, dec)
    }

    /// Writes `<base>_<ARM>_qa.txt`, `<base>_<ARM>_qa.json` and `<base>_<ARM>_<plot>.svg` for each arm into `folder`
    /// (each atomically); returns the paths written.
    public static func write(_ arms: [ArmQuality], fieldRA: Double, fieldDec: Double, base: String, category: String = "SCIENCE",
                             into folder: String) throws(FileProblem) -> [String] {
        var written: [String] = []
        let encoder = QualityJSON.encoder
        for q in arms {
            let stem = "\(folder)/\(base)_\(q.arm)"
            let json: Data
            do { json = try encoder.encode(q) } catch { throw FileProblem(path: "\(stem)_qa.json", problem: "\(error)") }
            try writeAtomically("\(stem)_qa.txt", Data(QualityTableText.render(q, category: category).utf8))
            try writeAtomically("\(stem)_qa.json", json)
            written += ["\(stem)_qa.txt", "\(stem)_qa.json"]
            for (name, svg) in DiagnosticPlots.render(q, fieldRA: fieldRA, fieldDec: fieldDec).sorted(by: { $0.key < $1.key }) {
                try writeAtomically("\(stem)_\(name).svg", Data(svg.utf8))
                written.append("\(stem)_\(name).svg")
            }
        }
        return written
    }

    /// Reads back the JSON ``write(_:fieldRA:fieldDec:base:category:into:)`` made.
    public static func read(json path: String) throws(FileProblem) -> ArmQuality {
        let decoder = QualityJSON.decoder
        do {
            return try decoder.decode(ArmQuality.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw FileProblem(path: path, problem: "not a QA table: \(error)")
        }
    }

    static func writeAtomically(_ path: String, _ data: Data) throws(FileProblem) {
        let temp = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("." + (path as NSString).lastPathComponent + ".part")
        do {
            try data.write(to: URL(fileURLWithPath: temp))
        } catch {
            throw FileProblem(path: path, problem: "cannot write: \(error.localizedDescription)")
        }
        try FileProblem.renameIntoPlace(temp, path)
    }

    /// FIBINFO per slit position, and the field centre (primary RA, DEC).
    static func fibinfo(_ raw: String) throws(FileProblem) -> ([Int: QAFibre], Double, Double) {
        do {
            return try withFITSFile(raw) { file in
                let primary = try file.header(hdu: 0)
                let ra = primary.double("RA") ?? .nan, dec = primary.double("DEC") ?? .nan
                guard let hdu = try? file.moveTo(extname: "FIBINFO") else { return ([:], ra, dec) }
                let names = Set(try file.columnDescriptions(hdu: hdu).map { $0.name.uppercased() })
                func ints(_ n: String) throws -> [Int64]? { names.contains(n) ? try file.readColumn(n, hdu: hdu, as: Int64.self).values : nil }
                func doubles(_ n: String) throws -> [Double]? { names.contains(n) ? try file.readColumn(n, hdu: hdu, as: Double.self).values : nil }
                func strings(_ n: String) throws -> [String]? {
                    names.contains(n) ? try file.readStringColumn(n, hdu: hdu).values.map { $0.trimmingCharacters(in: .whitespaces) } : nil
                }
                guard let slits = try ints("SLIT_POS"), let ids = try ints("FIB_ID") else {
                    throw FileProblem(path: raw, problem: "FIBINFO lacks SLIT_POS or FIB_ID")
                }
                let use = try ints("FIB_USE"), status = try ints("FIB_ST"), cls = try strings("TRG_CLASS")
                let mag = try doubles("TRG_MAG"), band = try strings("TRG_MAGB"), tra = try doubles("TRG_RA"), tdec = try doubles("TRG_DEC")
                var out: [Int: QAFibre] = [:]
                for i in slits.indices where (status?[i] ?? 2) == 2 {
                    let m = mag?[i]
                    out[Int(slits[i])] = QAFibre(slitPosition: Int(slits[i]), fibreID: Int(ids[i]), use: Int(use?[i] ?? 1),
                                                 isStandard: cls?[i] == "STANDARD", magnitude: m.flatMap { $0.isFinite && $0 > 0 ? $0 : nil },
                                                 band: band?[i], ra: tra?[i] ?? .nan, dec: tdec?[i] ?? .nan)
                }
                return (out, ra, dec)
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: raw, problem: "FIBINFO: \(error)")
        }
    }
}
