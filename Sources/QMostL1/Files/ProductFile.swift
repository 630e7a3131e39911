import Foundation
import QMostCore
import QMostFITS

/// What the L1 product files share: the primary header's general cards and inputs, and the atomic write.
public enum ProductFile {
    /// ORIGIN, INSTRUME, ESO PRO CATG, the pipeline id and one PROVn per input (its file name).
    static func primaryCards(category: String, inputs: [String]) -> [FITSCard] {
        var cards: [FITSCard] = [
            FITSCard(keyword: "ORIGIN", value: .string("qmostd")),
            FITSCard(keyword: "INSTRUME", value: .string("4MOST")),
            FITSCard(keyword: "HIERARCH ESO PRO CATG", value: .string(category), comment: "product category"),
            FITSCard(keyword: "HIERARCH ESO PRO REC1 PIPE ID", value: .string("qmostd/\(QMostVersion.current)")),
        ]
        for (i, input) in inputs.enumerated() {
            cards.append(FITSCard(keyword: "PROV\(i + 1)", value: .string((input as NSString).lastPathComponent), comment: "input frame"))
        }
        return cards
    }

    /// PROV1, PROV2, ... until the first missing one.
    static func inputs(_ primary: FITSHeader) -> [String] {
        var out: [String] = []
        while let p = primary.string("PROV\(out.count + 1)") { out.append(p) }
        return out
    }

    /// Runs `body` on a new FITS file `.name.part` beside `path`, adds checksums and renames it into place; on any
    /// failure the part file is removed and the error names `path`.
    public static func writeAtomically(_ path: String, _ body: (FITSFile) throws -> Void) throws(FileProblem) {
        let folder = (path as NSString).deletingLastPathComponent
        let temp = (folder.isEmpty ? "." : folder) + "/." + (path as NSString).lastPathComponent + ".part"
        do {
            try withNewFITSFile(temp, overwrite: true) { file in
                try body(file)
                try file.writeChecksums()
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw FileProblem(path: path, problem: "cannot write: \(error)")
        }
        try FileProblem.renameIntoPlace(temp, path)
    }
}
