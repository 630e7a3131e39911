import Foundation
import QMostCore

/// One exposure of the night, taken by every simulated spectrograph at once (one raw file each).
public struct PlannedExposure: Sendable, Equatable {
    /// 1-based place in the night's sequence.
    public var sequence: Int
    public var kind: FrameKind
    /// Start of the exposure (MJD, UTC).
    public var mjd: Double
    public var exposureTime: Double
    /// The OB the exposure belongs to (calibration templates get their own OB ids).
    public var obID: Int64
    public var obName: String
    /// ESO template id, e.g. `QMOST_cal_bias`.
    public var template: String
    /// 1-based number within the template and the template's exposure count.
    public var exposureNumber: Int
    public var exposureCount: Int
    /// Index into ``NightPlan/blocks`` for science exposures and their attached flats.
    public var block: Int?
    /// LED flats: the mean photo-electrons per pixel the LED delivers.
    public var ledLevel: Double?

    /// ESO DPR CATG, TYPE and TECH as the classification rules expect them.
    public var dpr: (catg: String, type: String, tech: String) {
        switch kind {
        case .bias: ("CALIB", "BIAS", "IMAGE")
        case .dark: ("CALIB", "DARK", "IMAGE")
        case .detectorFlat: ("CALIB", "FLAT,LED", "IMAGE")
        case .fibreFlat: ("CALIB", "FLAT,LAMP", "MOS")
        case .twilightFlat: ("CALIB", "FLAT,TWILIGHT", "MOS")
        case .arc: ("CALIB", "WAVE,LAMP", "MOS")
        case .fp: ("CALIB", "WAVE,FP", "MOS")
        case .science: ("SCIENCE", "OBJECT", "MOS")
        case .standard: ("SCIENCE", "STD", "MOS")
        case .other, .dxu: ("TEST", "OTHER", "IMAGE")
        }
    }
}

/// A simulated night: the calibration sequence of the afternoon, twilight flats at dusk, and science OBs
/// through the night, each followed by its attached fibre flat.
///
/// Times keep every frame inside the night's "MJD-OBS − 12 h" date: afternoon calibrations from 19:00 UTC
/// (16:00 at Paranal), twilight at 23:30 UTC, science from 00:30 UTC of the next day.
public struct NightPlan: Sendable, Equatable {
    public var night: Night
    public var scale: SimulationScale
    public var seed: UInt64
    /// The seed of the exposures' noise and cosmic rays: `seed`, or for a revisit one of its own night so that it
    /// does not repeat the first visit's noise.
    public var noiseSeed: UInt64
    /// Faults injected for QA tests (none by default).
    public var faults = SimulatedFaults()
    public var blocks: [ObservingBlock]
    public var exposures: [PlannedExposure]

    /// The frame counts of a scale.
    public struct Counts: Sendable, Equatable {
        public var biases: Int
        public var darks: Int
        /// LED flat levels in photo-electrons per pixel; each level is taken twice (a photon-transfer pair), so
        /// the sequence also serves the linearity fit.
        public var ledLevels: [Double]
        public var fibreFlats: Int
        public var arcs: Int
        public var fabryPerots: Int
        public var twilightFlats: Int
        /// Exposures of each science OB (2–3).
        public var blockExposures: [Int]
        public var scienceExposureTime: Double
        public var darkTime: Double

        public init(biases: Int, darks: Int, ledLevels: [Double], fibreFlats: Int, arcs: Int, fabryPerots: Int, twilightFlats: Int,
                    blockExposures: [Int], scienceExposureTime: Double, darkTime: Double) {
            self.biases = biases
            self.darks = darks
            self.ledLevels = ledLevels
            self.fibreFlats = fibreFlats
            self.arcs = arcs
            self.fabryPerots = fabryPerots
            self.twilightFlats = twilightFlats
            self.blockExposures = blockExposures
            self.scienceExposureTime = scienceExposureTime
            self.darkTime = darkTime
        }

        public static func `default`(_ scale: SimulationScale) -> Counts {
            switch scale {
            case .small:
                Counts(biases: 3, darks: 2, ledLevels: [4000, 20000], fibreFlats: 1, arcs: 1, fabryPerots: 1, twilightFlats: 1,
                       blockExposures: [2], scienceExposureTime: 900, darkTime: 900)
            case .full:
                Counts(biases: 5, darks: 2, ledLevels: [1500, 8000, 25000, 45000], fibreFlats: 2, arcs: 1, fabryPerots: 1,
                       twilightFlats: 1, blockExposures: [3, 2], scienceExposureTime: 1200, darkTime: 1200)
            }
        }

        /// Files per spectrograph.
        public var exposuresPerSpectrograph: Int {
            biases + darks + 2 * ledLevels.count + fibreFlats + arcs + fabryPerots + twilightFlats
                + blockExposures.reduce(0) { $0 + $1 + 1 }
        }
    }

