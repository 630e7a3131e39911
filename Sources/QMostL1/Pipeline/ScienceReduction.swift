import Foundation
import QMostCore
import QMostFITS

/// One science exposure through L1 (seed 9.1.1–9.1.14), arm by arm: detector corrections with variance,
/// scattered light from the gaps between the traces, profile extraction with the overlap solve and cosmic-ray
/// flagging, rebinning onto the setting's common wavelength grid, and, with a fibre-flat master, the fibre flat
/// field and the sky subtraction from the frame's sky fibres (the un-subtracted spectra kept as FLUX_NOSS).
public enum ScienceReduction {
    /// What one arm's reduction found, for logs and benchmarks.
    public struct ArmSummary: Sendable {
        public var arm: ArmName
        public var fibres: Int
        public var cosmicRayPixels: Int
        /// The arm's nominal model (throughput, dispersion) for this frame's instrument.
        public var model: ArmModel
    }

    /// The spectra of one arm of `raw` (nil when the frame lacks the arm or the masters do).
    public static func reduce(arm: ArmName, of raw: String, masters: DetectorMasterSet, traces: [ArmTraces],
                              solutions: [WavelengthSolutions], crosstalk: CrosstalkCorrection? = nil) throws(FileProblem) -> (RebinnedSpectra, ArmSummary)? {
        guard let set = traces.first(where: { $0.arm == arm }), let solution = solutions.first(where: { $0.arm == arm }) else { return nil }
        // The raw pixels live only while they are corrected: a full-size arm's memory is then the corrected planes.
        func corrected() throws(FileProblem) -> (DetrendedArm, FrameGeometry)? {
            let (primary, read) = try RawFrameReader.read(raw, only: [arm])
            guard let frame = read.first else { return nil }
            let geometry = try FrameGeometry(primary: primary, layout: frame.layout, path: raw)
            guard set.profiles.columns == frame.layout.activeColumns, set.profiles.rows == frame.layout.activeRows else {
                throw FileProblem(path: raw, problem: "\(arm.headerName): the traces were measured on a \(set.profiles.columns) x \(set.profiles.rows) detector")
            }
            return (try masters.correct(frame, crosstalk: crosstalk), geometry)
        }
        guard case (var image, let geometry)? = try corrected() else { return nil }
        let profiles = image.subtractScatteredLightRefiningProfiles(geometry.scatteredLight, traces: set.traces, profiles: set.profiles)
        let extracted = ProfileExtraction(profiles: profiles).extract(image: image, traces: set.traces, arm: arm)
        let rebinned = Rebinning.rebin(extracted.spectra, solutions: solution, onto: SpectralGrid.standard(for: geometry.arm(arm)))
        return (rebinned, ArmSummary(arm: arm, fibres: set.traces.count, cosmicRayPixels: extracted.cosmicRays, model: geometry.arm(arm)))
    }

