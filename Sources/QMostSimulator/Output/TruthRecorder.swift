import Foundation
import QMostCore
import QMostFITS

/// Writes what the simulation injected, beside the frames and never among them, so later stages can be measured
/// against it:
///
/// - `frames.tsv`: every raw file with its kind, spectrograph, OB, exposure time, and per arm the frame's bias
///   offset and cosmic-ray events;
/// - `cosmics/<file>`: every pixel a cosmic ray hit in that frame (ARM, X, Y in trimmed pixels, ELECTRONS);
/// - `instrument_<SPEC>.fits`: per arm the true traces y(x) = b₀+b₁x+b₂x² and wavelength solutions
///   λ(x) = a₀+a₁x+a₂x² of every fibre (0-based trimmed columns), the fibre profile, LSF σ per column, fibre
///   transmission, and the detector (per-output bias, gain, read noise, crosstalk, non-linearity, bad columns,
///   hot pixels);
/// - `ob_<OBID>_<SPEC>.fits`: per science OB the fibres' true class, redshift or radial velocity and
///   magnitude, and per arm the noiseless input spectrum (F_λ above the atmosphere on the arm's nominal pixel
///   centres, `WAVE_<ARM>`) and the expected source and sky electrons per column of each fibre in one exposure.
public final class TruthRecorder {
    public let directory: String
    private let frames: FileHandle
    public let framesPath: String

