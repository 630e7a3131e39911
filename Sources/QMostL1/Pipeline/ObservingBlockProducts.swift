import Foundation
import QMostCore
import QMostFITS

/// The Phase 3 products of one OB on one spectrograph (seed 9.1.17, 11.5; datamodel §1.1–1.2): for every target
/// fibre, the OB stack of its exposures in each arm (`…_LB1/LG1/LR1`, `…_HB1/HG1/HR1`) and, for the LRS, the arms
/// joined (`…_LJ1`), heliocentric on the setting's grid, with the identifiers, FIBINFO row and processing facts
/// of the real QL1 file.
///
/// Making them is two steps so that the caller can give each spectrum its identifiers in between:
/// ``plan(night:obID:exposures:)`` reads the exposures' FIBINFO and headers and lists the targets;
/// ``write(_:identity:into:progress:)`` combines the spectra, a band of fibres at a time, and writes the files.
/// Only flux-calibrated exposures take part: the products are in erg/s/cm²/Å or not made.
public enum ObservingBlockProducts {
    /// One reduced exposure of the OB.
    public struct Exposure: Sendable, Equatable {
        /// The raw frame (FIBINFO, observing facts).
        public var raw: String
        /// Its L1 spectra file (``SpectraFile``).
        public var spectra: String
        /// The masters it was reduced with: wavelength solutions (LAMRMS, LAMNLIN, resolving power), traces and
        /// fibre flat (named in the processing block).
        public var wavelengthSolutions: String?
        public var traces: String?
        public var fibreFlat: String?

        public init(raw: String, spectra: String, wavelengthSolutions: String?, traces: String? = nil, fibreFlat: String? = nil) {
            self.raw = raw
            self.spectra = spectra
            self.wavelengthSolutions = wavelengthSolutions
            self.traces = traces
            self.fibreFlat = fibreFlat
        }
    }

    /// What an exposure's raw header says about when and how it was taken.
    public struct ExposureFacts: Sendable, Equatable {
        public var mjdStart: Double
        public var exposureTime: Double
        public var object: String
        public var fieldRA: Double
        public var fieldDec: Double
        public var programme: String
        public var mjdEnd: Double { mjdStart + exposureTime / 86_400 }
        public var mjdMid: Double { mjdStart + exposureTime / 172_800 }
    }

    /// One target of the OB and the exposures that saw it in the same fibre.
    public struct Target: Sendable, Equatable {
        public var target: FibreTarget
        /// Indices into the plan's exposures.
        public var exposures: [Int]
    }

    /// What ``write(_:identity:into:progress:)`` makes.
    public struct Plan: Sendable {
        public var night: Night
        public var obID: Int64
        public var resolution: ResolutionMode
        /// The flux-calibrated exposures, in time order.
        public var exposures: [Exposure]
        public var facts: [ExposureFacts]
        /// The arms every exposure holds.
        public var arms: [ArmName]
        public var targets: [Target]
        /// Exposures left out because they are not flux-calibrated (file names).
        public var uncalibrated: [String]
        /// Fibres left out because an earlier fibre of the OB has the same CNAME, whose file names they would take
        /// (`FIB_ID` of the one left out and of the one kept); their spectra stay in the exposures' L1 files.
        public var repeatedCNAMEs: [(left: Int, kept: Int)] = []

        /// The spectra each target gets: every arm, and for the LRS the joined one.
        public var parts: [Phase3SpectrumPart] { arms.map { .arm($0) } + (resolution == .low && arms.count > 1 ? [.joined] : []) }

        /// The 6-digit product number of the file names: the OB id's last six digits (OB ids of one night are
        /// consecutive, so they do not collide within the night the names also carry).
        public var sequence: Int { Int(obID % 1_000_000) }

        /// The Phase 3 file name of `target`'s `part`.
        public func fileName(_ target: Target, _ part: Phase3SpectrumPart) -> String {
            Phase3SpectrumFile.fileName(cname: target.target.cname, night: night, sequence: sequence, resolution: resolution, part: part)!
        }
    }

    /// SPECUID and SPECUID_P of one product.
    public struct Identity: Sendable, Equatable {
        public var specuid: Int64
        public var provenance: String

        public init(specuid: Int64, provenance: String) {
            self.specuid = specuid
            self.provenance = provenance
        }
    }

    /// One file written.
    public struct Written: Sendable, Equatable {
        /// Index into the plan's targets.
        public var target: Int
        public var part: Phase3SpectrumPart
        public var path: String
        /// The median S/N per bin (the SNR keyword).
        public var snr: Double
    }

