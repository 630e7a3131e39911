import Foundation
import QMostCore
import QMostFITS

/// What the pipeline needs to know about the instrument behind one raw frame: the instrument model matching
/// its detector and the spectrograph its header names, and the processing sizes that follow from the fibre pitch.
struct FrameGeometry {
    var instrument: InstrumentModel
    var spectrograph: SpectrographName

    init(primary: FITSHeader, layout: DetectorGeometry, path: String) throws(FileProblem) {
        guard let model = InstrumentModel.matching(layout) else {
            throw FileProblem(path: path, problem: "a \(layout.activeColumns) x \(layout.activeRows) detector is neither the 4MOST CCD nor the simulator's small one")
        }
        guard let name = primary.string("ESO INS SPEC ID"), let spectrograph = SpectrographName(rawValue: name) else {
            throw FileProblem(path: path, problem: "ESO INS SPEC ID is \(primary.string("ESO INS SPEC ID").map { "'\($0)'" } ?? "missing"); expected LRS-A, LRS-B or HRS")
        }
        instrument = model
        self.spectrograph = spectrograph
    }

    var layout: FibreLayout { instrument.fibreLayout }
    func arm(_ arm: ArmName) -> ArmModel { instrument.arm(spectrograph, arm) }

    var tracer: FibreTracer {
        FibreTracer(blockWidth: max(16, instrument.detector.activeColumns / 128), matchRadius: 0.45 * layout.pitch)
    }

    /// The scattered-light grid: cells of about a 24th of the detector; the fibre's own rows are its core and halo
    /// at the small scale's spacing, but at most 3/4 pitch where neighbours leave only the slitlet gaps free.
    var scatteredLight: ScatteredLight {
        ScatteredLight(cellSize: max(64, instrument.detector.activeRows / 24), maskHalfWidth: min(10, 0.75 * layout.pitch))
    }

    /// The aperture for lamp frames, bright enough that the boxcar's noise does not matter.
    var lampAperture: BoxcarExtraction { BoxcarExtraction(halfWidth: min(3.5, 0.5 * layout.pitch)) }
}

extension DetrendedArm {
    /// Removes the scattered light the gaps between `traces` show (seed 9.1.8), in place.
    mutating func subtractScatteredLight(_ model: ScatteredLight, traces: [FibreTrace]) {
        let map = model.map(electrons, traces: traces, ignore: mask.map { $0 != 0 })
        for i in electrons.pixels.indices { electrons.pixels[i] -= map.pixels[i] }
    }

    /// The pixels between the traces the scattered light is read from, and the frame less a first map made from
    /// them: what every removal net of the fibres' halo light starts from, whatever profiles it then uses.
    struct ScatteredLightGaps {
        var free: [Bool]
        var provisional: DetrendedArm
    }

    func scatteredLightGaps(_ model: ScatteredLight, traces: [FibreTrace]) -> ScatteredLightGaps {
        let free = model.freePixels(width: electrons.width, height: electrons.height, traces: traces, ignore: mask.map { $0 != 0 })
        let first = model.map(electrons, free: free)
        var provisional = self
        for i in provisional.electrons.pixels.indices { provisional.electrons.pixels[i] -= first.pixels[i] }
        return ScatteredLightGaps(free: free, provisional: provisional)
    }

    /// Removes the scattered light in place, measured net of the fibres' own halo light: the fibres' light at the
    /// `gaps` from their `profiles` on the provisionally cleaned frame, then the map again with that light taken
    /// out of the gaps.
    mutating func subtractScatteredLight(_ model: ScatteredLight, gaps: ScatteredLightGaps, traces: [FibreTrace], profiles: FibreProfiles) {
        let map = scatteredLight(model, gaps: gaps, traces: traces, profiles: profiles)
        for i in electrons.pixels.indices { electrons.pixels[i] -= map.pixels[i] }
    }

    /// The scattered-light map at the `gaps` net of the fibres' light the `profiles` predict there.
    func scatteredLight(_ model: ScatteredLight, gaps: ScatteredLightGaps, traces: [FibreTrace], profiles: FibreProfiles) -> Plane {
        let light = FibreLightModel.render(gaps.provisional.electrons, free: gaps.free, traces: traces, profiles: profiles)
        return model.map(electrons, free: gaps.free, fibreLight: light)
    }

    /// Removes the scattered light of a science frame and returns the `profiles` with their halo refitted on it
    /// (``FibreProfiles/refined(on:traces:columns:)``): the map made with the flat's halo, the halo refitted on
    /// the frame less that map, and the map made again with the refitted halo (the fibres' light in the gaps
    /// depends on it).
    mutating func subtractScatteredLightRefiningProfiles(_ model: ScatteredLight, traces: [FibreTrace], profiles: FibreProfiles) -> FibreProfiles {
        let gaps = scatteredLightGaps(model, traces: traces)
        let first = scatteredLight(model, gaps: gaps, traces: traces, profiles: profiles)
        for i in electrons.pixels.indices { electrons.pixels[i] -= first.pixels[i] }
        let refined = profiles.refined(on: self, traces: traces)
        for i in electrons.pixels.indices { electrons.pixels[i] += first.pixels[i] }
        let second = scatteredLight(model, gaps: gaps, traces: traces, profiles: refined)
        for i in electrons.pixels.indices { electrons.pixels[i] -= second.pixels[i] }
        return refined
    }

    /// ``subtractScatteredLight(_:gaps:traces:profiles:)`` with this frame's own gaps.
    mutating func subtractScatteredLight(_ model: ScatteredLight, traces: [FibreTrace], profiles: FibreProfiles) {
        subtractScatteredLight(model, gaps: scatteredLightGaps(model, traces: traces), traces: traces, profiles: profiles)
    }

    /// This frame with the scattered light removed.
    func withoutScatteredLight(_ model: ScatteredLight, traces: [FibreTrace]) -> DetrendedArm {
        var copy = self
        copy.subtractScatteredLight(model, traces: traces)
        return copy
    }
}
