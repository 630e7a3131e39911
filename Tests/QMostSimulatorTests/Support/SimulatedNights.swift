import Foundation
import QMostCore
import QMostFITS
import QMostTesting
@testable import QMostSimulator

/// Small nights simulated once per test run and shared by the suites that only read them.
enum SimulatedNights {
    /// A full small night of every kind of frame for LRS-A plus HRS (the high-resolution arms and the ThAr
    /// simultaneous calibration), the default plan.
    static let standard: Simulated = try! Simulated(
        night: Night("2026-11-20")!, seed: 7, spectrographs: [.lrsA, .hrs])
}

/// A simulated night in a temporary folder, with its plan and summary.
final class Simulated: @unchecked Sendable {  // immutable after init
    let directory: TemporaryDirectory
    let simulator: NightSimulator
    let summary: NightSimulator.Summary
    var frames: String { directory.file("raw") }
    var truth: String { directory.file("truth") }

    init(night: Night, seed: UInt64, spectrographs: [SpectrographName], base: InstrumentModel = .default,
         counts: NightPlan.Counts? = nil) throws {
        directory = try TemporaryDirectory("qmost-sim")
        simulator = NightSimulator(night: night, scale: .small, seed: seed, base: base, spectrographs: spectrographs, counts: counts)
        summary = try simulator.run(frames: directory.file("raw"), truth: directory.file("truth"))
    }

    /// The path of a written frame.
    func path(_ frame: WrittenFrame) -> String { (frames as NSString).appendingPathComponent(frame.fileName) }

    /// The written frames of one kind and spectrograph, in order.
    func frames(_ kind: FrameKind, _ spectrograph: SpectrographName) -> [WrittenFrame] {
        summary.frames.filter { $0.exposure.kind == kind && $0.spectrograph == spectrograph }
    }
}

/// One arm's raw image read back through cfitsio, with helpers to address amplifier regions.
struct RawArm {
    let pixels: [Double]
    let width: Int
    let height: Int

    init(path: String, arm: ArmName) throws {
        let file = try FITSFile.open(path)
        defer { try? file.close() }
        try file.moveTo(extname: arm.headerName)
        let image = try file.readImage(as: Double.self)
        pixels = image.pixels
        width = image.shape[0]
        height = image.shape[1]
    }

    subscript(x: Int, y: Int) -> Double { pixels[y * width + x] }

    /// Mean of each row over raw columns `columns`.
    func rowMeans(_ columns: Range<Int>) -> [Double] {
        (0..<height).map { y in columns.reduce(0.0) { $0 + self[$1, y] } / Double(columns.count) }
    }
}

/// Mean and standard deviation after iterative 4σ clipping (robust to cosmic rays and hot pixels).
func clippedStatistics(_ values: [Double], sigma: Double = 4) -> (mean: Double, std: Double, count: Int) {
    var kept = values
    var mean = 0.0, std = 0.0
    for _ in 0..<6 {
        mean = kept.reduce(0, +) / Double(kept.count)
        std = (kept.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(kept.count - 1)).squareRoot()
        let next = kept.filter { abs($0 - mean) <= sigma * std }
        if next.count == kept.count { break }
        kept = next
    }
    return (mean, std, kept.count)
}
