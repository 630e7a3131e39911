import Foundation
import QMostCore

/// `qmostd simulate`: writes a night of raw frames and, beside them, its truth.
///
/// Each exposure of each spectrograph becomes one file; spectrographs are simulated one after another so that
/// only one spectrograph's current OB is held in memory, and each file holds one arm in memory at a time.
public struct NightSimulator: Sendable {
    public let plan: NightPlan
    public let instrument: InstrumentModel
    public let spectrographs: [SpectrographName]

    /// Progress after each file: files done, files in all, and the file just written.
    public typealias Progress = (_ done: Int, _ total: Int, _ frame: WrittenFrame) -> Void

    /// What a run wrote.
    public struct Summary: Sendable {
        public var frames: [WrittenFrame]
        public var bytes: Int
        public var seconds: Double
    }

    /// A night at `scale` from the `base` instrument (the default model, or one with measured curves).
    /// `templates`, when given, replace the analytic models of half the galaxies and quasars; `revisiting`
    /// observes the fields and targets of that earlier night (same seed) again.
    public init(night: Night, scale: SimulationScale, seed: UInt64, base: InstrumentModel = .default,
                spectrographs: [SpectrographName] = SpectrographName.allCases, counts: NightPlan.Counts? = nil,
                templates: SourceTemplates? = nil, revisiting: Night? = nil, faults: SimulatedFaults = SimulatedFaults()) {
        let instrument = scale.instrument(from: base)
        self.instrument = instrument
        self.spectrographs = spectrographs
        var plan = NightPlan(night: night, scale: scale, seed: seed, instrument: instrument, spectrographs: spectrographs,
                             counts: counts, templates: templates, revisiting: revisiting)
        plan.faults = faults
        self.plan = plan
    }

    /// Files the run will write.
    public var fileCount: Int { plan.exposures.count * spectrographs.count }

    /// Writes the frames into `frames` (which may be a spool directory: each file appears whole) and the truth
    /// into `truth`, which must lie outside `frames` so the daemon never ingests it.
    public func run(frames: String, truth: String, progress: Progress? = nil) throws(SimulationError) -> Summary {
        let framesURL = URL(fileURLWithPath: frames).standardizedFileURL.path
        let truthURL = URL(fileURLWithPath: truth).standardizedFileURL.path
        guard truthURL != framesURL, !truthURL.hasPrefix(framesURL + "/") else {
            throw SimulationError(path: truth, problem: "the truth must not lie inside the frames directory \(frames) (a spool would ingest it)")
        }
        do {
            try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
        } catch {
            throw SimulationError(path: frames, problem: "cannot create the directory: \(error.localizedDescription)")
        }
        let recorder = try TruthRecorder(directory: truth)
        let start = DispatchTime.now().uptimeNanoseconds
        var written: [WrittenFrame] = []
        let total = fileCount
        for spectrograph in spectrographs {
            let simulator = SpectrographSimulator(instrument: instrument, spectrograph: spectrograph, plan: plan)
            try recorder.writeInstrument(simulator)
            for exposure in plan.exposures {
                var frame = try RawFrameWriter.write(exposure, simulator: simulator, directory: frames, truth: recorder)
                try recorder.record(frame)
                // The hit lists are in the truth now; the summary keeps the counts only, so a long night's memory
                // does not grow with its cosmic rays.
                for i in frame.readouts.indices { frame.readouts[i].cosmicRays = [] }
                written.append(frame)
                progress?(written.count, total, frame)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Summary(frames: written, bytes: written.reduce(0) { $0 + $1.bytes }, seconds: seconds)
    }
}
