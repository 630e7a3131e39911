import Foundation
import QMostCore
import QMostFITS

/// The header cards of a simulated raw frame, in the ESO style the classification rules and the L1 stages read
/// (ESO DICD keyword names; datamodel §4).
enum RawFrameHeader {
    /// The primary header of `spectrograph`'s file for `exposure`.
    static func primary(plan: NightPlan, exposure: PlannedExposure, spectrograph: SpectrographName) -> [FITSCard] {
        let dpr = exposure.dpr
        let mjd = ArchiveName.mjd(exposure, spectrograph)
        let name = ArchiveName.fileName(exposure, spectrograph)
        let block = exposure.block.map { plan.blocks[$0] }
        let isScience = exposure.kind == .science || exposure.kind == .standard
        var cards: [FITSCard] = [
            FITSCard(keyword: "ORIGIN", value: .string("QMOSTD-SIM"), comment: "simulated by qmostd, not real data"),
            FITSCard(keyword: "TELESCOP", value: .string("ESO-VISTA")),
            FITSCard(keyword: "INSTRUME", value: .string("4MOST")),
            FITSCard(keyword: "OBJECT", value: .string(isScience ? (block?.name ?? dpr.type) : dpr.type)),
            FITSCard(keyword: "DATE-OBS", value: .string(ArchiveName.isoTime(mjd: mjd)), comment: "start of the exposure (UTC)"),
            FITSCard(keyword: "MJD-OBS", value: .double(mjd), comment: "start of the exposure (MJD)"),
            FITSCard(keyword: "EXPTIME", value: .double(exposure.exposureTime), comment: "exposure time [s]"),
            FITSCard(keyword: "ARCFILE", value: .string(name), comment: "archive file name"),
            FITSCard(keyword: "ORIGFILE", value: .string(name)),
        ]
        if let block, isScience || exposure.kind == .fibreFlat {
            cards += [
                FITSCard(keyword: "RA", value: .double(block.fieldCentre.ra), comment: "field centre (ICRS) [deg]"),
                FITSCard(keyword: "DEC", value: .double(block.fieldCentre.dec), comment: "field centre (ICRS) [deg]"),
                FITSCard(keyword: "EQUINOX", value: .double(2000)),
                FITSCard(keyword: "RADESYS", value: .string("ICRS")),
            ]
        }
        cards += [
            FITSCard(keyword: "HIERARCH ESO DPR CATG", value: .string(dpr.catg), comment: "data product category"),
            FITSCard(keyword: "HIERARCH ESO DPR TYPE", value: .string(dpr.type), comment: "data product type"),
            FITSCard(keyword: "HIERARCH ESO DPR TECH", value: .string(dpr.tech), comment: "data product technique"),
            FITSCard(keyword: "HIERARCH ESO OBS ID", value: .int(exposure.obID), comment: "observation block id"),
            FITSCard(keyword: "HIERARCH ESO OBS NAME", value: .string(exposure.obName)),
            FITSCard(keyword: "HIERARCH ESO OBS PROG ID", value: .string(isScience ? "60.A-9801(S)" : "60.A-9800(C)")),
            FITSCard(keyword: "HIERARCH ESO TPL ID", value: .string(exposure.template)),
            FITSCard(keyword: "HIERARCH ESO TPL NEXP", value: .int(Int64(exposure.exposureCount))),
            FITSCard(keyword: "HIERARCH ESO TPL EXPNO", value: .int(Int64(exposure.exposureNumber))),
            FITSCard(keyword: "HIERARCH ESO INS SPEC ID", value: .string(spectrograph.rawValue), comment: "spectrograph"),
            FITSCard(keyword: "HIERARCH ESO INS MODE", value: .string(spectrograph.resolutionMode == .low ? "LRS" : "HRS")),
            FITSCard(keyword: "HIERARCH ESO INS LAMP1 NAME", value: .string(lampName(exposure.kind, spectrograph))),
            FITSCard(keyword: "HIERARCH ESO DET DIT", value: .double(exposure.exposureTime), comment: "integration time [s]"),
            FITSCard(keyword: "HIERARCH ESO DET EXP NO", value: .int(Int64(exposure.sequence)), comment: "exposure number of the night"),
            FITSCard(keyword: "HIERARCH ESO DET SHUT", value: .string(exposure.kind == .bias || exposure.kind == .dark ? "CLOSED" : "OPEN")),
        ]
        if let block, isScience {
            cards += [
                FITSCard(keyword: "HIERARCH ESO TEL AIRM START", value: .double(block.airmass)),
                FITSCard(keyword: "HIERARCH ESO TEL AIRM END", value: .double(block.airmass)),
                FITSCard(keyword: "HIERARCH ESO TEL MOON FLI", value: .double(ObservingBlock.illumination(block.moon)), comment: "lunar illumination"),
                FITSCard(keyword: "HIERARCH ESO QMOST SIM MOON", value: .string(block.moon.rawValue), comment: "simulated moon condition"),
            ]
        }
        if let level = exposure.ledLevel {
            cards.append(FITSCard(keyword: "HIERARCH ESO QMOST SIM LED LEVEL", value: .double(level), comment: "LED photo-electrons per pixel"))
        }
        if !plan.faults.isEmpty {
            cards.append(FITSCard(keyword: "HIERARCH ESO QMOST SIM FAULTS", value: .string(plan.faults.description), comment: "injected for QA tests"))
        }
        cards += [
            FITSCard(keyword: "HIERARCH ESO QMOST SIM SEED", value: .int(Int64(bitPattern: plan.seed)), comment: "simulation seed"),
            FITSCard(keyword: "HIERARCH ESO QMOST SIM SCALE", value: .string(plan.scale.rawValue)),
            FITSCard(keyword: "HIERARCH ESO QMOST SIM VERSION", value: .string(QMostVersion.current)),
            .comment("Simulated 4MOST raw frame written by qmostd simulate; one image extension per arm and FIBINFO."),
        ]
        return cards
    }

