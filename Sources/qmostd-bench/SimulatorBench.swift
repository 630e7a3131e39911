import Foundation
import QMostCore
import QMostSimulator

/// Issue 4's figures: time and peak memory to write one full-size exposure (the three arms of one
/// spectrograph) and a full-size night of all three spectrographs. Runs before the other benchmarks, because
/// peak RSS is a high-water mark of the whole process.
struct SimulatorBench {
    let quick: Bool

    func run(in dir: String) throws -> [BenchResult] {
        let scale: SimulationScale = quick ? .small : .full
        let night = Night("2026-11-20")!
        // One science exposure of LRS-A: the targets' spectra, three arms rendered and read out one at a time,
        // FIBINFO, checksums.
        let single = NightSimulator(night: night, scale: scale, seed: 42, spectrographs: [.lrsA])
        let simulator = SpectrographSimulator(instrument: single.instrument, spectrograph: .lrsA, plan: single.plan)
        let exposure = single.plan.exposures.first { $0.kind == .science }!
        try FileManager.default.createDirectory(atPath: "\(dir)/exposure", withIntermediateDirectories: true)
        var frame: WrittenFrame?
        let exposureSeconds = try measure {
            frame = try RawFrameWriter.write(exposure, simulator: simulator, directory: "\(dir)/exposure", truth: nil)
        }
        let exposureRSS = peakResidentMegabytes()
        let exposureMB = Double(frame!.bytes) / 1e6
        print(String(format: "simulate: one %@ science exposure of LRS-A (3 arms, %.0f MB) in %.1f s, peak RSS %.0f MB",
                     scale.rawValue, exposureMB, exposureSeconds, exposureRSS))
        try? FileManager.default.removeItem(atPath: "\(dir)/exposure")

        // A whole night, all spectrographs, with its truth.
        let full = NightSimulator(night: night, scale: scale, seed: 42)
        print("simulate: writing a \(scale.rawValue) night of \(full.fileCount) files ...")
        var last = Date()
        let summary = try full.run(frames: "\(dir)/raw", truth: "\(dir)/truth") { done, total, frame in
            if Date().timeIntervalSince(last) > 30 || done == total {
                print("simulate: [\(done)/\(total)] \(frame.spectrograph) \(frame.exposure.kind.rawValue)")
                last = Date()
            }
        }
        let nightRSS = peakResidentMegabytes()
        let gb = Double(summary.bytes) / 1e9
        print(String(format: "simulate: %d files, %.1f GB in %.0f s (%.0f MB/s, %.1f s per file), peak RSS %.0f MB",
                     summary.frames.count, gb, summary.seconds, gb * 1000 / summary.seconds,
                     summary.seconds / Double(summary.frames.count), nightRSS))
        return [
            BenchResult(name: "simulate one \(scale.rawValue) exposure (3 arms)", value: exposureSeconds, unit: "s", target: 20, lowerIsBetter: true),
            BenchResult(name: "simulate one exposure: peak RSS", value: exposureRSS, unit: "MB", target: 1500, lowerIsBetter: true),
            BenchResult(name: "simulate \(scale.rawValue) night (\(summary.frames.count) files, \(String(format: "%.1f", gb)) GB)",
                        value: summary.seconds, unit: "s", target: quick ? 120 : 1200, lowerIsBetter: true),
            BenchResult(name: "simulate night: peak RSS", value: nightRSS, unit: "MB", target: 1500, lowerIsBetter: true),
        ]
    }

    /// The process's peak resident set size so far.
    func peakResidentMegabytes() -> Double { ProcessUsage.current().peakResidentMegabytes }
}
