import ArgumentParser
import Foundation
import QMostCore
import QMostIngest
import QMostStore

struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets", abstract: "Target catalogues: ingest them, list them, show rejected rows.",
        subcommands: [TargetsIngestCommand.self, TargetsListCommand.self, TargetsRejectsCommand.self])
}

struct TargetsIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load a FITS target catalogue, assign TARG_IDs and link targets into objects (U_OBJ_ID).",
        discussion: """
            Re-ingesting a survey's catalogue keeps the TARG_ID of every NAME it already had; unchanged rows are \
            left alone and changed astrometry is updated. Bad rows are listed and skipped; a catalogue that \
            cannot be read as a whole changes nothing.
            """)

    @OptionGroup var installation: InstallationOptions
    @Argument(help: "The catalogue: a FITS binary table.") var catalogue: String
    @Option(help: "The survey the catalogue belongs to.") var survey: String
    @Option(name: .customLong("column"), help: ArgumentHelp(
        "Override a column name for this file, e.g. --column ra=RA_ICRS (keys as in targets.columns).",
        valueName: "key=NAME"))
    var columnOverrides: [String] = []
    @Option(help: "Rejected rows to print (all are kept; `qmostd targets rejects` lists them).") var showRejects = 20

    func run() throws {
        let (config, repository) = try installation.open()
        let columns = try Self.columns(config.targets.columns, overrides: columnOverrides)
        let path = URL(fileURLWithPath: catalogue).standardizedFileURL.path
        let progress = ProgressLine()
        let outcome: CatalogueOutcome
        do {
            outcome = try TargetCatalogueIngester(configuration: config, repository: repository).ingest(
                path: path, survey: survey, columns: columns) { step in
                switch step {
                case .reading: progress.update("reading \(catalogue)")
                case .read(let rows): progress.update("read", "\(rows) rows")
                case .linking(let mode, let done, let total): progress.update("linking \(mode)", "\(done)/\(total)")
                case .writing(let done, let total): progress.update("writing", "\(done)/\(total)")
                }
            }
        } catch {
            progress.finish()
            throw CLIError("\(error)\nnothing was changed")
        }
        progress.finish()
        if outcome.alreadyIngested {
            print("\(catalogue): already ingested for survey \(survey) as catalogue \(outcome.catalogueID); nothing to do")
            return
        }
        for note in outcome.notes { print("note: \(note)") }
        for r in outcome.rejects.prefix(showRejects) {
            print("\(catalogue) row \(r.row)\(r.name.map { " (\($0))" } ?? ""): \(r.reason)")
        }
        if outcome.rejects.count > showRejects {
            print("... and \(outcome.rejects.count - showRejects) more: qmostd targets rejects \(outcome.catalogueID)")
        }
        for m in outcome.merges.prefix(20) {
            print("merged U_OBJ_ID \(m.absorbed) into \(m.survivor) (bridged by TARG_ID \(m.bridgingTargID))")
        }
        print("""
            catalogue \(outcome.catalogueID) (\(survey)): \(outcome.rows) rows: \(outcome.newTargets) new targets, \
            \(outcome.updatedTargets) updated, \(outcome.unchangedTargets) unchanged, \(outcome.rejects.count) rejected; \
            \(outcome.newObjects) new objects, \(outcome.merges.count) merges \
            (read \(String(format: "%.1f", outcome.timings.read)) s, link \(String(format: "%.1f", outcome.timings.link)) s, \
            write \(String(format: "%.1f", outcome.timings.write)) s)
            """)
    }

    static func columns(_ base: Configuration.Targets.Columns, overrides: [String]) throws -> Configuration.Targets.Columns {
        var c = base
        for o in overrides {
            let parts = o.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else { throw CLIError("--column \(o): expected key=NAME") }
            switch parts[0].lowercased() {
            case "name": c.name = parts[1]
            case "ra": c.ra = parts[1]
            case "dec": c.dec = parts[1]
            case "pmra": c.pmra = parts[1]
            case "pmdec": c.pmdec = parts[1]
            case "epoch": c.epoch = parts[1]
            case "parallax": c.parallax = parts[1]
            case "resolution": c.resolution = parts[1]
            case "mag": c.mag = parts[1]
            case "mag_type": c.magType = parts[1]
            default:
                throw CLIError("--column \(o): unknown key '\(parts[0])' (name, ra, dec, pmra, pmdec, epoch, parallax, resolution, mag, mag_type)")
            }
        }
        return c
    }
}

struct TargetsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the ingested catalogues.")
    @OptionGroup var installation: InstallationOptions
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let (_, repository) = try installation.open()
        let list = try repository.catalogues()
        if json { print(try Output.json(list)); return }
        if list.isEmpty { print("no target catalogues yet: qmostd targets ingest CATALOGUE.fits --survey NAME") }
        for c in list {
            print("""
                \(c.id)  \(Output.time(c.ingestedAt))  \(c.survey)  \(c.originalName)  \(c.rows) rows: \(c.newTargets) new, \
                \(c.updatedTargets) updated, \(c.unchangedTargets) unchanged, \(c.rejectedRows) rejected; \(c.newObjects) new objects, \
                \(c.merges) merges (radius \(c.linkRadiusArcseconds)")  \(c.repoPath)
                """)
        }
    }
}

struct TargetsRejectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rejects", abstract: "List the rows a catalogue did not load.")
    @OptionGroup var installation: InstallationOptions
    @Argument(help: "Catalogue id (see `qmostd targets list`).") var catalogue: Int64
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let (_, repository) = try installation.open()
        guard try repository.catalogues().contains(where: { $0.id == catalogue }) else {
            throw CLIError("no catalogue \(catalogue); see `qmostd targets list`")
        }
        let rejects = try repository.catalogueRejects(catalogueID: catalogue)
        if json { print(try Output.json(rejects)); return }
        for r in rejects { print("row \(r.row)\(r.name.map { " (\($0))" } ?? ""): \(r.reason)") }
    }
}