    /// Reads the exposures' headers and FIBINFO: the targets, each with the exposures that saw it in the same
    /// fibre (a fibre whose target changes within the OB keeps the first exposure's target).
    public static func plan(night: Night, obID: Int64, exposures: [Exposure]) throws(FileProblem) -> Plan {
        var kept: [(Exposure, ExposureFacts, [Int: FibreTarget], Set<ArmName>)] = []
        var uncalibrated: [String] = []
        var mode: ResolutionMode?
        for e in exposures {
            let spectra = try SpectraFileRows(e.spectra)
            guard spectra.isFluxCalibrated else {
                uncalibrated.append((e.spectra as NSString).lastPathComponent)
                continue
            }
            let primary = try RawFrameReader.primaryHeader(e.raw)
            guard let mjd = primary.double("MJD-OBS"), let exptime = primary.double("EXPTIME") else {
                throw FileProblem(path: e.raw, problem: "MJD-OBS or EXPTIME is missing")
            }
            let facts = ExposureFacts(mjdStart: mjd, exposureTime: exptime, object: primary.string("OBJECT") ?? "",
                                      fieldRA: primary.double("RA") ?? .nan, fieldDec: primary.double("DEC") ?? .nan,
                                      programme: primary.string("ESO OBS PROG ID") ?? "")
            let steps = Set(spectra.grids.values.map(\.step))
            let thisMode: ResolutionMode = steps.contains(SpectralGrid.standardStep(.high)) ? .high : .low
            if let mode, mode != thisMode { throw FileProblem(path: e.spectra, problem: "mixes low- and high-resolution exposures in one OB product") }
            mode = thisMode
            kept.append((e, facts, try FibreTargets.read(e.raw), Set(spectra.grids.keys)))
        }
        kept.sort { ($0.1.mjdStart, $0.0.raw) < ($1.1.mjdStart, $1.0.raw) }
        let arms = ArmName.allCases.filter { a in !kept.isEmpty && kept.allSatisfy { $0.3.contains(a) } }
        var targets: [Target] = []
        var repeated: [(left: Int, kept: Int)] = []
        var byCNAME: [String: Int] = [:]
        if let first = kept.first {
            for slit in first.2.keys.sorted() {
                let target = first.2[slit]!
                if let other = byCNAME[target.cname] {
                    repeated.append((target.fibre.fibreID, other))
                    continue
                }
                byCNAME[target.cname] = target.fibre.fibreID
                let seen = kept.indices.filter { i in
                    guard let t = kept[i].2[slit] else { return false }
                    return t.cname == target.cname && t.targetID == target.targetID && t.objectUID == target.objectUID
                }
                targets.append(Target(target: target, exposures: seen))
            }
        }
        return Plan(night: night, obID: obID, resolution: mode ?? .low, exposures: kept.map(\.0), facts: kept.map(\.1), arms: arms,
                    targets: targets, uncalibrated: uncalibrated, repeatedCNAMEs: repeated)
    }

    /// Fibres combined per band: each exposure's rows are read once per band.
    static let band = 32

