import ArgumentParser
import Foundation
import QMostCore
import QMostStore

struct IdsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ids",
        abstract: "Resolve a TARG_ID, U_OBJ_ID, CNAME, IAU name, SPECUID or SPECUID_P to all the others.")

    @OptionGroup var installation: InstallationOptions
    @Argument(help: "The identifier, e.g. 1000000000042, 20562750-4111449 or \"4MOST J12290568+0512035\".")
    var identifier: [String]
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let text = identifier.joined(separator: " ")
        guard let query = IdentifierQuery(text) else {
            throw CLIError("""
                '\(text)' is not an identifier: expected a TARG_ID (1…), U_OBJ_ID (2… LR, 3… HR) or SPECUID (5…) of 13 \
                digits, a SPECUID_P, a CNAME like 20562750-4111449 or an IAU name like "4MOST J12290568+0512035"
                """)
        }
        let (_, repository) = try installation.open()
        let report = try repository.resolve(query, text: text)
        if json {
            print(try Output.json(report))
        } else {
            print(IdentifierText.report(report))
        }
        if report.isEmpty { throw ExitCode(1) }
    }
}

struct ConeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cone", abstract: "List objects, targets and spectra within a radius of a position (epoch 2016.0).")

    @OptionGroup var installation: InstallationOptions
    // Taken as raw words so that a southern declination such as -41.2 is not mistaken for an option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("RA [deg], Dec [deg] (ICRS) and radius [arcsec].", valueName: "RA DEC RADIUS"))
    var position: [String]
    @Option(help: "At most this many of each kind.") var limit = 1000
    @Flag(help: "JSON output.") var json = false

    var ra: Double { Double(position[0])! }
    var dec: Double { Double(position[1])! }
    var radius: Double { Double(position[2])! }

    func validate() throws {
        guard position.count == 3, position.allSatisfy({ Double($0) != nil }) else {
            throw ValidationError("expected RA DEC RADIUS as three numbers (degrees, degrees, arcseconds); got '\(position.joined(separator: " "))'")
        }
        guard ra.isFinite, ra >= 0, ra < 360 else { throw ValidationError("RA \(ra) is not in [0, 360) deg") }
        guard dec.isFinite, dec >= -90, dec <= 90 else { throw ValidationError("Dec \(dec) is not in [-90, 90] deg") }
        guard radius.isFinite, radius > 0, radius <= 36_000 else { throw ValidationError("radius \(radius) must be in (0, 36000] arcsec") }
    }

    func run() throws {
        let (_, repository) = try installation.open()
        let report = try repository.cone(centre: SkyPosition(ra: ra, dec: dec), radiusArcsec: radius, limit: limit)
        if json { print(try Output.json(report)); return }
        print("cone RA \(ra) Dec \(dec) radius \(radius)\": \(report.objects.count) objects, \(report.targets.count) targets, \(report.spectra.count) spectra")
        for o in report.objects { print(IdentifierText.object(o)) }
        for t in report.targets { print(IdentifierText.target(t)) }
        for s in report.spectra { print(IdentifierText.spectrum(s)) }
    }
}

/// Plain-text renderings shared by `ids` and `cone`.
enum IdentifierText {
    static func report(_ r: IdentifierReport) -> String {
        var lines: [String] = []
        if r.isEmpty { return "\(r.query) (\(r.matchedAs)): not known in this installation" }
        lines.append("\(r.query) read as \(r.matchedAs)")
        for o in r.objects { lines.append(object(o)) }
        for m in r.merges {
            lines.append("  merge: U_OBJ_ID \(m.absorbed) -> \(m.survivor), bridged by TARG_ID \(m.bridgingTargID) in catalogue \(m.catalogueID) at \(Output.time(m.at))")
        }
        for t in r.targets { lines.append(target(t)) }
        for s in r.spectra { lines.append(spectrum(s)) }
        for f in r.fibres {
            lines.append("  FIBINFO: \(f.exposure) night \(f.night ?? "?") fibre \(f.fibre) TARG_ID \(f.targID.map(String.init) ?? "-") U_OBJ_ID \(f.uObjID.map(String.init) ?? "-")")
        }
        return lines.joined(separator: "\n")
    }

    static func separation(_ s: Double?) -> String { s.map { String(format: " at %.3f\"", $0) } ?? "" }

    static func object(_ o: ObjectView) -> String {
        let merged = o.mergedInto.map { " MERGED into \($0)" } ?? ""
        return "U_OBJ_ID \(o.uObjID) \(o.resolution) \(o.cname) \"\(o.iauName)\" RA \(String(format: "%.7f", o.ra)) Dec \(String(format: "%+.7f", o.dec))"
            + "\(separation(o.separationArcsec)); founded by TARG_ID \(o.founderTargID) (catalogue \(o.catalogueID), \(Output.time(o.createdAt)))"
            + "; targets \(o.targets.map(String.init).joined(separator: ","))\(merged)"
    }

    static func target(_ t: TargetView) -> String {
        let moved = t.firstUObjID != t.uObjID ? " (first linked to \(t.firstUObjID))" : ""
        let updated = t.updatedByCatalogueID.map { ", updated by catalogue \($0)" } ?? ""
        return "TARG_ID \(t.targID) \(t.survey)/\(t.name) \(t.resolution) CNAME \(t.cname) RA \(String(format: "%.7f", t.ra)) Dec \(String(format: "%+.7f", t.dec))"
            + " epoch \(t.epoch) PM \(t.pmra),\(t.pmdec) mas/yr\(separation(t.separationArcsec)) -> U_OBJ_ID \(t.uObjID)\(moved)"
            + "; from catalogue \(t.catalogueID) \(t.catalogueFile) (\(Output.time(t.ingestedAt)))\(updated)"
    }

    static func spectrum(_ s: SpectrumView) -> String {
        "SPECUID \(s.specuid) \(s.specuidP): fibre \(s.fibre.map(String.init) ?? "-") of \(s.exposure ?? "stack of \(s.inputs.count)")"
            + " TARG_ID \(s.targID.map(String.init) ?? "-") U_OBJ_ID \(s.uObjID.map(String.init) ?? "-")\(s.product.map { " in \($0)" } ?? "")"
    }
}