    /// Reduces every arm of `raw` with the masters at `calibrations` (paths by kind: bias, trace and wave
    /// required) and writes the spectra, naming the masters and their tiers, to `path`; returns a summary.
    /// `withoutSky` names arms whose sky is left in (a diagnostic switch; their products say SKYSUB F and QA sees it).
    public static func reduce(_ raw: String, calibrations: [CalibrationKind: String], used: [UsedCalibration],
                              crosstalk: [ArmName: CrosstalkCorrection] = [:], withoutSky: Set<ArmName> = [],
                              to path: String) throws(FileProblem) -> String {
        guard let bias = calibrations[.bias], let tracePath = calibrations[.trace], let wavePath = calibrations[.wave] else {
            throw FileProblem(path: raw, problem: "a bias, a trace and a wavelength master are needed")
        }
        let masters = try DetectorMasterSet.open(bias: bias, dark: calibrations[.dark], detectorFlat: calibrations[.detectorFlat])
        let traces = try TraceFile.read(tracePath)
        let solutions = try WavelengthSolutionFile.read(wavePath).solutions
        let fields = try calibrations[.fibreFlatField].map { p throws(FileProblem) in try FibreFlatMaking.read(p) } ?? [:]
        let roles = fields.isEmpty ? FibreRoles(sky: [], standards: []) : try FibreRoles.read(raw)
        let primary = try RawFrameReader.primaryHeader(raw)
        let exposureTime = primary.double("EXPTIME") ?? 0
        let airmass = primary.double("ESO TEL AIRM START") ?? primary.double("AIRMASS") ?? 1
        var sensitivities: [ArmName: [Float]] = [:]
        var fluxed: [(spectra: RebinnedSpectra, unsubtracted: RebinnedSpectra)] = []
        var spectra: [RebinnedSpectra] = [], unsubtracted: [RebinnedSpectra] = [], summaries: [String] = []
        var extra: [String: String] = [:]
        // First every arm to sky-subtracted spectra, then the flux calibration, which may need all arms at once.
        var skySubtracted: [(summary: ArmSummary, spectra: SkySubtracted, standards: [FluxStandard], line: String)] = []
        for arm in ArmName.allCases {
            guard let (s, summary) = try reduce(arm: arm, of: raw, masters: masters, traces: traces, solutions: solutions,
                                                    crosstalk: crosstalk[arm]) else { continue }
            extra["QMOST QC \(arm.headerName) NCRPIX"] = "\(summary.cosmicRayPixels)"
            var line = "\(arm.headerName) \(summary.fibres) fibres, \(summary.cosmicRayPixels) cosmic-ray pixels"
            guard let field = fields[arm] else {
                spectra.append(s)
                summaries.append(line)
                continue
            }
            guard field.grid == s.grid, field.slitPositions == s.slitPositions else {
                throw FileProblem(path: calibrations[.fibreFlatField]!, problem: "\(arm.headerName): the fibre flat's fibres or grid differ from the frame's")
            }
            let flat = FibreFlatField(arm: arm, grid: field.grid, slitPositions: field.slitPositions, response: field.flux,
                                      usable: (0..<field.slitPositions.count).map { f in field.mask(fibre: f).contains(0) },
                                      twilightFactors: [], twilightNormalised: false).apply(to: s)
            let rows = roles.sky.compactMap { flat.slitPositions.firstIndex(of: $0) }
            var subtracted = SkySubtraction().subtract(flat, skyFibres: rows)
            if withoutSky.contains(arm) {
                subtracted.spectra = subtracted.unsubtracted
                extra["QMOST QC \(arm.headerName) SKYSUB"] = "F"
                line += ", SKY LEFT IN (no_sky_subtraction)"
            }
            // The median over bins of the sky fibres the master kept.
            let kept = subtracted.masterSky.fibresUsed.filter { $0 > 0 }.sorted()
            let typical = kept.isEmpty ? 0 : kept[kept.count / 2]
            line += ", fibre flat, sky from \(typical) of \(rows.count) sky fibres"
            for w in subtracted.warnings { line += " (\(w))" }
            extra["QMOST QC \(arm.headerName) NSKYFIB"] = "\(typical)"
            let standards = roles.standards.compactMap { s -> FluxStandard? in
                guard let row = flat.slitPositions.firstIndex(of: s.slitPosition), let band = PhotometricBand.known[s.band] else { return nil }
                return FluxStandard(row: row, magnitude: s.magnitude, band: band)
            }
            skySubtracted.append((summary, subtracted, standards, line))
        }
        // The HRS arms are too narrow each to fit a standard's temperature: fit it over all of them (same rows in every arm).
        if let first = skySubtracted.first, first.summary.model.mode == .high {
            var temperatures: [Int: Double] = [:]
            for standard in first.standards {
                let knots = skySubtracted.flatMap { a in
                    FluxCalibration(arm: a.summary.model).continuumKnots(a.spectra.spectra, standard: standard, exposureTime: exposureTime, airmass: airmass)
                }
                temperatures[standard.row] = FluxCalibration.jointTemperature(knots)
            }
            for k in skySubtracted.indices {
                skySubtracted[k].standards = skySubtracted[k].standards.map { var s = $0; s.temperature = s.temperature ?? temperatures[s.row]; return s }
            }
        }
        // Telluric correction from the model at the airmass and the sensitivity from the standards (9.1.15–9.1.16).
        for (summary, subtracted, standards, armLine) in skySubtracted {
            var line = armLine
            let arm = summary.arm
            let calibration = FluxCalibration(arm: summary.model)
            spectra.append(subtracted.spectra)
            unsubtracted.append(subtracted.unsubtracted)
            if let calibrated = calibration.calibrate(subtracted.spectra, standards: standards, exposureTime: exposureTime, airmass: airmass) {
                let telluric = TelluricCorrection.fromModel(grid: subtracted.spectra.grid, airmass: airmass)
                let noss = calibration.apply(calibrated.sensitivity, to: telluric.apply(to: subtracted.unsubtracted), telluric: telluric,
                                             exposureTime: exposureTime, airmass: airmass)
                fluxed.append((calibrated.asRebinned, noss.asRebinned))
                sensitivities[arm] = calibrated.sensitivity.values.map { Float($0) }
                extra["QMOST QC \(arm.headerName) NSTD"] = "\(calibrated.sensitivity.standards.filter(\.used).count)"
                extra["QMOST TELLURIC"] = calibrated.telluricMethod.rawValue.uppercased()
                line += ", flux-calibrated from \(calibrated.sensitivity.standards.filter(\.used).count) of \(standards.count) standards (telluric \(calibrated.telluricMethod.rawValue))"
            } else {
                line += ", not flux-calibrated (\(standards.count) usable standards)"
            }
            summaries.append(line)
        }
        guard !spectra.isEmpty else { throw FileProblem(path: raw, problem: "no arm has traces and a wavelength solution") }
        // One unit per file: flux-calibrated only when every arm could be, else electrons throughout.
        let calibrated = !fluxed.isEmpty && fluxed.count == spectra.count
        extra["FLUXCAL"] = calibrated ? "ABSOLUTE" : "UNCALIBRATED"
        if calibrated {
            spectra = fluxed.map(\.spectra)
            unsubtracted = fluxed.map(\.unsubtracted)
        }
        try SpectraFile.write(path, spectra: spectra, unsubtracted: unsubtracted, inputs: [raw], calibrations: used, extra: extra,
                              unit: calibrated ? FluxCalibratedSpectra.unit : "electron", sensitivities: calibrated ? sensitivities : [:])
        return summaries.joined(separator: "; ")
    }
}

extension FluxCalibratedSpectra {
    /// The same values as arm spectra on the grid (flux in erg/s/cm²/Å per bin).
    var asRebinned: RebinnedSpectra {
        RebinnedSpectra(arm: arm, grid: grid, slitPositions: slitPositions, flux: flux, variance: variance, mask: mask)
    }
}
