import Foundation
import QMostCore
import QMostFITS


/// Makes one master of any kind from its raw frames and the masters it needs (paths by kind).
public enum MasterMaking {
    /// Writes the master to `path`; returns a short description of what it found (for the event log). `attached`,
    /// among `frames`, are those attached to the OB the master is made for: a fibre-flat field takes its shape from
    /// them (seed 9.1.13).
    public static func make(_ kind: CalibrationKind, frames: [String], frameKinds: [String],
                            prerequisites: [CalibrationKind: String], attached: [String] = [],
                            crosstalk: [ArmName: CrosstalkCorrection] = [:], to path: String) throws(FileProblem) -> String {
        precondition(!frames.isEmpty, "a master needs frames")
        func masters() throws(FileProblem) -> DetectorMasterSet {
            guard let bias = prerequisites[.bias] else { throw FileProblem(path: path, problem: "no master bias to make it with") }
            return try DetectorMasterSet.open(bias: bias, dark: prerequisites[.dark], detectorFlat: prerequisites[.detectorFlat])
        }
        switch kind {
        case .bias:
            try DetectorMasters.bias(frames, to: path)
            return ""
        case .dark:
            try DetectorMasters.dark(frames, bias: try LoadedMaster.read(try masters().bias.path), to: path)
            return ""
        case .detectorFlat:
            let m = try masters()
            try DetectorMasters.detectorFlat(frames, bias: try LoadedMaster.read(m.bias.path),
                                             dark: try m.dark.map { d throws(FileProblem) in try LoadedMaster.read(d.path) }, to: path)
            return ""
        case .trace:
            return try TraceMaking.make(fibreFlats: frames, masters: try masters(), crosstalk: crosstalk, to: path)
        case .wave:
            guard let traces = prerequisites[.trace] else { throw FileProblem(path: path, problem: "no fibre trace master to extract the arcs with") }
            let arcs = zip(frames, frameKinds).filter { $0.1 == FrameKind.arc.rawValue }.map(\.0)
            let fps = zip(frames, frameKinds).filter { $0.1 == FrameKind.fp.rawValue }.map(\.0)
            return try WaveMaking.make(arcs: arcs, fabryPerots: fps, masters: try masters(), traces: traces, crosstalk: crosstalk, to: path)
        case .fibreFlatField:
            guard let traces = prerequisites[.trace], let wave = prerequisites[.wave] else {
                throw FileProblem(path: path, problem: "no fibre trace and wavelength masters to reduce the flats with")
            }
            let flats = zip(frames, frameKinds).filter { $0.1 == FrameKind.fibreFlat.rawValue && !attached.contains($0.0) }.map(\.0)
            let twilights = zip(frames, frameKinds).filter { $0.1 == FrameKind.twilightFlat.rawValue }.map(\.0)
            return try FibreFlatMaking.make(fibreFlats: flats, twilightFlats: twilights, attachedFlats: attached, masters: try masters(),
                                            traces: traces, solutions: wave, crosstalk: crosstalk, to: path)
        }
    }
}
