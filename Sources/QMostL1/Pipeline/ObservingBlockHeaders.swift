import Foundation
import QMostCore
import QMostFITS

/// The header facts of one target's OB products (datamodel §1.2 and §2), from the plan, the exposures' files and
/// the wavelength solutions they were reduced with.
struct HeaderContext {
    let plan: ObservingBlockProducts.Plan
    let target: ObservingBlockProducts.Target
    let files: [SpectraFileRows]
    let solutions: [String: [ArmName: WavelengthSolutions]]
    let velocities: [Double]
    let date: String
    let submitted: String

    /// Wavelength-solution figures of one arm at the target's fibre: LAMRMS (Å), LAMNLIN, resolving power and the
    /// arc-line FWHM (Å) at the middle of the detector.
    struct ArmFigures {
        var rms: Double
        var lines: Int
        var resolvingPower: Double
        var fwhm: Double
    }

    func figures(_ arm: ArmName) -> ArmFigures? {
        let slit = target.target.fibre.slitPosition
        for e in target.exposures {
            guard let path = plan.exposures[e].wavelengthSolutions, let s = solutions[path]?[arm], let fit = s.fibre(slitPosition: slit) else { continue }
            let x = Double(s.columns) / 2
            // FWHM of a Gaussian LSF: 2√(2 ln 2)·σ, σ in pixels times the dispersion.
            let fwhm = 2.354_820_045 * s.lsfSigma(atColumn: x) * abs(fit.dispersion(atColumn: x))
            return ArmFigures(rms: fit.lamrms, lines: fit.lamnlin, resolvingPower: fwhm > 0 ? fit.wavelength(atColumn: x) / fwhm : 0, fwhm: fwhm)
        }
        return nil
    }

    func header(part: Phase3SpectrumPart, identity: ObservingBlockProducts.Identity) -> Phase3Header {
        let facts = target.exposures.map { plan.facts[$0] }
        let arms: [ArmName]
        if case .arm(let a) = part { arms = [a] } else { arms = plan.arms }
        let measured = arms.compactMap(figures)
        // A joined spectrum's LAMRMS is the rms over its arms' lines, LAMNLIN their sum.
        let lines = measured.reduce(0) { $0 + $1.lines }
        let rms = lines > 0 ? (measured.reduce(0) { $0 + $1.rms * $1.rms * Double($1.lines) } / Double(lines)).squareRoot() : 0
        let power = measured.isEmpty ? 0 : measured.reduce(0) { $0 + $1.resolvingPower } / Double(measured.count)
        let fwhm = measured.isEmpty ? 0 : measured.reduce(0) { $0 + $1.fwhm } / Double(measured.count)
        let first = files[target.exposures[0]]
        let provenance: [String] = part == .joined
            ? plan.arms.map { plan.fileName(target, .arm($0)) }
            : target.exposures.map { (plan.exposures[$0].spectra as NSString).lastPathComponent }
        var processing = Phase3Processing()
        processing.profileFile = plan.exposures[target.exposures[0]].traces.map { ($0 as NSString).lastPathComponent } ?? ""
        processing.wavelengthFile = plan.exposures[target.exposures[0]].wavelengthSolutions.map { ($0 as NSString).lastPathComponent } ?? ""
        processing.fibreFlatFile = plan.exposures[target.exposures[0]].fibreFlat.map { ($0 as NSString).lastPathComponent } ?? ""
        processing.skySubtracted = arms.allSatisfy { first.primary.string("QMOST QC \($0.headerName) NSKYFIB") != nil
            && first.primary.string("QMOST QC \($0.headerName) SKYSUB") != "F" }
        processing.telluricCorrected = true
        processing.telluricFile = first.primary.string("QMOST TELLURIC") ?? "MODEL"
        processing.sensitivityFile = (first.path as NSString).lastPathComponent
        processing.calibrators = arms.compactMap { first.primary.string("QMOST QC \($0.headerName) NSTD").flatMap { Int($0) } }.min() ?? 0
        var fibre = target.target.fibre
        fibre.arcRMS = rms
        fibre.arcFWHM = fwhm
        let t = target.target
        return Phase3Header(
            cname: t.cname, targetID: t.targetID, objectUID: t.objectUID, spectrumUID: identity.specuid, spectrumProvenance: identity.provenance,
            object: facts[0].object,
            ra: fibre.targetRA.isFinite ? fibre.targetRA : facts[0].fieldRA, dec: fibre.targetDec.isFinite ? fibre.targetDec : facts[0].fieldDec,
            exposureTime: facts[0].exposureTime, totalExposureTime: facts.reduce(0) { $0 + $1.exposureTime },
            mjdStart: facts.map(\.mjdStart).min()!, mjdEnd: facts.map(\.mjdEnd).max()!, programme: facts[0].programme, obID: plan.obID,
            // ASSON1: the night's container, which holds this spectrum beside the night's others (the sample's
            // ASSON1 names an OB-level file the same way).
            combined: facts.count, fluxCalibration: .absolute, provenance: provenance, associated: [NightSpectraFile.fileName(night: plan.night)],
            heliocentricCorrection: velocities.reduce(0, +) / Double(velocities.count),
            wavelengthRMS: rms / 10, wavelengthLines: lines,
            wavelengthStatisticalError: lines > 0 ? rms / 10 / Double(lines).squareRoot() : 0,
            resolvingPower: power, date: date, submitted: submitted,
            title: "\(t.cname) \(plan.night.iso) OB \(plan.obID) \(part.letter)", processing: processing, fibre: fibre)
    }
}
