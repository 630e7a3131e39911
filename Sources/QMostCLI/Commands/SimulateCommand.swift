import ArgumentParser
import Foundation
import QMostCore
import QMostSimulator

/// `qmostd simulate`: a night of realistic raw frames from the instrument model, with its truth beside it.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a night of 4MOST raw frames (all calibrations and science OBs) and write its truth.",
        discussion: """
            Each exposure of each spectrograph (LRS-A, LRS-B, HRS) is one multi-extension FITS file named by its
            ARCFILE, QMOST.<ISO time>.fits: an image extension per arm (BLUE, GREEN, RED) with prescan and
            overscan, and a FIBINFO table. Files appear whole (written under a dot name and renamed), so --out
            may be a spool directory. The truth (frames.tsv, instrument_<SPEC>.fits, ob_<OBID>_<SPEC>.fits) goes
            to --truth, which must not lie inside --out. The same seed gives the same night.
            """)

    @Option(help: "The night (YYYY-MM-DD, the date of the local evening).") var night: String
    @Option(help: "Where the raw frames go (e.g. spool/raw).") var out: String
    @Option(help: "Where the truth goes (default: a folder 'truth/<night>' beside --out).") var truth: String?
    @Option(help: "small (1024 x 1024 per arm, 34 fibres) or full (6144 x 6160, 822 fibres).") var scale: String = "small"
    @Option(help: "Random seed; the same seed gives the same frames.") var seed: UInt64 = 1
    @Option(help: "Spectrographs to simulate, comma-separated (LRS-A,LRS-B,HRS).") var spectrographs: String = "LRS-A,LRS-B,HRS"
    @Option(help: "A folder of measured instrument curves (efficiency_4most.fits, sky_model_*.fits, sky_transmission.fits, LR_resolution_*.fits).")
    var instrumentData: String?
    @Option(help: "A folder of 4FS-format templates (names with LRG, ELG, QSO/quasar/AGN) for half the galaxies and quasars.")
    var templates: String?
    @Option(help: "Observe again the fields and targets of this earlier night (YYYY-MM-DD) simulated with the same seed.")
    var revisit: String?
    @Option(help: "Inject a fault for QA tests (repeatable): wavelength-shift:<ARM>:<Angstrom> moves the science exposures' wavelengths on an arm against the arcs; sky-star:<slit position> puts a star in a sky fibre.")
    var fault: [String] = []

    func run() throws {
        guard let n = Night(night) else { throw CLIError("--night \(night): expected YYYY-MM-DD") }
        guard let s = SimulationScale(rawValue: scale) else { throw CLIError("--scale \(scale): expected small or full") }
        var chosen: [SpectrographName] = []
        for name in spectrographs.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let sp = SpectrographName(rawValue: name.uppercased()) else {
                throw CLIError("--spectrographs: '\(name)' is not one of LRS-A, LRS-B, HRS")
            }
            if !chosen.contains(sp) { chosen.append(sp) }
        }
        guard !chosen.isEmpty else { throw CLIError("--spectrographs: name at least one of LRS-A, LRS-B, HRS") }
        var base = InstrumentModel.default
        if let dir = instrumentData {
            do { base = InstrumentModel(measured: try MeasuredCurvesLoader.load(directory: dir)) } catch { throw CLIError("\(error)") }
        }
        var sources: SourceTemplates?
        if let dir = templates {
            do { sources = try SourceTemplates.load(directory: dir) } catch { throw CLIError("\(error)") }
        }
        let truthDir = truth ?? ((((out as NSString).standardizingPath as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("truth") as NSString).appendingPathComponent(n.iso)
        var revisited: Night?
        if let revisit {
            guard let r = Night(revisit), r < n else { throw CLIError("--revisit \(revisit): expected a YYYY-MM-DD night before --night \(n.iso)") }
            revisited = r
        }
        var faults = SimulatedFaults()
        for f in fault where !faults.add(f) {
            throw CLIError("--fault \(f): expected wavelength-shift:<BLUE|GREEN|RED>:<Angstrom> or sky-star:<slit position>")
        }
        let simulator = NightSimulator(night: n, scale: s, seed: seed, base: base, spectrographs: chosen, templates: sources, revisiting: revisited,
                                       faults: faults)
        let progress = ProgressLine()
        let summary: NightSimulator.Summary
        do {
            summary = try simulator.run(frames: out, truth: truthDir) { done, total, frame in
                progress.update("simulate", "[\(done)/\(total)] \(frame.exposure.kind.rawValue) \(frame.spectrograph) \(frame.fileName)")
            }
        } catch {
            progress.finish()
            throw CLIError("\(error)")
        }
        progress.finish()
        print(String(format: "simulated %d files (%.1f MB) for night %@ at %@ scale in %.1f s",
                     summary.frames.count, Double(summary.bytes) / 1e6, n.iso, s.rawValue, summary.seconds))
        print("frames: \(out)")
        print("truth:  \(truthDir)")
    }
}