    static func lampName(_ kind: FrameKind, _ spectrograph: SpectrographName) -> String {
        switch kind {
        case .fibreFlat: "HALOGEN"
        case .arc: "THAR"
        case .fp: "FP-HALOGEN"
        case .detectorFlat: "LED"
        case .science, .standard: spectrograph.resolutionMode == .low ? "FP-HALOGEN" : "THAR"
        default: "NONE"
        }
    }

    /// The header of one arm's image extension: detector and per-output readout keywords (nominal values; the
    /// injected ones are in the truth tables).
    static func arm(_ arm: ArmModel, spectrograph: SpectrographName, detector: DetectorModel, darkTime: Double) -> [FITSCard] {
        let g = detector.geometry
        var cards: [FITSCard] = [
            FITSCard(keyword: "EXTNAME", value: .string(arm.arm.headerName), comment: "arm"),
            FITSCard(keyword: "HIERARCH ESO DET CHIP NAME", value: .string("\(spectrograph.rawValue) \(arm.arm.headerName)")),
            FITSCard(keyword: "HIERARCH ESO DET CHIP ID", value: .string(String(format: "CCD231-%04X", detector.patternSeed & 0xFFFF))),
            FITSCard(keyword: "HIERARCH ESO DET CHIP NX", value: .int(Int64(g.activeColumns))),
            FITSCard(keyword: "HIERARCH ESO DET CHIP NY", value: .int(Int64(g.activeRows))),
            FITSCard(keyword: "HIERARCH ESO DET CHIP PSZX", value: .double(g.pixelSizeX), comment: "pixel size along x [um]"),
            FITSCard(keyword: "HIERARCH ESO DET CHIP PSZY", value: .double(g.pixelSizeY), comment: "pixel size along y [um]"),
            FITSCard(keyword: "HIERARCH ESO DET NOUT", value: .int(Int64(g.amplifierCount))),
            FITSCard(keyword: "HIERARCH ESO DET DARK TIME", value: .double(darkTime), comment: "dark-current integration [s]"),
            FITSCard(keyword: "HIERARCH ESO DET WLEN MIN", value: .double(arm.wavelengthRange.lowerBound), comment: "nominal [Angstrom]"),
            FITSCard(keyword: "HIERARCH ESO DET WLEN MAX", value: .double(arm.wavelengthRange.upperBound), comment: "nominal [Angstrom]"),
        ]
        for region in g.amplifiers {
            let p = "HIERARCH ESO DET OUT\(region.output)"
            cards += [
                FITSCard(keyword: "\(p) ID", value: .string(region.output == 1 ? "L" : "R")),
                FITSCard(keyword: "\(p) X", value: .int(Int64(region.readsTowardsHigherColumns ? g.rawColumns : 1)), comment: "output position (raw column)"),
                FITSCard(keyword: "\(p) NX", value: .int(Int64(region.active.count)), comment: "active columns"),
                FITSCard(keyword: "\(p) NY", value: .int(Int64(g.activeRows))),
                FITSCard(keyword: "\(p) PRSCX", value: .int(Int64(region.prescan.count)), comment: "prescan columns"),
                FITSCard(keyword: "\(p) OVSCX", value: .int(Int64(region.overscan.count)), comment: "overscan columns"),
                FITSCard(keyword: "\(p) CONAD", value: .double(arm.gain), comment: "nominal gain [e-/ADU]"),
                FITSCard(keyword: "\(p) GAIN", value: .double(1 / arm.gain), comment: "nominal [ADU/e-]"),
                FITSCard(keyword: "\(p) RON", value: .double(arm.readNoise), comment: "nominal read noise [e-]"),
            ]
        }
        return cards
    }
}
