import Foundation
import QMostCore
import QMostFITS
import QMostTesting
@testable import QMostL1
@testable import QMostSimulator

/// A small LRS-A night with a daytime fibre flat, a twilight flat and two OBs of one 900 s science exposure and its
/// attached fibre flat (two fibre configurations, so twice the sky fibres), run file to file through the real part-1 pipeline (masters from the night's frames, then
/// ``ScienceReduction``) once, for the fibre-flat and sky-subtraction tests to measure against the truth.
enum FlatAndSkyNight {
    static let reduced: ReducedFlatsAndSky = try! ReducedFlatsAndSky(seed: 83)
}

final class ReducedFlatsAndSky: @unchecked Sendable {  // immutable after init
    let night: Simulated
    let arm = ArmName.green
    /// One OB's exposure: its science spectra, its attached fibre flat, and the rows the OB allocated to sky.
    struct Exposure {
        let science: RebinnedSpectra
        let attachedFlat: RebinnedSpectra
        let skyRows: [Int]
    }
    /// Rebinned spectra of the arm: the daytime fibre flat, the twilight flat.
    let dayFlat: RebinnedSpectra
    let twilight: RebinnedSpectra
    let exposures: [Exposure]
    /// Truth per slit position − 1: THROUGHPUT, COLOUR, SCREEN, BROKEN.
    let throughput: [Double], colour: [Double], screen: [Double], broken: [Bool]

    init(seed: UInt64) throws {
        let arm = ArmName.green
        let counts = NightPlan.Counts(biases: 3, darks: 2, ledLevels: [4000, 20000], fibreFlats: 1, arcs: 1, fabryPerots: 1,
                                      twilightFlats: 1, blockExposures: [1, 1], scienceExposureTime: 900, darkTime: 900)
        let night = try Simulated(night: Night("2026-11-27")!, seed: seed, counts: counts)
        self.night = night
        let scienceFrames = night.frames(.science)
        let obs = Set(scienceFrames.map(\.exposure.obID))
        let flats = night.frames(.fibreFlat)
        let day = flats.filter { !obs.contains($0.exposure.obID) }
        precondition(!day.isEmpty && scienceFrames.count == 2 && obs.count == 2, "the night has a daytime flat and two OBs")

        let m = night.directory.file("masters")
        try FileManager.default.createDirectory(atPath: m, withIntermediateDirectories: true)
        func path(_ k: CalibrationKind) -> String { "\(m)/\(k.rawValue).fits" }
        let arcs = night.frames(.arc).map(night.path), fps = night.frames(.fp).map(night.path)
        let steps: [(CalibrationKind, [String], [String])] = [
            (.bias, night.frames(.bias).map(night.path), []), (.dark, night.frames(.dark).map(night.path), []),
            (.detectorFlat, night.frames(.detectorFlat).map(night.path), []), (.trace, day.map(night.path), []),
            (.wave, arcs + fps, arcs.map { _ in "arc" } + fps.map { _ in "fp" }),
        ]
        var made: [CalibrationKind: String] = [:]
        for (kind, inputs, kinds) in steps {
            _ = try MasterMaking.make(kind, frames: inputs, frameKinds: kinds.isEmpty ? inputs.map { _ in "" } : kinds,
                                      prerequisites: made.filter { kind.prerequisites.contains($0.key) }, to: path(kind))
            made[kind] = path(kind)
        }
        let masters = try DetectorMasterSet.open(bias: path(.bias), dark: path(.dark), detectorFlat: path(.detectorFlat))
        let traces = try TraceFile.read(path(.trace)).filter { $0.arm == arm }
        let solutions = try WavelengthSolutionFile.read(path(.wave)).solutions.filter { $0.arm == arm }
        func reduce(_ frame: WrittenFrame) throws -> RebinnedSpectra {
            try ScienceReduction.reduce(arm: arm, of: night.path(frame), masters: masters, traces: traces, solutions: solutions)!.0
        }
        dayFlat = try reduce(day[0])
        twilight = try reduce(night.frames(.twilightFlat)[0])
        let directory = night.directory
        let truth = try withFITSFile(directory.file("truth/instrument_\(SpectrographName.lrsA.rawValue).fits")) { file in
            try file.moveTo(extname: "TRACE_\(arm.headerName)")
            let slit = try file.readColumn("SLIT_POS", as: Int32.self).values.map(Int.init)
            let t = try file.readColumn("THROUGHPUT", as: Double.self).values, c = try file.readColumn("COLOUR", as: Double.self).values
            let s = try file.readColumn("SCREEN", as: Double.self).values
            precondition(slit == Array(1...slit.count), "the truth is in slit order")
            return (t, c, s)
        }
        (throughput, colour, screen) = truth
        broken = throughput.map { $0 == 0 }
        exposures = try scienceFrames.map { frame in
            let ob = frame.exposure.obID
            let science = try reduce(frame)
            let attached = try reduce(flats.first { $0.exposure.obID == ob }!)
            let sky = try withFITSFile(directory.file("truth/ob_\(ob)_\(SpectrographName.lrsA.rawValue).fits")) { file in
                try file.moveTo(extname: "FIBRES")
                let slit = try file.readColumn("SLIT_POS", as: Int32.self).values.map(Int.init)
                let kind = try file.readStringColumn("CLASS").values
                return Set(slit.indices.filter { kind[$0].trimmingCharacters(in: .whitespaces) == "SKY" }.map { slit[$0] })
            }
            return Exposure(science: science, attachedFlat: attached,
                            skyRows: science.slitPositions.indices.filter { sky.contains(science.slitPositions[$0]) })
        }
    }

    /// The true relative throughput of the fibre at slit position `slit` at `wavelength` (Å), before the screen.
    func trueThroughput(slit: Int, at wavelength: Double) -> Double {
        throughput[slit - 1] * (1 + colour[slit - 1] * (wavelength - 6500) / 1000)
    }
}
