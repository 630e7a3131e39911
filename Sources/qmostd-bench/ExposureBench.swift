import Foundation
import QMostCore
import QMostL1
import QMostSimulator

/// Issue 6's figure: one exposure of all nine arms (LRS-A, LRS-B, HRS) from raw frames to Phase 3 products. A
/// night with the fewest calibration frames each master needs is simulated; every spectrograph's masters are made
/// in one child process (not timed); a second child then reduces the three raw science frames (detector
/// corrections to flux calibration) and writes the OB's Phase 3 files, and prints its wall time and peak RSS.
struct ExposureBench {
    let quick: Bool

    static let counts = NightPlan.Counts(biases: 2, darks: 1, ledLevels: [8000, 45000], fibreFlats: 1, arcs: 1, fabryPerots: 1,
                                         twilightFlats: 1, blockExposures: [1], scienceExposureTime: 1200, darkTime: 1200)

    func run(in dir: String) throws -> [BenchResult] {
        let scale: SimulationScale = quick ? .small : .full
        let simulator = NightSimulator(night: Night("2026-11-20")!, scale: scale, seed: 12, counts: Self.counts)
        print("exposure: simulating \(simulator.fileCount) \(scale.rawValue) frames of LRS-A, LRS-B and HRS ...")
        let summary = try simulator.run(frames: "\(dir)/raw", truth: "\(dir)/truth")
        var byKind: [String: [String]] = [:]
        for f in summary.frames { byKind["\(f.spectrograph.rawValue)/\(f.exposure.kind.rawValue)", default: []].append("\(dir)/raw/\(f.fileName)") }
        try JSONSerialization.data(withJSONObject: byKind, options: [.sortedKeys]).write(to: URL(fileURLWithPath: "\(dir)/frames.json"))
        let masters = try L1Bench.child(["exposure-masters", dir], pinned: false)
        print(masters.output, terminator: "")
        let exposure = try L1Bench.child(["exposure", dir], pinned: false)
        print(exposure.output, terminator: "")
        guard let seconds = exposure.figures["seconds"], let rss = exposure.figures["rss_mb"] else {
            throw BenchFailure("the exposure child printed no figures: \(exposure.output)")
        }
        return [
            BenchResult(name: "l1: one \(scale.rawValue) exposure, 9 arms, raw to Phase 3", value: seconds, unit: "s", target: 300, lowerIsBetter: true),
            BenchResult(name: "l1: that exposure's peak RSS", value: rss, unit: "MB", target: 2000, lowerIsBetter: true),
        ]
    }
}

/// The exposure bench's children: `exposure-masters DIR` makes each spectrograph's six masters into
/// DIR/masters/<spectrograph>/; `exposure DIR` reduces the science frames with them and writes the Phase 3 files.
enum ExposureBenchChild {
    static func run(_ args: [String]) throws {
        let dir = args[1]
        let frames = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/frames.json"))) as! [String: [String]]
        let spectrographs = SpectrographName.allCases.filter { frames["\($0.rawValue)/science"] != nil }
        func path(_ s: SpectrographName, _ k: CalibrationKind) -> String { "\(dir)/masters/\(s.rawValue)/\(k.rawValue).fits" }
        switch args[0] {
        case "exposure-masters":
            for s in spectrographs {
                try FileManager.default.createDirectory(atPath: "\(dir)/masters/\(s.rawValue)", withIntermediateDirectories: true)
                var made: [CalibrationKind: String] = [:]
                for kind in CalibrationKind.allCases {
                    let inputs = kind.sourceKinds.flatMap { k in (frames["\(s.rawValue)/\(k.rawValue)"] ?? []).map { ($0, k.rawValue) } }
                    let seconds = try measure {
                        _ = try MasterMaking.make(kind, frames: inputs.map(\.0), frameKinds: inputs.map(\.1),
                                                  prerequisites: made.filter { kind.prerequisites.contains($0.key) }, to: path(s, kind))
                    }
                    made[kind] = path(s, kind)
                    print(String(format: "exposure: %@ master %@ from %d frame(s) in %.1f s", s.rawValue, kind.rawValue, inputs.count, seconds))
                }
            }
        case "exposure":
            let start = DispatchTime.now().uptimeNanoseconds
            let out = "\(dir)/products"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var files = 0, targets = 0
            var reduceSeconds = 0.0
            for s in spectrographs {
                let raw = frames["\(s.rawValue)/science"]![0]
                let calibrations = Dictionary(uniqueKeysWithValues: CalibrationKind.allCases.map { ($0, path(s, $0)) })
                let used = CalibrationKind.allCases.map { UsedCalibration(kind: $0.rawValue, file: path(s, $0), tier: "same_night") }
                let spectra = "\(out)/\(s.rawValue)_L1.fits"
                let t0 = DispatchTime.now().uptimeNanoseconds
                let summary = try ScienceReduction.reduce(raw, calibrations: calibrations, used: used, to: spectra)
                let reduced = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                reduceSeconds += reduced
                let exposure = ObservingBlockProducts.Exposure(raw: raw, spectra: spectra, wavelengthSolutions: path(s, .wave),
                                                               traces: path(s, .trace), fibreFlat: path(s, .fibreFlatField))
                let t1 = DispatchTime.now().uptimeNanoseconds
                let plan = try ObservingBlockProducts.plan(night: Night("2026-11-20")!, obID: 1, exposures: [exposure])
                var next: Int64 = 0
                let written = try ObservingBlockProducts.write(plan, identity: { _, _ in
                    next += 1
                    return ObservingBlockProducts.Identity(specuid: 5_000_000_000_000 + next, provenance: "")
                }, into: out)
                let products = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
                files += written.count
                targets += plan.targets.count
                print(String(format: "exposure: %@ reduced in %.1f s (%@); %d Phase 3 files for %d targets in %.1f s",
                             s.rawValue, reduced, summary, written.count, plan.targets.count, products))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let usage = ProcessUsage.current()
            let cpu = usage.cpuSeconds, rss = usage.peakResidentMegabytes
            print(String(format: "exposure: 9 arms raw to %d Phase 3 files (%d targets) in %.1f s (%.1f s reducing), %.1f s CPU, peak RSS %.0f MB",
                         files, targets, seconds, reduceSeconds, cpu, rss))
            print("figure: seconds \(seconds)")
            print("figure: rss_mb \(rss)")
        default:
            throw BenchFailure("unknown exposure child mode \(args[0])")
        }
    }
}