    /// The night's plan, deterministic for `seed`.
    /// `templates`, when given, replace the analytic models of half the galaxies and quasars.
    /// `revisiting`, when given, is an earlier night of the same seed whose fields and targets (with their
    /// identifiers) are observed again, as surveys revisit fields on later nights; the OBs are this night's own.
    public init(night: Night, scale: SimulationScale, seed: UInt64, instrument: InstrumentModel,
                spectrographs: [SpectrographName] = SpectrographName.allCases, counts: Counts? = nil,
                templates: SourceTemplates? = nil, revisiting: Night? = nil) {
        let counts = counts ?? .default(scale)
        self.night = night
        self.scale = scale
        self.seed = seed
        noiseSeed = revisiting == nil ? seed : PixelHash.seed(seed, UInt64(night.compact) ?? 0)
        var rng = Deviates(seed: PixelHash.seed(seed, 0x0B5))
        let nightNumber = Int64(night.compact) ?? 0
        // OB ids: one per night, unique across nights of one seed (ESO OB ids are 7–10 digit integers).
        let obBase = 100_000 + (nightNumber % 100_000) * 100
        let lrs = instrument.lowResolutionArms
        let allocator = FieldAllocator(
            layout: instrument.fibreLayout, templates: templates,
            coverage: lrs.map(\.wavelengthRange.lowerBound).min()!...lrs.map(\.wavelengthRange.upperBound).max()!)
        // Target serials (TARG_ID, U_OBJ_ID) belong to the night whose fields these are.
        var serial = ((Int64((revisiting ?? night).compact) ?? 0) % 100_000) * 100_000
        var blocks: [ObservingBlock] = []
        let moons: [MoonCondition] = [.dark, .grey, .bright, .dark]
        for (b, count) in counts.blockExposures.enumerated() {
            let centre = SkyPosition(ra: 360 * rng.uniform(), dec: -75 + 80 * rng.uniform())
            var allocations: [SpectrographName: [FibreAllocation]] = [:]
            for s in spectrographs {
                let broken = Set(FibreTransmission(spectrograph: s, layout: instrument.fibreLayout).fibres.enumerated()
                    .filter { $0.element.broken }.map { $0.offset + 1 })
                allocations[s] = allocator.allocate(
                    spectrograph: s, centre: centre, seed: PixelHash.seed(seed, 0xF1E1D, UInt64(b), UInt64(s.fibreRoot)),
                    serial: &serial, broken: broken)
            }
            blocks.append(ObservingBlock(
                obID: Int64(obBase + 10 + Int64(b)), name: "SIM-\(night.compact)-F\(b + 1)", fieldCentre: centre,
                moon: moons[b % moons.count], airmass: 1.05 + 0.4 * rng.uniform(),
                exposureTime: counts.scienceExposureTime, exposureCount: count, allocations: allocations))
        }
        self.blocks = blocks

        var exposures: [PlannedExposure] = []
        let afternoon = Self.mjd(night, hour: 19)
        var clock = afternoon
        let overhead = 60.0 / 86_400
        func add(_ kind: FrameKind, _ time: Double, ob: Int64, name: String, template: String, number: Int, of total: Int,
                 block: Int? = nil, led: Double? = nil) {
            exposures.append(PlannedExposure(
                sequence: exposures.count + 1, kind: kind, mjd: clock, exposureTime: time, obID: ob, obName: name,
                template: template, exposureNumber: number, exposureCount: total, block: block, ledLevel: led))
            clock += time / 86_400 + overhead
        }
        let cal = Int64(obBase)
        for i in 0..<counts.biases { add(.bias, 0, ob: cal + 1, name: "Calibration bias", template: "QMOST_cal_bias", number: i + 1, of: counts.biases) }
        for i in 0..<counts.darks { add(.dark, counts.darkTime, ob: cal + 2, name: "Calibration dark", template: "QMOST_cal_dark", number: i + 1, of: counts.darks) }
        let ledTotal = 2 * counts.ledLevels.count
        for (i, level) in counts.ledLevels.enumerated() {
            for j in 0..<2 {
                add(.detectorFlat, Self.ledTime(level), ob: cal + 3, name: "Calibration LED flat", template: "QMOST_cal_ledflat",
                    number: 2 * i + j + 1, of: ledTotal, led: level)
            }
        }
        for i in 0..<counts.fibreFlats { add(.fibreFlat, 20, ob: cal + 4, name: "Calibration fibre flat", template: "QMOST_cal_fibflat", number: i + 1, of: counts.fibreFlats) }
        for i in 0..<counts.arcs { add(.arc, 30, ob: cal + 5, name: "Calibration ThAr arc", template: "QMOST_cal_wave", number: i + 1, of: counts.arcs) }
        for i in 0..<counts.fabryPerots { add(.fp, 20, ob: cal + 6, name: "Calibration Fabry-Perot", template: "QMOST_cal_fp", number: i + 1, of: counts.fabryPerots) }
        clock = max(clock, Self.mjd(night, hour: 23.5))
        for i in 0..<counts.twilightFlats { add(.twilightFlat, 10, ob: cal + 7, name: "Calibration twilight flat", template: "QMOST_cal_twflat", number: i + 1, of: counts.twilightFlats) }
        clock = max(clock, Self.mjd(night, hour: 24.5))
        for (b, block) in blocks.enumerated() {
            let total = block.exposureCount + 1
            for i in 0..<block.exposureCount {
                add(.science, block.exposureTime, ob: block.obID, name: block.name, template: "QMOST_obs_exp", number: i + 1, of: total, block: b)
            }
            add(.fibreFlat, 20, ob: block.obID, name: block.name, template: "QMOST_obs_exp", number: total, of: total, block: b)
        }
        self.exposures = exposures
    }

    /// The LED exposure time giving `level` e-/pixel at ``ledRate``.
    static func ledTime(_ level: Double) -> Double { (level / ledRate * 100).rounded(.up) / 100 }
    /// LED photo-electrons per second per pixel. ASSUMPTION.
    static let ledRate = 2500.0

    /// The MJD of `hour` (UTC, may exceed 24) on the night's date.
    static func mjd(_ night: Night, hour: Double) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = night.iso.split(separator: "-").map { Int($0)! }
        let midnight = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
        return MJD.mjd(midnight) + hour / 24
    }
}