    /// Writes the plan's files into `directory` (atomically each); `identity(target, part)` gives each its SPECUID
    /// and SPECUID_P. `progress(done, total)` is called after each band of targets.
    public static func write(_ plan: Plan, identity: (Int, Phase3SpectrumPart) -> Identity, into directory: String,
                             progress: ((Int, Int) -> Void)? = nil) throws(FileProblem) -> [Written] {
        let files = try plan.exposures.map { e throws(FileProblem) in try SpectraFileRows(e.spectra) }
        var solutions: [String: [ArmName: WavelengthSolutions]] = [:]
        for e in plan.exposures {
            guard let path = e.wavelengthSolutions, solutions[path] == nil else { continue }
            solutions[path] = Dictionary(try WavelengthSolutionFile.read(path).solutions.map { ($0.arm, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let rowOf = files.map { f in Dictionary(f.slitPositions.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a }) }
        let stacker = SpectrumStack()
        var written: [Written] = []
        let date = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        // FITS dates carry no zone designator (UTC is implied): `2022-03-22T13:42:58.619`, as in the sample.
        let submitted = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!,
                                                    formatOptions: [.withFullDate, .withTime, .withColonSeparatorInTime, .withFractionalSeconds])
        for start in stride(from: 0, to: plan.targets.count, by: band) {
            let group = start..<min(start + band, plan.targets.count)
            // Each exposure's rows covering the band's fibres, read once per arm.
            var rows: [BandRows] = []
            for (e, file) in files.enumerated() {
                let wanted = group.compactMap { plan.targets[$0].exposures.contains(e) ? rowOf[e][plan.targets[$0].target.fibre.slitPosition] : nil }
                var byArm: BandRows = [:]
                if let lo = wanted.min(), let hi = wanted.max() {
                    for arm in plan.arms {
                        guard let read = try file.read(arm: arm, rows: lo..<(hi + 1)) else { continue }
                        byArm[arm] = (lo..<(hi + 1), read.spectra, read.unsubtracted)
                    }
                }
                rows.append(byArm)
            }
            // Identities first, in order (the caller's closure need not be thread-safe); then the targets on every core,
            // each reading only the band's rows and writing its own files.
            let identities = group.map { t in plan.parts.map { identity(t, $0) } }
            let bandRows = rows
            let done = try ParallelMap.map(group.count) { k throws(FileProblem) -> [Written] in
                try Self.writeTarget(group.lowerBound + k, of: plan, identities: identities[k], rows: bandRows, rowOf: rowOf, files: files,
                                     solutions: solutions, stacker: stacker, date: date, submitted: submitted, into: directory)
            }
            written += done.flatMap { $0 }
            progress?(group.upperBound, plan.targets.count)
        }
        return written
    }

    /// One band's rows of one exposure, per arm.
    typealias BandRows = [ArmName: (range: Range<Int>, spectra: RebinnedSpectra, unsubtracted: RebinnedSpectra?)]

    /// Combines and writes the parts of target `t`.
    static func writeTarget(_ t: Int, of plan: Plan, identities: [Identity], rows: [BandRows], rowOf: [[Int: Int]], files: [SpectraFileRows],
                            solutions: [String: [ArmName: WavelengthSolutions]], stacker: SpectrumStack, date: String, submitted: String,
                            into directory: String) throws(FileProblem) -> [Written] {
        let target = plan.targets[t]
        guard !target.exposures.isEmpty else { return [] }
        let slit = target.target.fibre.slitPosition
        let ra = target.target.fibre.targetRA.isFinite ? target.target.fibre.targetRA : plan.facts[target.exposures[0]].fieldRA
        let dec = target.target.fibre.targetDec.isFinite ? target.target.fibre.targetDec : plan.facts[target.exposures[0]].fieldDec
        let velocities = target.exposures.map { HeliocentricCorrection.velocity(mjd: plan.facts[$0].mjdMid, ra: ra, dec: dec) }
        var arms: [(ArmName, CombinedSpectrum)] = []
        for arm in plan.arms {
            var inputs: [ExposureSpectrum] = []
            for (k, e) in target.exposures.enumerated() {
                guard let band = rows[e][arm], let row = rowOf[e][slit] else { continue }
                let f = row - band.range.lowerBound
                let flux = CalibratedSpectrum(band.spectra, fibre: f)
                let noss = band.unsubtracted.map { CalibratedSpectrum($0, fibre: f) } ?? flux
                inputs.append(ExposureSpectrum(flux: flux, unsubtracted: noss, velocity: velocities[k]))
            }
            guard !inputs.isEmpty else { continue }
            do { arms.append((arm, try TargetCombination.stack(inputs, with: stacker))) } catch {
                throw FileProblem(path: plan.exposures[0].spectra, problem: "\(arm.headerName) slit \(slit): \(error)")
            }
        }
        var parts: [(Phase3SpectrumPart, CombinedSpectrum)] = arms.map { (.arm($0.0), $0.1) }
        if plan.parts.contains(.joined), arms.count == plan.arms.count {
            do { parts.append((.joined, try TargetCombination.join(arms.map(\.1)))) } catch {
                throw FileProblem(path: plan.exposures[0].spectra, problem: "joining slit \(slit): \(error)")
            }
        }
        let context = HeaderContext(plan: plan, target: target, files: files, solutions: solutions, velocities: velocities,
                                    date: date, submitted: submitted)
        var written: [Written] = []
        for (part, spectrum) in parts {
            let identity = identities[plan.parts.firstIndex(of: part)!]
            let phase3 = Phase3Spectrum(spectrum, header: context.header(part: part, identity: identity))
            let path = directory + "/" + plan.fileName(target, part)
            try Phase3SpectrumFile.write(path, phase3)
            written.append(Written(target: t, part: part, path: path, snr: phase3.medianSNR))
        }
        return written
    }
}
