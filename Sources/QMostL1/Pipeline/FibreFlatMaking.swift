import Foundation
import QMostCore

/// The fibre-flat-field master (seed 9.1.13): the night's fibre flats and twilight flats reduced like science
/// frames (detector corrections, scattered light, profile extraction, rebinning), averaged per kind, and the
/// relative throughput of every fibre against wavelength measured from them — the daytime flats' shape adjusted
/// by the OB's attached flats when given, the twilight flats' levels; stored as a spectra file whose "flux" is the
/// response (mean 1).
public enum FibreFlatMaking {
    public static func make(fibreFlats: [String], twilightFlats: [String], attachedFlats: [String] = [], masters: DetectorMasterSet,
                            traces tracePath: String, solutions wavePath: String, crosstalk: [ArmName: CrosstalkCorrection] = [:],
                            to path: String) throws(FileProblem) -> String {
        guard !fibreFlats.isEmpty else { throw FileProblem(path: path, problem: "no fibre flat to measure the fibres' throughput with") }
        let traces = try TraceFile.read(tracePath)
        let solutions = try WavelengthSolutionFile.read(wavePath).solutions
        var responses: [RebinnedSpectra] = [], notes: [String] = []
        for arm in ArmName.allCases {
            func mean(_ frames: [String]) throws(FileProblem) -> RebinnedSpectra? {
                var reduced: [RebinnedSpectra] = []
                for f in frames {
                    if let (s, _) = try ScienceReduction.reduce(arm: arm, of: f, masters: masters, traces: traces, solutions: solutions,
                                                                 crosstalk: crosstalk[arm]) { reduced.append(s) }
                }
                guard var m = reduced.first else { return nil }
                let n = Float(reduced.count)
                for r in reduced.dropFirst() {
                    for k in m.flux.indices { m.flux[k] += r.flux[k]; m.variance[k] += r.variance[k]; m.mask[k] |= r.mask[k] }
                }
                for k in m.flux.indices { m.flux[k] /= n; m.variance[k] /= n * n }
                return m
            }
            guard let day = try mean(fibreFlats) else { continue }
            let field = FibreFlatField.measure(fibreFlat: day, twilight: try mean(twilightFlats), attached: try mean(attachedFlats))
            let n = field.grid.count
            var mask = [UInt8](repeating: 0, count: field.response.count)
            for k in mask.indices where field.response[k] <= 0 || !field.usable[k / n] { mask[k] = FibreFlatField.noResponse }
            responses.append(RebinnedSpectra(arm: arm, grid: field.grid, slitPositions: field.slitPositions, flux: field.response,
                                             variance: [Float](repeating: 0, count: field.response.count), mask: mask))
            notes.append("\(arm.headerName) \(field.usable.filter { $0 }.count) fibres" + (field.twilightNormalised ? ", twilight-levelled" : "")
                         + (attachedFlats.isEmpty ? "" : ", OB-flat shape"))
        }
        guard !responses.isEmpty else { throw FileProblem(path: fibreFlats[0], problem: "no arm has traces and a wavelength solution") }
        try SpectraFile.write(path, spectra: responses, inputs: fibreFlats + twilightFlats + attachedFlats, category: CalibrationKind.fibreFlatField.category, unit: "1")
        return notes.joined(separator: ", ")
    }

    /// The field of each arm read back from a ``make(fibreFlats:twilightFlats:masters:traces:solutions:crosstalk:to:)`` file.
    public static func read(_ path: String) throws(FileProblem) -> [ArmName: RebinnedSpectra] {
        Dictionary(uniqueKeysWithValues: try SpectraFile.read(path).spectra.map { ($0.arm, $0) })
    }
}