    /// Creates `directory` and its `frames.tsv`.
    public init(directory: String) throws(SimulationError) {
        self.directory = directory
        framesPath = (directory as NSString).appendingPathComponent("frames.tsv")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let header = "file\tkind\tdpr_type\tspectrograph\tob_id\texp_no\texptime\tmjd_obs\tbias_offset_adu\tcosmic_events\n"
            try Data(header.utf8).write(to: URL(fileURLWithPath: framesPath))
            frames = try FileHandle(forWritingTo: URL(fileURLWithPath: framesPath))
            try frames.seekToEnd()
        } catch {
            throw SimulationError(path: framesPath, problem: "cannot create: \(error.localizedDescription)")
        }
    }

    deinit { try? frames.close() }

    /// Appends one written frame to `frames.tsv`.
    public func record(_ frame: WrittenFrame) throws(SimulationError) {
        let e = frame.exposure
        let offsets = frame.readouts.map { String(format: "%.3f", $0.frameBiasOffset) }.joined(separator: ",")
        let cosmics = frame.readouts.map { String($0.cosmicRayEvents) }.joined(separator: ",")
        let line = [frame.fileName, e.kind.rawValue, e.dpr.type, frame.spectrograph.rawValue, String(e.obID), String(e.exposureNumber),
                    String(e.exposureTime), String(format: "%.8f", ArchiveName.mjd(e, frame.spectrograph)), offsets, cosmics]
            .joined(separator: "\t") + "\n"
        do { try frames.write(contentsOf: Data(line.utf8)) } catch {
            throw SimulationError(path: framesPath, problem: "cannot append: \(error.localizedDescription)")
        }
        let folder = (directory as NSString).appendingPathComponent("cosmics")
        let path = (folder as NSString).appendingPathComponent(frame.fileName)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try withNewFITSFile(path, overwrite: true) { file in
                try file.appendEmptyPrimary(cards: [FITSCard(keyword: "ARCFILE", value: .string(frame.fileName))])
                for (arm, readout) in zip(ArmName.allCases, frame.readouts) {
                    let hits = readout.cosmicRays
                    try file.appendBinaryTable(name: "COSMICS_\(arm.headerName)", columns: [
                        FITSColumn(name: "X", unit: "pix", data: .int32(hits.map { Int32($0.column) })),
                        FITSColumn(name: "Y", unit: "pix", data: .int32(hits.map { Int32($0.row) })),
                        FITSColumn(name: "ELECTRONS", unit: "electron", data: .float(hits.map { Float($0.electrons) })),
                    ], cards: [
                        FITSCard(keyword: "NEVENTS", value: .int(Int64(readout.cosmicRayEvents)), comment: "cosmic-ray events"),
                        .comment("Cosmic-ray charge per pixel; X, Y 0-based trimmed (active) pixels."),
                    ])
                }
                try file.writeChecksums()
            }
        } catch {
            throw SimulationError(path: path, problem: "cannot write: \(error)")
        }
    }

    /// Writes `instrument_<SPEC>.fits` for a spectrograph.
    public func writeInstrument(_ simulator: SpectrographSimulator) throws(SimulationError) {
        let path = (directory as NSString).appendingPathComponent("instrument_\(simulator.spectrograph.rawValue).fits")
        do {
            try withNewFITSFile(path, overwrite: true) { file in
                try file.appendEmptyPrimary(cards: [
                    FITSCard(keyword: "ORIGIN", value: .string("QMOSTD-SIM")),
                    FITSCard(keyword: "HIERARCH ESO INS SPEC ID", value: .string(simulator.spectrograph.rawValue)),
                    FITSCard(keyword: "HIERARCH ESO QMOST SIM SCALE", value: .string(simulator.plan.scale.rawValue)),
                    .comment("Truth of the simulated instrument: traces, wavelength solutions, profiles, detectors."),
                ])
                for arm in ArmName.allCases {
                    let optics = simulator.lighting(arm).optics
                    try appendTraces(file, optics: optics)
                    try file.appendBinaryTable(name: "LSF_\(arm.headerName)", columns: [
                        FITSColumn(name: "COLUMN", data: .int32((0..<optics.blur.columns).map { Int32($0) })),
                        FITSColumn(name: "SIGMA", unit: "pix", data: .double(optics.blur.sigma)),
                    ], cards: [.comment("Gaussian LSF sigma per 0-based column (FWHM = 2.3548 sigma = lambda/R).")])
                    try appendDetector(file, detector: simulator.detector(arm), arm: arm)
                }
                try file.writeChecksums()
            }
        } catch {
            throw SimulationError(path: path, problem: "cannot write: \(error)")
        }
    }

    private func appendTraces(_ file: FITSFile, optics: ArmOptics) throws {
        let fibres = optics.layout.fibres
        let fibID = optics.layout.fibreIDs
        let t = optics.transmission.fibres
        try file.appendBinaryTable(name: "TRACE_\(optics.arm.arm.headerName)", columns: [
            FITSColumn(name: "SLIT_POS", data: .int32(fibres.map { Int32($0.slitPosition) })),
            FITSColumn(name: "FIB_ID", data: .int32(fibID)),
            FITSColumn(name: "ROLE", data: .string(fibres.map { $0.role.rawValue })),
            FITSColumn(name: "TRACE", unit: "pix", data: .double(fibres.flatMap { optics.traceCoefficients(slitPosition: $0.slitPosition) }), repeatCount: 3),
            FITSColumn(name: "WAVE", unit: "Angstrom", data: .double(optics.solutions.flatMap(\.coefficients)), repeatCount: 3),
            FITSColumn(name: "FWHM", unit: "pix", data: .double(fibres.map { optics.profile.coreSigma(t: 0, u: optics.slitCoordinate($0.slitPosition)) * 2.354_820_045 })),
            FITSColumn(name: "THROUGHPUT", data: .double(t.map(\.throughput))),
            FITSColumn(name: "COLOUR", data: .double(t.map(\.colour))),
            FITSColumn(name: "SCREEN", data: .double(t.map(\.screen))),
            FITSColumn(name: "BROKEN", data: .bool(t.map(\.broken))),
        ], cards: [
            FITSCard(keyword: "HALOFRAC", value: .double(optics.profile.haloFraction), comment: "light in the profile halo"),
            FITSCard(keyword: "HALORAT", value: .double(optics.profile.haloWidthRatio), comment: "halo sigma / core sigma"),
            FITSCard(keyword: "EDGEBRD", value: .double(optics.profile.edgeBroadening), comment: "core FWHM growth at the end columns"),
            FITSCard(keyword: "SLITBRD", value: .double(optics.profile.slitEndBroadening), comment: "core FWHM growth at the slit ends"),
            FITSCard(keyword: "SCATFRAC", value: .double(optics.scatteredFraction), comment: "light scattered into the background"),
            .comment("TRACE: y(x)=c0+c1*x+c2*x^2 rows; WAVE: lambda(x)=c0+c1*x+c2*x^2 Angstrom (air); x 0-based trimmed column."),
            .comment("FWHM: core FWHM at the centre column; it grows by (1+EDGEBRD*t^2), t=(x-xc)/xc."),
        ])
    }

    private func appendDetector(_ file: FITSFile, detector: DetectorModel, arm: ArmName) throws {
        let a = detector.amplifiers
        var cards: [FITSCard] = [
            FITSCard(keyword: "NONLIN", value: .double(detector.nonLinearity), comment: "e' = e (1 + NONLIN e) [1/e-]"),
            FITSCard(keyword: "PRNU", value: .double(detector.responseScatter), comment: "pixel response rms"),
            FITSCard(keyword: "DARK", value: .double(detector.darkCurrent), comment: "uniform dark current [e-/s]"),
            FITSCard(keyword: "GLOW", value: .double(detector.glowCurrent), comment: "amplifier glow at the outputs [e-/s]"),
            FITSCard(keyword: "FULLWELL", value: .double(detector.fullWell), comment: "[e-]"),
            FITSCard(keyword: "ROWBIAS", value: .double(detector.rowBiasScatter), comment: "row-to-row bias rms [ADU]"),
            FITSCard(keyword: "PATBIAS", value: .double(detector.biasPatternScatter), comment: "fixed bias pattern rms [ADU]"),
        ]
        for (i, row) in detector.crosstalk.enumerated() {
            for (j, c) in row.enumerated() where i != j {
                cards.append(FITSCard(keyword: "XTALK\(i + 1)\(j + 1)", value: .double(c), comment: "output \(i + 1) into \(j + 1)"))
            }
        }
        try file.appendBinaryTable(name: "DETECTOR_\(arm.headerName)", columns: [
            FITSColumn(name: "OUTPUT", data: .int32((1...a.count).map { Int32($0) })),
            FITSColumn(name: "BIAS", unit: "adu", data: .double(a.map(\.biasLevel))),
            FITSColumn(name: "GAIN", unit: "electron/adu", data: .double(a.map(\.gain))),
            FITSColumn(name: "RON", unit: "electron", data: .double(a.map(\.readNoise))),
        ], cards: cards)
        try file.appendBinaryTable(name: "BADCOL_\(arm.headerName)", columns: [
            FITSColumn(name: "COLUMN", data: .int32(detector.badColumns.map { Int32($0.column) })),
            FITSColumn(name: "STARTROW", data: .int32(detector.badColumns.map { Int32($0.startRow) })),
            FITSColumn(name: "KIND", data: .string(detector.badColumns.map { $0.kind.rawValue })),
        ], cards: [.comment("0-based trimmed column; bad from STARTROW to the top.")])
        try file.appendBinaryTable(name: "HOTPIX_\(arm.headerName)", columns: [
            FITSColumn(name: "X", data: .int32(detector.hotPixels.map { Int32($0.column) })),
            FITSColumn(name: "Y", data: .int32(detector.hotPixels.map { Int32($0.row) })),
            FITSColumn(name: "DARK", unit: "electron/s", data: .double(detector.hotPixels.map(\.darkCurrent))),
        ])
    }

    /// A science OB's truth file, filled arm by arm as the OB's first exposure is rendered.
    public final class BlockFile {
        let file: FITSFile
        let path: String
        let simulator: SpectrographSimulator

        init(path: String, simulator: SpectrographSimulator, block: Int) throws(SimulationError) {
            self.path = path
            self.simulator = simulator
            let ob = simulator.plan.blocks[block]
            let allocations = simulator.allocations(block: block)
            do {
                file = try FITSFile.create(path, overwrite: true)
                try file.appendEmptyPrimary(cards: [
                    FITSCard(keyword: "ORIGIN", value: .string("QMOSTD-SIM")),
                    FITSCard(keyword: "HIERARCH ESO OBS ID", value: .int(ob.obID)),
                    FITSCard(keyword: "HIERARCH ESO INS SPEC ID", value: .string(simulator.spectrograph.rawValue)),
                    FITSCard(keyword: "RA", value: .double(ob.fieldCentre.ra)),
                    FITSCard(keyword: "DEC", value: .double(ob.fieldCentre.dec)),
                    FITSCard(keyword: "AIRMASS", value: .double(ob.airmass)),
                    FITSCard(keyword: "MOON", value: .string(ob.moon.rawValue)),
                    FITSCard(keyword: "EXPTIME", value: .double(ob.exposureTime), comment: "per exposure [s]"),
                    FITSCard(keyword: "NEXP", value: .int(Int64(ob.exposureCount))),
                    .comment("SOURCE_E/SKY_E: expected electrons per column of one exposure, before the fibre profile,"),
                    .comment("pixel response and noise; FLUX: F_lambda above the atmosphere [erg/s/cm2/Angstrom] at WAVE."),
                ])
                let fibID = simulator.instrument.fibreLayout.fibreIDs
                let t = allocations.map(\.target)
                try file.appendBinaryTable(name: "FIBRES", columns: [
                    FITSColumn(name: "SLIT_POS", data: .int32(allocations.map { Int32($0.slitPosition) })),
                    FITSColumn(name: "FIB_ID", data: .int32(fibID)),
                    FITSColumn(name: "FIB_USE", data: .int16(allocations.map { Int16($0.use.rawValue) })),
                    FITSColumn(name: "TARG_ID", data: .int64(t.map { $0?.targID ?? -1 })),
                    FITSColumn(name: "U_OBJ_ID", data: .int64(t.map { $0?.uObjID ?? -1 })),
                    FITSColumn(name: "CNAME", data: .string(t.map { $0?.cname ?? " " })),
                    FITSColumn(name: "CLASS", data: .string(allocations.map { $0.target?.source.kind.rawValue ?? ($0.use == .sky ? "SKY" : "NONE") })),
                    FITSColumn(name: "Z", data: .double(t.map { $0?.source.redshift ?? .nan })),
                    FITSColumn(name: "RV", unit: "km/s", data: .double(t.map { $0?.source.radialVelocity ?? .nan })),
                    FITSColumn(name: "MAG", unit: "mag", data: .double(t.map { $0?.source.magnitude ?? .nan })),
                    FITSColumn(name: "BAND", data: .string(t.map { $0?.source.band.name ?? " " })),
                    FITSColumn(name: "TEFF", unit: "K", data: .double(t.map { $0.flatMap { $0.source.parameters.star.effectiveTemperature ?? $0.source.kind.defaultTemperature } ?? .nan })),
                ], cards: [.comment("MAG is AB in BAND; Z the cosmological redshift, RV the radial velocity on top of it.")])
            } catch {
                throw SimulationError(path: path, problem: "cannot write: \(error)")
            }
        }

        /// Appends one arm's `WAVE_`, `FLUX_`, `SOURCE_E_` and `SKY_E_` images (fibres without a value are zero).
        func appendArm(_ arm: ArmName, flux: [[Float]?], source: [[Double]?], sky: [[Double]?]) throws(SimulationError) {
            let model = simulator.instrument.arm(simulator.spectrograph, arm)
            let n = model.spectralPixels, fibres = simulator.instrument.fibreLayout.fibres.count
            func image(_ rows: [[Float]?]) -> [Float] {
                var out = [Float](repeating: 0, count: n * fibres)
                for (i, r) in rows.enumerated() where i < fibres { if let r { for x in 0..<n { out[i * n + x] = r[x] } } }
                return out
            }
            let name = arm.headerName
            do {
                try file.appendImage((0..<n).map { model.wavelength(atPixel: Double($0)) }, shape: [n],
                                     cards: [FITSCard(keyword: "EXTNAME", value: .string("WAVE_\(name)")), FITSCard(keyword: "BUNIT", value: .string("Angstrom"))])
                try file.appendImage(image(flux), shape: [n, fibres],
                                     cards: [FITSCard(keyword: "EXTNAME", value: .string("FLUX_\(name)")), FITSCard(keyword: "BUNIT", value: .string("erg/s/cm2/Angstrom"))])
                try file.appendImage(image(source.map { $0?.map { Float($0) } }), shape: [n, fibres],
                                     cards: [FITSCard(keyword: "EXTNAME", value: .string("SOURCE_E_\(name)")), FITSCard(keyword: "BUNIT", value: .string("electron"))])
                try file.appendImage(image(sky.map { $0?.map { Float($0) } }), shape: [n, fibres],
                                     cards: [FITSCard(keyword: "EXTNAME", value: .string("SKY_E_\(name)")), FITSCard(keyword: "BUNIT", value: .string("electron"))])
            } catch {
                throw SimulationError(path: path, problem: "cannot write \(name): \(error)")
            }
        }

        func close() throws(SimulationError) {
            do {
                try file.writeChecksums()
                try file.close()
            } catch {
                throw SimulationError(path: path, problem: "cannot close: \(error)")
            }
        }
    }

    /// Opens the truth file of a science OB on a spectrograph.
    public func beginBlock(_ block: Int, simulator: SpectrographSimulator) throws(SimulationError) -> BlockFile {
        let ob = simulator.plan.blocks[block]
        let path = (directory as NSString).appendingPathComponent("ob_\(ob.obID)_\(simulator.spectrograph.rawValue).fits")
        return try BlockFile(path: path, simulator: simulator, block: block)
    }
}
