import Foundation
import QMostCore
import QMostFITS

/// The wavelength-solution product (seed 9.1.12): a primary HDU with the inputs (PROVn) and
/// `ESO PRO CATG = 'WAVE_SOLUTION'`, then per arm a binary table `WAVE_<ARM>` with one row per fibre —
/// `SLIT_POS`, the polynomial `WAVE` (λ(x) = Σ cₖ xᵏ Å air, x the 0-based detector column), `NCOEF`,
/// `LAMRMS` (Å), `LAMNLIN` and its split into arc lines and FP peaks — and in its header the arm's mode,
/// detector columns, LSF width polynomial (`LSFSIGk`, pixels) and the FP path (`FPPATH`, Å) when one was used.
public enum WavelengthSolutionFile {
    public static let category = CalibrationKind.wave.category

    /// Writes `solutions` (one per arm) to `path` atomically (a hidden `.name.part` renamed into place).
    public static func write(_ path: String, solutions: [WavelengthSolutions], inputs: [String], cards extra: [FITSCard] = []) throws(FileProblem) {
        try ProductFile.writeAtomically(path) { file in
            try file.appendEmptyPrimary(cards: ProductFile.primaryCards(category: category, inputs: inputs) + extra)
            for s in solutions {
                let width = s.fibres.map(\.coefficients.count).max() ?? 1
                let padded = s.fibres.flatMap { $0.coefficients + [Double](repeating: 0, count: width - $0.coefficients.count) }
                var cards: [FITSCard] = [
                    FITSCard(keyword: "HIERARCH QMOST WAVE MODE", value: .string(s.mode.code), comment: "resolution mode"),
                    FITSCard(keyword: "HIERARCH QMOST WAVE NPIX", value: .int(Int64(s.columns)), comment: "detector columns along the dispersion"),
                    FITSCard(keyword: "HIERARCH ESO QC LAMRMS MED", value: .double(s.medianLamrms ?? 0), comment: "[Angstrom] median LAMRMS"),
                    .comment("WAVE: lambda(x) = sum_k WAVE[k] x^k Angstrom (air), x 0-based detector column; NCOEF used."),
                    .comment("LSFSIGk: Gaussian LSF sigma(x) = sum_k LSFSIGk x^k pixels, measured on the arc lines."),
                ]
                for (k, c) in s.lsfSigma.enumerated() {
                    cards.append(FITSCard(keyword: "LSFSIG\(k)", value: .double(c), comment: "LSF sigma coefficient [pix]"))
                }
                if let p = s.fabryPerotPath {
                    cards.append(FITSCard(keyword: "FPPATH", value: .double(p), comment: "[Angstrom] FP 2nd cos(theta) on the arc scale"))
                }
                try file.appendBinaryTable(name: "WAVE_\(s.arm.headerName)", columns: [
                    FITSColumn(name: "SLIT_POS", data: .int32(s.fibres.map { Int32($0.slitPosition) })),
                    FITSColumn(name: "WAVE", unit: "Angstrom", data: .double(padded), repeatCount: width),
                    FITSColumn(name: "NCOEF", data: .int32(s.fibres.map { Int32($0.coefficients.count) })),
                    FITSColumn(name: "LAMRMS", unit: "Angstrom", data: .double(s.fibres.map(\.lamrms))),
                    FITSColumn(name: "LAMNLIN", data: .int32(s.fibres.map { Int32($0.lamnlin) })),
                    FITSColumn(name: "NARCLIN", data: .int32(s.fibres.map { Int32($0.arcLines) })),
                    FITSColumn(name: "NFPLIN", data: .int32(s.fibres.map { Int32($0.fabryPerotPeaks) })),
                ], cards: cards)
            }
        }
    }

    /// Reads the solutions of every arm the file holds, with its inputs.
    public static func read(_ path: String) throws(FileProblem) -> (solutions: [WavelengthSolutions], inputs: [String]) {
        do {
            return try withFITSFile(path) { file in
                let primary = try file.header(hdu: 0)
                guard primary.string("ESO PRO CATG") == category else {
                    throw FileProblem(path: path, problem: "ESO PRO CATG is \(primary.string("ESO PRO CATG") ?? "missing"), not \(category)")
                }
                var solutions: [WavelengthSolutions] = []
                for arm in ArmName.allCases {
                    let name = "WAVE_\(arm.headerName)"
                    guard let hdu = try? file.moveTo(extname: name) else { continue }
                    let header = try file.header(hdu: hdu)
                    guard let mode = header.string("QMOST WAVE MODE").flatMap({ m in ResolutionMode.allCases.first { $0.code == m } }),
                          let columns = header.int("QMOST WAVE NPIX") else {
                        throw FileProblem(path: path, problem: "\(name) lacks QMOST WAVE MODE or NPIX")
                    }
                    let slits = try file.readColumn("SLIT_POS", hdu: hdu, as: Int32.self).values
                    let wave = try file.readColumn("WAVE", hdu: hdu, as: Double.self)
                    let ncoef = try file.readColumn("NCOEF", hdu: hdu, as: Int32.self).values
                    let rms = try file.readColumn("LAMRMS", hdu: hdu, as: Double.self).values
                    let arcs = try file.readColumn("NARCLIN", hdu: hdu, as: Int32.self).values
                    let fps = try file.readColumn("NFPLIN", hdu: hdu, as: Int32.self).values
                    var fibres: [FibreWavelengthFit] = []
                    for i in slits.indices {
                        let k = Int(ncoef[i])
                        guard k >= 1, k <= wave.repeatCount else { throw FileProblem(path: path, problem: "\(name) row \(i + 1): NCOEF \(k) outside 1...\(wave.repeatCount)") }
                        fibres.append(FibreWavelengthFit(slitPosition: Int(slits[i]), coefficients: Array(wave.row(i).prefix(k)), lamrms: rms[i],
                                                         arcLines: Int(arcs[i]), fabryPerotPeaks: Int(fps[i])))
                    }
                    var lsf: [Double] = []
                    while let c = header.double("LSFSIG\(lsf.count)") { lsf.append(c) }
                    solutions.append(WavelengthSolutions(arm: arm, mode: mode, columns: Int(columns), fibres: fibres, lsfSigma: lsf,
                                                         fabryPerotPath: header.double("FPPATH")))
                }
                return (solutions, ProductFile.inputs(primary))
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }
}
