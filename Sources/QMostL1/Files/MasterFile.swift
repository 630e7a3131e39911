import Foundation
import QMostCore
import QMostFITS

/// Writes a master calibration as the seed describes it (9.1.2–9.1.6): a primary HDU with general information
/// and the inputs (PROVn), then per arm an image extension named after the arm with its statistics in the
/// header, its variance (`<ARM>_VAR`) and, for bad-pixel masks, the mask (`<ARM>_BPM`).
public enum MasterFile {
    public static func write(_ path: String, category: String, inputs: [String], arms: [MasterArm],
                             masks: [ArmName: BadPixelMask] = [:]) throws(FileProblem) {
        let temp = (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".part"
        do {
            try withNewFITSFile(temp, overwrite: true) { file in
                var cards: [FITSCard] = [
                    FITSCard(keyword: "ORIGIN", value: .string("qmostd")),
                    FITSCard(keyword: "INSTRUME", value: .string("4MOST")),
                    FITSCard(keyword: "HIERARCH ESO PRO CATG", value: .string(category), comment: "product category"),
                    FITSCard(keyword: "HIERARCH ESO PRO REC1 PIPE ID", value: .string("qmostd/\(QMostVersion.current)")),
                    FITSCard(keyword: "NCOMBINE", value: .int(Int64(inputs.count)), comment: "input frames"),
                ]
                for (i, input) in inputs.enumerated() {
                    cards.append(FITSCard(keyword: "PROV\(i + 1)", value: .string((input as NSString).lastPathComponent), comment: "input frame"))
                }
                try file.appendEmptyPrimary(cards: cards)
                for a in arms {
                    try file.appendImage(a.image.pixels, shape: [a.image.width, a.image.height], cards: a.cards)
                    if let v = a.variance {
                        try file.appendImage(v.pixels, shape: [v.width, v.height], cards: [
                            FITSCard(keyword: "EXTNAME", value: .string("\(a.arm.headerName)_VAR")), FITSCard(keyword: "BUNIT", value: .string("variance")),
                        ])
                    }
                    if let m = masks[a.arm] {
                        try file.appendImage(m.bits, shape: [m.width, m.height], cards: [
                            FITSCard(keyword: "EXTNAME", value: .string("\(a.arm.headerName)_BPM")),
                            .comment("1 low response, 2 high response, 4 hot, 8 zero-level defect"),
                            FITSCard(keyword: "HIERARCH QMOST QC BAD PIXELS", value: .int(Int64(m.flaggedCount))),
                        ])
                    }
                }
                try file.writeChecksums()
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw FileProblem(path: path, problem: "cannot write: \(error)")
        }
        guard rename(temp, path) == 0 else {
            throw FileProblem(path: path, problem: "cannot rename into place: \(String(cString: strerror(errno)))")
        }
    }
}
