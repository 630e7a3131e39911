import Foundation
import QMostCore

/// 4FS-format template files (the SDSS stacks and composites of `../shared/data/4most/templates`) to place in
/// fibres instead of the analytic models, by the class their file name names: `LRG` passive galaxies, `ELG`
/// emission-line galaxies, `QSO`, `quasar` or `AGN` quasars.
public struct SourceTemplates: Sendable, Equatable {
    /// One template: its rest-frame spectrum (vacuum) and the file it came from.
    public struct Template: Sendable, Equatable {
        public var name: String
        public var kind: SourceKind
        public var spectrum: Spectrum
    }

    public var templates: [Template]

    public init(templates: [Template]) { self.templates = templates }

    /// Every `*.fits` template in `directory`; a file that does not read, or whose class the name does not tell,
    /// is an error naming it.
    public static func load(directory: String) throws(FileProblem) -> SourceTemplates {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.lowercased().hasSuffix(".fits") }.sorted()
        } catch {
            throw FileProblem(path: directory, problem: "cannot list the templates: \(error.localizedDescription)")
        }
        guard !names.isEmpty else { throw FileProblem(path: directory, problem: "no .fits template files") }
        var templates: [Template] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let kind = kind(ofFileName: name) else {
                throw FileProblem(path: path, problem: "the name says neither LRG, ELG nor QSO/quasar/AGN, so the template's class is unknown")
            }
            do {
                templates.append(Template(name: name, kind: kind, spectrum: try TemplateFile.read(path).spectrum))
            } catch {
                throw FileProblem(path: path, problem: "\(error)")
            }
        }
        return SourceTemplates(templates: templates)
    }

    /// The class a template's file name names.
    public static func kind(ofFileName name: String) -> SourceKind? {
        let n = name.uppercased()
        if n.contains("LRG") { return .passiveGalaxy }
        if n.contains("ELG") { return .emissionLineGalaxy }
        if n.contains("QSO") || n.contains("QUASAR") || n.contains("AGN") { return .qso }
        return nil
    }

    /// The templates of `kind`.
    public func of(_ kind: SourceKind) -> [Template] { templates.filter { $0.kind == kind } }

    /// The redshifts at which `template` covers both the observed `range` and the normalisation band.
    public static func redshifts(for template: Template, covering range: ClosedRange<Double>, band: Bandpass) -> ClosedRange<Double>? {
        // Observed wavelengths are air; the template is vacuum: 0.3% of margin covers the difference.
        let lo = min(range.lowerBound, band.transmittingRange.lowerBound) * 0.997
        let hi = max(range.upperBound, band.transmittingRange.upperBound) * 1.003
        let t = template.spectrum.range
        let zMin = max(0, hi / t.upperBound - 1), zMax = lo / t.lowerBound - 1
        return zMin <= zMax ? zMin...zMax : nil
    }
}
