import Foundation
import QMostCore

/// The wavelength-solution master (seed 9.1.12): arc (and Fabry–Pérot) frames detector-corrected, scattered
/// light removed, extracted along the traces, and a solution fitted per fibre.
public enum WaveMaking {
    /// Writes the solution file; returns the median LAMRMS and LAMNLIN per arm.
    public static func make(arcs: [String], fabryPerots: [String], masters: DetectorMasterSet, traces tracePath: String,
                            crosstalk: [ArmName: CrosstalkCorrection] = [:], to path: String) throws(FileProblem) -> String {
        guard let arcPath = arcs.first else { throw FileProblem(path: path, problem: "no arc frame") }
        let traceSets = try TraceFile.read(tracePath)
        var solutions: [WavelengthSolutions] = []
        for set in traceSets {
            func extract(_ file: String) throws(FileProblem) -> (ExtractedSpectra, FrameGeometry)? {
                let (primary, read) = try RawFrameReader.read(file, only: [set.arm])
                guard let frame = read.first else { return nil }
                let geometry = try FrameGeometry(primary: primary, layout: frame.layout, path: file)
                let image = try masters.correct(frame, crosstalk: crosstalk[set.arm]).withoutScatteredLight(geometry.scatteredLight, traces: set.traces)
                return (geometry.lampAperture.extract(image, traces: set.traces, arm: set.arm), geometry)
            }
            guard let (arc, geometry) = try extract(arcPath) else { continue }
            let fp = try fabryPerots.first.flatMap { f throws(FileProblem) in try extract(f)?.0 }
            let model = geometry.arm(set.arm)
            let calibration = WavelengthCalibration(arm: model, lamp: .thoriumArgon, etalon: geometry.instrument.etalon(model.mode))
            solutions.append(calibration.calibrate(arc: arc, fabryPerot: fp))
        }
        guard !solutions.isEmpty else { throw FileProblem(path: arcPath, problem: "no arm of the arc matches the traces in \(tracePath)") }
        try WavelengthSolutionFile.write(path, solutions: solutions, inputs: arcs + fabryPerots)
        return solutions.map { s in
            let rms = s.fibres.map(\.lamrms).sorted(), lines = s.fibres.map(\.lamnlin).sorted()
            return String(format: "%@ LAMRMS %.4f A, LAMNLIN %d", s.arm.headerName, rms.isEmpty ? .nan : rms[rms.count / 2], lines.isEmpty ? 0 : lines[lines.count / 2])
        }.joined(separator: "; ")
    }
}
