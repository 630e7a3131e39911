import Foundation
import QMostCore
import QMostFITS

/// Writes a master calibration as the seed describes it (9.1.2–9.1.6): a primary HDU with general information
/// and the inputs (PROVn), then per arm an image extension named after the arm with its statistics in the
/// header, its variance (`<ARM>_VAR`) and, for bad-pixel masks, the mask (`<ARM>_BPM`).
public enum MasterFile {
    public static func write(_ path: String, category: String, inputs: [String], arms: [MasterArm],
                             masks: [ArmName: BadPixelMask] = [:]) throws(FileProblem) {
        try ProductFile.writeAtomically(path) { file in
            var cards = ProductFile.primaryCards(category: category, inputs: inputs)
            cards.insert(FITSCard(keyword: "NCOMBINE", value: .int(Int64(inputs.count)), comment: "input frames"), at: 4)
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
                        .comment("1 low response, 2 high response, 4 hot, 8 zero-level defect, 16 cosmic ray"),
                        FITSCard(keyword: "HIERARCH QMOST QC BAD PIXELS", value: .int(Int64(m.flaggedCount))),
                    ])
                }
            }
        }
    }
}
