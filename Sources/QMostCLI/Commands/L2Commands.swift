import ArgumentParser
import Foundation
import QMostCore
import QMostL2

/// `qmostd l2`: the L2 modules run by hand on any L1 files, for astronomers checking their own spectra.
struct L2Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "l2", abstract: "Run an L2 module on L1 files (Phase 3 spectra, joined or per arm, and night containers).",
        subcommands: [Redshift.self, RadialVelocity.self])

    /// The redrock templates in `dir` (or `$QMOSTD_TEMPLATES`).
    static func templates(from dir: String?) throws -> [PCATemplate] {
        guard let dir = dir ?? ProcessInfo.processInfo.environment["QMOSTD_TEMPLATES"] else {
            throw CLIError("no templates: pass --templates DIR (a folder of redrock rrtemplate-*.fits) or set QMOSTD_TEMPLATES")
        }
        do { return try RedrockTemplateFile.readAll(directory: dir) } catch { throw CLIError("\(error)") }
    }

    /// Calls `body` with every spectrum of `files` in order; night containers are read a batch at a time (a whole
    /// night does not fit in memory), with progress on stderr under `label` when one is given.
    static func forEachSpectrum(_ files: [String], label: String?, _ body: (L2Spectrum) throws -> Void) throws {
        var done = 0
        for file in files {
            do {
                try L2SpectrumReader.forEachBatch(file) { batch in
                    for spectrum in batch { try body(spectrum) }
                    done += batch.count
                    if let label, batch.count > 1 {
                        FileHandle.standardError.write(Data("\(label): \(done) spectra measured\n".utf8))
                    }
                }
            } catch {
                throw CLIError(error.description)
            }
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `qmostd l2 redshift FILE...`: 4XP-Z (seed 10.2.1.2.3).
    struct Redshift: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "redshift",
            abstract: "4XP-Z redshifts: CCF peaks of PCA templates refined by chi-square, best solution, four alternatives, flags.")

        @Argument(help: "L1 files: Phase 3 spectra (PHASE3SPECTRUM) or night containers (SPECTAB).") var files: [String]
        @Option(help: "Folder of redrock templates (rrtemplate-*.fits); default $QMOSTD_TEMPLATES.") var templates: String?
        @Option(help: "A Gaussian redshift prior (a photometric redshift) as MEAN:SIGMA.") var prior: String?
        @Flag(help: "One JSON object per spectrum, one per line.") var json = false

        func run() throws {
            let finder = RedshiftFinder(templates: try L2Command.templates(from: templates))
            var redshiftPrior: RedshiftPrior?
            if let prior {
                let parts = prior.split(separator: ":").compactMap { Double($0) }
                guard parts.count == 2, parts[1] > 0 else { throw CLIError("--prior \(prior): expected MEAN:SIGMA with SIGMA > 0") }
                redshiftPrior = RedshiftPrior(mean: parts[0], sigma: parts[1])
            }
            if !json {
                print(L2Command.pad("spectrum", 50) + "         z      zerr " + L2Command.pad("template", 9) + "  S/N/A   dchi2  flags  alternatives")
            }
            try L2Command.forEachSpectrum(files, label: json ? nil : "redshift") { spectrum in
                let r = finder.measure(spectrum, prior: redshiftPrior)
                print(json ? try Self.json(spectrum, r) : Self.line(spectrum, r))
            }
        }


        static func line(_ s: L2Spectrum, _ r: RedshiftResult) -> String {
            let label = (s.label as NSString).lastPathComponent
            let alternatives = r.alternatives.map { "\($0.spectralClass.rawValue) " + String(format: "%.5f (%.2f)", $0.redshift, $0.confidence) }
            let flagNames = r.flags.isEmpty ? "" : "  [\(r.flags.names.joined(separator: ","))]"
            guard let b = r.best else {
                return L2Command.pad(label, 50) + "         -         - " + L2Command.pad("-", 9) + String(format: " %6.2f       - %6d", s.perAngstrom(r.medianSNRPerPixel), Int(r.flags.rawValue)) + flagNames
            }
            return L2Command.pad(label, 50) + String(format: " %9.6f %9.2g ", b.redshift, b.error) + L2Command.pad(b.template, 9)
                + String(format: " %6.2f %7.1f %6d  ", s.perAngstrom(r.medianSNRPerPixel), r.deltaChiSquare, Int(r.flags.rawValue))
                + alternatives.joined(separator: "; ") + flagNames
        }

        static func json(_ s: L2Spectrum, _ r: RedshiftResult) throws -> String {
            func number(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
            func solution(_ x: RedshiftSolution) -> [String: Any] {
                ["z": x.redshift, "zerr": number(x.error), "class": x.spectralClass.rawValue, "subtype": x.subtype, "template": x.template,
                 "chi2": x.chiSquare, "rchi2": x.reducedChiSquare, "ccf_sigma": number(x.correlationSignificance), "confidence": x.confidence]
            }
            var object: [String: Any] = [
                "file": s.file, "cname": s.cname, "specuid": s.spectrumUID,
                "z": number(r.best?.redshift ?? .nan), "zerr": number(r.best?.error ?? .nan),
                "class": r.best?.spectralClass.rawValue ?? NSNull(), "subtype": r.best?.subtype ?? NSNull(),
                "confidence": number(r.best?.confidence ?? .nan), "deltachi2": number(r.deltaChiSquare),
                "flags": Int(r.flags.rawValue), "flag_names": r.flags.names,
                "snr_per_pixel": r.medianSNRPerPixel, "bad_pixels": r.badPixels, "pixels": r.pixels,
                "alternatives": r.alternatives.map(solution),
            ]
            if let row = s.row { object["row"] = row }
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }
}
