import ArgumentParser
import Foundation
import QMostCore
import QMostL2

extension L2Command {
    /// `qmostd l2 rv FILE...`: 4GP radial velocities (seed 10.1.1.2) with the multiplicity check (10.1.1.4).
    struct RadialVelocity: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rv",
            abstract: "4GP radial velocities: CCF with stellar templates of the spectrum's resolution, peak fits, CCF-weighted mean, heliocentric, CCF components.")

        @Argument(help: "L1 files: Phase 3 spectra (PHASE3SPECTRUM) or night containers (SPECTAB).") var files: [String]
        @Option(help: "Folder of redrock templates (rrtemplate-STAR-*.fits are used); default $QMOSTD_TEMPLATES.") var templates: String?
        @Option(help: "Largest |velocity| searched, km/s.") var maxVelocity: Double = 1000
        @Flag(help: "One JSON object per spectrum, one per line.") var json = false

        func run() throws {
            guard maxVelocity > 0, maxVelocity < 30_000 else { throw CLIError("--max-velocity \(maxVelocity): expected 0 < v < 30000 km/s") }
            let pca = try L2Command.templates(from: templates)
            let finder = RadialVelocityFinder(templates: pca, maximumVelocity: maxVelocity)
            guard finder.banks.values.contains(where: { !$0.templates.isEmpty }) else {
                throw CLIError("no stellar templates (rrtemplate-STAR-A/B/F/G/K/M) among the templates read")
            }
            if !json {
                print(L2Command.pad("spectrum", 50) + "     rv(km/s)   err  " + L2Command.pad("template", 8) + "  peak  S/N/px  ncomp  flags")
            }
            try L2Command.forEachSpectrum(files, label: json ? nil : "rv") { spectrum in
                let r = finder.measure(spectrum)
                print(json ? try Self.json(spectrum, r) : Self.line(spectrum, r))
            }
        }

        static func line(_ s: L2Spectrum, _ r: RadialVelocityResult) -> String {
            let label = (s.label as NSString).lastPathComponent
            let peak = r.templates.first { $0.template == r.bestTemplate }?.peak ?? .nan
            let flagNames = r.flags.isEmpty ? "" : "  [\(r.flags.names.joined(separator: ","))]"
            return L2Command.pad(label, 50)
                + String(format: " %12.2f %5.2f  ", r.velocity ?? .nan, r.error ?? .nan) + L2Command.pad(r.bestTemplate ?? "-", 8)
                + String(format: " %5.2f %7.2f %6d %6d", peak, r.medianSNRPerPixel, r.components.count, Int(r.flags.rawValue)) + flagNames
        }

        static func json(_ s: L2Spectrum, _ r: RadialVelocityResult) throws -> String {
            func number(_ x: Double?) -> Any { x.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
            var object: [String: Any] = [
                "file": s.file, "cname": s.cname, "specuid": s.spectrumUID,
                "rv": number(r.velocity), "rv_err": number(r.error), "flags": Int(r.flags.rawValue), "flag_names": r.flags.names,
                "template": r.bestTemplate ?? NSNull(), "components": r.components.map { number($0) },
                "heliocentric_correction": r.heliocentricCorrection, "snr_per_pixel": r.medianSNRPerPixel,
                "usable_pixels": r.usablePixels, "pixels": r.pixels,
                "templates": r.templates.map { ["template": $0.template, "rv": number($0.velocity), "rv_err": number($0.error), "peak": number($0.peak)] },
            ]
            if let row = s.row { object["row"] = row }
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }
}
