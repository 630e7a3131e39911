import Foundation
import QMostCore
import QMostL1
import QMostSimulator

/// Issue 5's figures: a full-size LRS-A calibration set and one science exposure are simulated, the masters
/// made in one child process, then one arm of the science frame is reduced from raw to wavelength-calibrated,
/// rebinned spectra in a second child pinned to one core (`taskset -c 0`), whose own peak RSS is the figure.
struct L1Bench {
    let quick: Bool

    /// Frames per kind in the bench's night: the few each master needs.
    static let counts = NightPlan.Counts(biases: 2, darks: 1, ledLevels: [8000, 45000], fibreFlats: 0, arcs: 1, fabryPerots: 1,
                                         twilightFlats: 0, blockExposures: [1], scienceExposureTime: 1200, darkTime: 1200)

    func run(in dir: String) throws -> [BenchResult] {
        let scale: SimulationScale = quick ? .small : .full
        let simulator = NightSimulator(night: Night("2026-11-20")!, scale: scale, seed: 11, spectrographs: [.lrsA], counts: Self.counts)
        print("l1: simulating \(simulator.fileCount) \(scale.rawValue) LRS-A frames ...")
        let summary = try simulator.run(frames: "\(dir)/raw", truth: "\(dir)/truth")
        var byKind: [String: [String]] = [:]
        for f in summary.frames { byKind[f.exposure.kind.rawValue, default: []].append("\(dir)/raw/\(f.fileName)") }
        let manifest = try JSONSerialization.data(withJSONObject: byKind, options: [.sortedKeys])
        try manifest.write(to: URL(fileURLWithPath: "\(dir)/frames.json"))

        let masters = try Self.child(["masters", dir], pinned: false)
        print(masters.output, terminator: "")
        let reduce = try Self.child(["reduce", dir, ArmName.green.rawValue], pinned: true)
        print(reduce.output, terminator: "")
        guard let seconds = reduce.figures["seconds"], let rss = reduce.figures["rss_mb"] else {
            throw BenchFailure("the reduction child printed no figures: \(reduce.output)")
        }
        return [
            BenchResult(name: "l1: one \(scale.rawValue) arm raw to rebinned spectra, 1 core", value: seconds, unit: "s", target: 20, lowerIsBetter: true),
            BenchResult(name: "l1: that reduction's peak RSS", value: rss, unit: "MB", target: 1500, lowerIsBetter: true),
        ]
    }

    /// Runs this executable as an L1 child; its `figure: name value` lines are parsed.
    static func child(_ arguments: [String], pinned: Bool) throws -> (output: String, figures: [String: Double]) {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let process = Process()
        let taskset = "/usr/bin/taskset"
        if pinned && FileManager.default.isExecutableFile(atPath: taskset) {
            process.executableURL = URL(fileURLWithPath: taskset)
            process.arguments = ["-c", "0", me, "--l1-child"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: me)
            process.arguments = ["--l1-child"] + arguments
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw BenchFailure("l1 child \(arguments) exited \(process.terminationStatus): \(output)") }
        var figures: [String: Double] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("figure: ") {
            let parts = line.split(separator: " ")
            if parts.count == 3, let v = Double(parts[2]) { figures[String(parts[1])] = v }
        }
        return (output, figures)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The L1 bench's child processes: `masters DIR` makes every master from DIR/frames.json; `reduce DIR ARM`
/// reduces one arm of the science frame with them and prints its time, CPU time and peak RSS.
enum L1BenchChild {
    static func run(_ args: [String]) throws {
        if args[0].hasPrefix("exposure") { return try ExposureBenchChild.run(args) }
        let dir = args[1]
        let frames = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/frames.json"))) as! [String: [String]]
        let m = "\(dir)/masters"
        func path(_ k: CalibrationKind) -> String { "\(m)/\(k.rawValue).fits" }
        switch args[0] {
        case "masters":
            try FileManager.default.createDirectory(atPath: m, withIntermediateDirectories: true)
            let steps: [(CalibrationKind, [String], [String])] = [
                (.bias, frames["bias"]!, []), (.dark, frames["dark"]!, []), (.detectorFlat, frames["detector_flat"]!, []),
                (.trace, frames["fibre_flat"]!, []),
                (.wave, frames["arc"]! + frames["fp"]!, frames["arc"]!.map { _ in "arc" } + frames["fp"]!.map { _ in "fp" }),
            ]
            var made: [CalibrationKind: String] = [:]
            for (kind, inputs, kinds) in steps {
                var detail = ""
                let seconds = try measure {
                    detail = try MasterMaking.make(kind, frames: inputs, frameKinds: kinds.isEmpty ? inputs.map { _ in "" } : kinds,
                                                   prerequisites: made.filter { kind.prerequisites.contains($0.key) }, to: path(kind))
                }
                made[kind] = path(kind)
                print(String(format: "l1: master %@ from %d frame(s) in %.1f s%@", kind.rawValue, inputs.count, seconds,
                             detail.isEmpty ? "" : " (\(detail))"))
            }
        case "reduce":
            let arm = ArmName(rawValue: args[2])!
            let science = frames["science"]![0]
            let start = DispatchTime.now().uptimeNanoseconds
            let masters = try DetectorMasterSet.open(bias: path(.bias), dark: path(.dark), detectorFlat: path(.detectorFlat))
            let traces = try TraceFile.read(path(.trace)).filter { $0.arm == arm }
            let solutions = try WavelengthSolutionFile.read(path(.wave)).solutions.filter { $0.arm == arm }
            let loaded = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard let (spectra, summary) = try ScienceReduction.reduce(arm: arm, of: science, masters: masters, traces: traces, solutions: solutions) else {
                throw BenchFailure("\(science): no \(arm.headerName) to reduce")
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let usage = ProcessUsage.current()
            let cpu = usage.cpuSeconds, rss = usage.peakResidentMegabytes
            print(String(format: "l1: %@ of a %d x %d frame, %d fibres, %d cosmic-ray pixels, %d bins: %.1f s (%.1f s reading masters), %.1f s CPU, peak RSS %.0f MB",
                         arm.headerName, traces[0].profiles.columns, traces[0].profiles.rows, summary.fibres,
                         summary.cosmicRayPixels, spectra.grid.count, seconds, loaded, cpu, rss))
            print("figure: seconds \(seconds)")
            print("figure: rss_mb \(rss)")
        default:
            throw BenchFailure("unknown l1 child mode \(args[0])")
        }
    }
}
