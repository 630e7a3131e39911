import Foundation
import QMostCore
import QMostL1
import QMostQA
import QMostSimulator

/// Issue 6's and 7's figures. A night with the fewest calibration frames each master needs and a full night's
/// science (two OBs of three and two exposures, all nine arms: LRS-A, LRS-B, HRS) is simulated; every
/// spectrograph's masters are made in one child process (not timed). A second child reduces the first exposure of
/// each spectrograph (detector corrections to flux calibration) and writes its Phase 3 files: the time for one
/// full-size exposure from raw to Phase 3. A third reduces the night's other exposures (printed, not a figure); a
/// fourth runs qa and qa_analyse on all of them: the time for a full-size night's QA.
struct ExposureBench {
    let quick: Bool

    static let counts = NightPlan.Counts(biases: 2, darks: 1, ledLevels: [8000, 45000], fibreFlats: 1, arcs: 1, fabryPerots: 1,
                                         twilightFlats: 1, blockExposures: [3, 2], scienceExposureTime: 1200, darkTime: 1200)

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
        let rest = try L1Bench.child(["exposure-rest", dir], pinned: false)
        print(rest.output, terminator: "")
        let qa = try L1Bench.child(["exposure-qa", dir], pinned: false)
        print(qa.output, terminator: "")
        guard let qaSeconds = qa.figures["seconds"], let qaRSS = qa.figures["rss_mb"] else {
            throw BenchFailure("the qa child printed no figures: \(qa.output)")
        }
        return [
            BenchResult(name: "l1: one \(scale.rawValue) exposure, 9 arms, raw to Phase 3", value: seconds, unit: "s", target: 300, lowerIsBetter: true),
            BenchResult(name: "l1: that exposure's peak RSS", value: rss, unit: "MB", target: 2000, lowerIsBetter: true),
            BenchResult(name: "qa + qa_analyse: a \(scale.rawValue) night (\(Int(qa.figures["exposures"] ?? 0)) exposures)", value: qaSeconds, unit: "s",
                        target: 1800, lowerIsBetter: true),
            BenchResult(name: "qa: peak RSS", value: qaRSS, unit: "MB", target: 2000, lowerIsBetter: true),
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
        func calibrations(_ s: SpectrographName) -> [CalibrationKind: String] { Dictionary(uniqueKeysWithValues: CalibrationKind.allCases.map { ($0, path(s, $0)) }) }
        func used(_ s: SpectrographName) -> [UsedCalibration] { CalibrationKind.allCases.map { UsedCalibration(kind: $0.rawValue, file: path(s, $0), tier: "same_night") } }
        func spectraPath(_ raw: String) -> String { "\(dir)/products/\(((raw as NSString).lastPathComponent as NSString).deletingPathExtension)_L1.fits" }
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
        case "exposure-remake":
            // `exposure-remake DIR SPECTROGRAPH KIND...`: remakes some of one spectrograph's masters from the others
            // (to try an L1 change on a full-size night without making all of them again).
            guard args.count >= 4, let s = SpectrographName(rawValue: args[2]) else { throw BenchFailure("exposure-remake DIR SPECTROGRAPH KIND...") }
            for name in args[3...] {
                guard let kind = CalibrationKind(rawValue: name) else { throw BenchFailure("no calibration kind \(name)") }
                let inputs = kind.sourceKinds.flatMap { k in (frames["\(s.rawValue)/\(k.rawValue)"] ?? []).map { ($0, k.rawValue) } }
                let made = Dictionary(uniqueKeysWithValues: kind.prerequisites.map { ($0, path(s, $0)) })
                let seconds = try measure {
                    _ = try MasterMaking.make(kind, frames: inputs.map(\.0), frameKinds: inputs.map(\.1), prerequisites: made, to: path(s, kind))
                }
                print(String(format: "exposure: %@ master %@ remade in %.1f s", s.rawValue, kind.rawValue, seconds))
            }
            for raw in frames["\(s.rawValue)/science"] ?? [] {
                let seconds = try measure { _ = try ScienceReduction.reduce(raw, calibrations: calibrations(s), used: used(s), to: spectraPath(raw)) }
                print(String(format: "exposure: %@ reduced in %.1f s", (raw as NSString).lastPathComponent, seconds))
            }
        case "exposure-rest":
            let start = DispatchTime.now().uptimeNanoseconds
            var count = 0
            for s in spectrographs {
                for raw in frames["\(s.rawValue)/science"]!.sorted().dropFirst() {
                    _ = try ScienceReduction.reduce(raw, calibrations: calibrations(s), used: used(s), to: spectraPath(raw))
                    count += 1
                }
            }
            print(String(format: "exposure: the night's other %d exposures reduced in %.1f s", count, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        case "exposure-qa":
            let start = DispatchTime.now().uptimeNanoseconds
            let folder = "\(dir)/qa"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var qualities: [ArmQuality] = [], files = 0, exposures = 0
            for s in spectrographs {
                for raw in frames["\(s.rawValue)/science"]! {
                    let (arms, ra, dec) = try ExposureQuality.measure(spectra: spectraPath(raw), raw: raw, spectrograph: s.rawValue)
                    files += try ExposureQuality.write(arms, fieldRA: ra, fieldDec: dec, base: ((raw as NSString).lastPathComponent as NSString).deletingPathExtension,
                                                       into: folder).count
                    qualities += arms
                    exposures += 1
                }
            }
            let measured = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let outcomes = qualities.flatMap { QualityAssessment.evaluate(Configuration().qaTests, on: $0, label: "bench") }
            let state = QualityAssessment.nightState(outcomes)
            // What fails, so a full-size night's state can be explained from the bench's output alone.
            for o in outcomes where o.state == 0 {
                print(String(format: "exposure: qa test %lld failed: %@ = %.4g (req %g)", o.test.id, o.info as NSString, o.value, o.test.required))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let usage = ProcessUsage.current()
            print(String(format: "exposure: qa of %d exposures (%d arms, %d tables and plots) in %.1f s, qa_analyse of %d tests in %.2f s (night state %d), %.1f s CPU, peak RSS %.0f MB",
                         exposures, qualities.count, files, measured, outcomes.count, seconds - measured, state, usage.cpuSeconds, usage.peakResidentMegabytes))
            print("figure: seconds \(seconds)")
            print("figure: rss_mb \(usage.peakResidentMegabytes)")
            print("figure: exposures \(exposures)")
        case "exposure":
            let start = DispatchTime.now().uptimeNanoseconds
            let out = "\(dir)/products"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var files = 0, targets = 0
            var reduceSeconds = 0.0
            for s in spectrographs {
                let raw = frames["\(s.rawValue)/science"]!.sorted()[0]
                let spectra = spectraPath(raw)
                let t0 = DispatchTime.now().uptimeNanoseconds
                let summary = try ScienceReduction.reduce(raw, calibrations: calibrations(s), used: used(s), to: spectra)
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
