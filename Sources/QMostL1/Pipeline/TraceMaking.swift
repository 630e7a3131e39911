import Foundation
import QMostCore

/// The fibre-trace master (seed 9.1.10–9.1.11): the fibre flats, detector-corrected and averaged, traced; the
/// scattered light between the traces removed; the fibres' spatial profiles fitted; one table per arm.
public enum TraceMaking {
    /// Rounds of halo removal from the gaps and profile refit after the first fit.
    static let haloIterations = 3

    /// Writes the trace file; returns how many fibres each arm traced.
    public static func make(fibreFlats: [String], masters: DetectorMasterSet, crosstalk: [ArmName: CrosstalkCorrection] = [:],
                            to path: String) throws(FileProblem) -> String {
        var arms: [ArmTraces] = []
        for arm in ArmName.allCases {
            var flats: [DetrendedArm] = []
            var geometry: FrameGeometry?
            for f in fibreFlats {
                let (primary, read) = try RawFrameReader.read(f, only: [arm])
                guard let frame = read.first else { continue }
                if geometry == nil { geometry = try FrameGeometry(primary: primary, layout: frame.layout, path: f) }
                flats.append(try masters.correct(frame, crosstalk: crosstalk[arm]))
            }
            guard let geometry, var flat = flats.first else { continue }
            // Several flats: their mean, with the variance of a mean.
            if flats.count > 1 {
                let n = Float(flats.count)
                for i in flat.electrons.pixels.indices {
                    var s: Float = 0, v: Float = 0
                    for f in flats { s += f.electrons.pixels[i]; v += f.variance.pixels[i] }
                    flat.electrons.pixels[i] = s / n
                    flat.variance.pixels[i] = v / (n * n)
                    for f in flats.dropFirst() { flat.mask[i] |= f.mask[i] }
                }
            }
            let traces = geometry.tracer.trace(flat.electrons, nominalRows: geometry.layout.fibres.map(\.nominalRow))
            guard !traces.isEmpty else {
                throw FileProblem(path: fibreFlats[0], problem: "\(arm.headerName): no fibre could be traced")
            }
            // The fibres' own halos reach the gaps the scattered light is measured in, and the halo fitted on a flat
            // depends on the light left there: the profiles are fitted on the flat less the gaps' light, then the
            // halos they predict are taken out of the gaps and the profiles fitted again, until the halo settles.
            let gaps = flat.scatteredLightGaps(geometry.scatteredLight, traces: traces)
            var profiles = FibreProfiles.measure(flat: gaps.provisional, traces: traces)
            for _ in 0..<Self.haloIterations {
                var cleaned = flat
                cleaned.subtractScatteredLight(geometry.scatteredLight, gaps: gaps, traces: traces, profiles: profiles)
                profiles = FibreProfiles.measure(flat: cleaned, traces: traces)
            }
            arms.append(ArmTraces(arm: arm, traces: traces, profiles: profiles))
        }
        guard !arms.isEmpty else { throw FileProblem(path: fibreFlats[0], problem: "no arm to trace") }
        try TraceFile.write(path, inputs: fibreFlats, arms: arms)
        return arms.map { "\($0.arm.headerName) \($0.traces.count) fibres" }.joined(separator: ", ")
    }
}
