import Foundation
import QMostCore
import QMostFITS

/// A master calibration an exposure's spectra were reduced with, as the product's header records it.
public struct UsedCalibration: Sendable, Equatable {
    /// What it is, e.g. `WAVE_SOLUTION` or `bias`.
    public var kind: String
    /// Its file name.
    public var file: String
    /// How well it matches the exposure (the association tier, e.g. `same-night`).
    public var tier: String

    public init(kind: String, file: String, tier: String) {
        self.kind = kind
        self.file = file
        self.tier = tier
    }
}

/// The extracted and rebinned spectra of one exposure (seed 9.1.11–9.1.12): a primary HDU with the inputs
/// (PROVn), the calibrations used (`QMOST CALn KIND/FILE/TIER`) and any extra cards; per arm the images
/// `FLUX_<ARM>` (electrons per bin), `VAR_<ARM>` and `MASK_<ARM>`, one row per fibre and one column per bin, with
/// a linear wavelength WCS (CTYPE1 'AWAV', Å); and a `FIBRES` table giving the slit position of each row.
/// When the arms hold different fibres the rows are their union and a fibre an arm lacks is
/// ``RebinnedSpectra/outsideCoverage`` there.
public enum SpectraFile {
    /// The default `ESO PRO CATG`.
    public static let category = "SPECTRA_L1"

    /// What ``read(_:)`` returns.
    public struct Contents: Sendable {
        public var primary: FITSHeader
        public var inputs: [String]
        public var calibrations: [UsedCalibration]
        public var spectra: [RebinnedSpectra]
        /// The spectra before sky subtraction, for the arms that have them.
        public var unsubtracted: [RebinnedSpectra] = []
    }

    /// Writes the arms of one exposure to `path` atomically (a hidden `.name.part` renamed into place).
    /// `extra` becomes string-valued cards (HIERARCH where needed), in key order.
    /// `unsubtracted`, when given, are the same spectra before sky subtraction (`FLUX_NOSS_<ARM>`, `VAR_NOSS_<ARM>`);
    /// `unit` is the flux's BUNIT (electrons per bin, or 1 for a fibre flat's relative response).
    /// `sensitivities`, per arm, are the flux calibration's curves (`SENS_<ARM>`, electrons per bin per second per
    /// erg/s/cm²/Å).
    public static func write(_ path: String, spectra: [RebinnedSpectra], unsubtracted: [RebinnedSpectra] = [], inputs: [String],
                             calibrations: [UsedCalibration] = [], extra: [String: String] = [:], category: String = SpectraFile.category,
                             unit: String = "electron", sensitivities: [ArmName: [Float]] = [:]) throws(FileProblem) {
        let varianceUnit = unit == "electron" ? "electron**2" : "(\(unit))**2"
        let rows = Array(Set(spectra.flatMap(\.slitPositions))).sorted()
        try ProductFile.writeAtomically(path) { file in
            var cards = ProductFile.primaryCards(category: category, inputs: inputs)
            for (i, c) in calibrations.enumerated() {
                cards.append(FITSCard(keyword: "HIERARCH QMOST CAL\(i + 1) KIND", value: .string(c.kind), comment: "calibration used"))
                cards.append(FITSCard(keyword: "HIERARCH QMOST CAL\(i + 1) FILE", value: .string((c.file as NSString).lastPathComponent)))
                cards.append(FITSCard(keyword: "HIERARCH QMOST CAL\(i + 1) TIER", value: .string(c.tier)))
            }
            for key in extra.keys.sorted() { cards.append(FITSCard(keyword: key, value: .string(extra[key]!))) }
            try file.appendEmptyPrimary(cards: cards)
            for s in spectra {
                let full = s.slitPositions == rows ? s : expanded(s, to: rows)
                let g = s.grid
                let wcs: [FITSCard] = [
                    FITSCard(keyword: "CTYPE1", value: .string("AWAV"), comment: "air wavelength"),
                    FITSCard(keyword: "CUNIT1", value: .string("Angstrom")),
                    FITSCard(keyword: "CRPIX1", value: .double(1)),
                    FITSCard(keyword: "CRVAL1", value: .double(g.start), comment: "[Angstrom] centre of the first bin"),
                    FITSCard(keyword: "CDELT1", value: .double(g.step), comment: "[Angstrom] bin width"),
                ]
                let shape = [g.count, rows.count]
                let name = s.arm.headerName
                try file.appendImage(full.flux, shape: shape, cards: [FITSCard(keyword: "EXTNAME", value: .string("FLUX_\(name)")),
                                                                      FITSCard(keyword: "BUNIT", value: .string(unit), comment: unit == "electron" ? "electrons per bin" : nil)] + wcs
                                     + [.comment("Row r is the fibre in row r of the FIBRES table.")])
                try file.appendImage(full.variance, shape: shape, cards: [FITSCard(keyword: "EXTNAME", value: .string("VAR_\(name)")),
                                                                          FITSCard(keyword: "BUNIT", value: .string(varianceUnit))] + wcs
                                     + [.comment("Diagonal variance: neighbouring bins share pixels and are correlated.")])
                try file.appendImage(full.mask, shape: shape, cards: [FITSCard(keyword: "EXTNAME", value: .string("MASK_\(name)"))] + wcs
                                     + [.comment("1 no data, 2 masked pixel, 4 saturated, 8 outside the fibre's coverage, 16 no fibre-flat response.")])
                if let raw = unsubtracted.first(where: { $0.arm == s.arm }) {
                    let u = raw.slitPositions == rows ? raw : expanded(raw, to: rows)
                    try file.appendImage(u.flux, shape: shape, cards: [FITSCard(keyword: "EXTNAME", value: .string("FLUX_NOSS_\(name)")),
                                                                       FITSCard(keyword: "BUNIT", value: .string(unit))] + wcs
                                         + [.comment("Before sky subtraction (seed 9.1.14: FLUX_NOSS).")])
                    try file.appendImage(u.variance, shape: shape, cards: [FITSCard(keyword: "EXTNAME", value: .string("VAR_NOSS_\(name)")),
                                                                           FITSCard(keyword: "BUNIT", value: .string(varianceUnit))] + wcs)
                }
                if let sens = sensitivities[s.arm] {
                    try file.appendImage(sens, shape: [g.count], cards: [FITSCard(keyword: "EXTNAME", value: .string("SENS_\(name)")),
                                                                        FITSCard(keyword: "BUNIT", value: .string("electron s-1 / (erg s-1 cm-2 Angstrom-1)"))] + wcs
                                         + [.comment("Flux calibration (seed 9.1.16): electrons per bin per second per unit F_lambda above the atmosphere.")])
                }
            }
            try file.appendBinaryTable(name: "FIBRES", columns: [FITSColumn(name: "SLIT_POS", data: .int32(rows.map { Int32($0) }))])
        }
    }

    /// Reads a file ``write(_:spectra:inputs:calibrations:extra:category:)`` made.
    public static func read(_ path: String) throws(FileProblem) -> Contents {
        do {
            return try withFITSFile(path) { file in
                let primary = try file.header(hdu: 0)
                var calibrations: [UsedCalibration] = []
                while let kind = primary.string("QMOST CAL\(calibrations.count + 1) KIND") {
                    let i = calibrations.count + 1
                    calibrations.append(UsedCalibration(kind: kind, file: primary.string("QMOST CAL\(i) FILE") ?? "", tier: primary.string("QMOST CAL\(i) TIER") ?? ""))
                }
                guard let fibres = try? file.moveTo(extname: "FIBRES") else { throw FileProblem(path: path, problem: "no FIBRES table") }
                let rows = try file.readColumn("SLIT_POS", hdu: fibres, as: Int32.self).values.map(Int.init)
                var spectra: [RebinnedSpectra] = [], unsubtracted: [RebinnedSpectra] = []
                for arm in ArmName.allCases {
                    let name = arm.headerName
                    guard let hdu = try? file.moveTo(extname: "FLUX_\(name)") else { continue }
                    let header = try file.header(hdu: hdu)
                    guard let start = header.double("CRVAL1"), let step = header.double("CDELT1"), step > 0 else {
                        throw FileProblem(path: path, problem: "FLUX_\(name) lacks CRVAL1/CDELT1")
                    }
                    let crpix = header.double("CRPIX1") ?? 1
                    let flux = try file.readImage(hdu: hdu, as: Float.self)
                    guard flux.shape.count == 2, flux.shape[1] == rows.count else {
                        throw FileProblem(path: path, problem: "FLUX_\(name) is \(flux.shape), not [bins, \(rows.count)] as FIBRES has rows")
                    }
                    func companion<T: FITSPixel>(_ prefix: String, _ type: T.Type) throws -> [T] {
                        guard let h = try? file.moveTo(extname: "\(prefix)_\(name)") else { throw FileProblem(path: path, problem: "no \(prefix)_\(name) beside FLUX_\(name)") }
                        let data = try file.readImage(hdu: h, as: type)
                        guard data.shape == flux.shape else { throw FileProblem(path: path, problem: "\(prefix)_\(name) is \(data.shape), not \(flux.shape)") }
                        return data.pixels
                    }
                    let grid = SpectralGrid(start: start + (1 - crpix) * step, step: step, count: flux.shape[0])
                    let mask: [UInt8] = try companion("MASK", UInt8.self)
                    spectra.append(RebinnedSpectra(arm: arm, grid: grid, slitPositions: rows, flux: flux.pixels,
                                                   variance: try companion("VAR", Float.self), mask: mask))
                    if (try? file.moveTo(extname: "FLUX_NOSS_\(name)")) != nil {
                        unsubtracted.append(RebinnedSpectra(arm: arm, grid: grid, slitPositions: rows, flux: try companion("FLUX_NOSS", Float.self),
                                                            variance: try companion("VAR_NOSS", Float.self), mask: mask))
                    }
                }
                return Contents(primary: primary, inputs: ProductFile.inputs(primary), calibrations: calibrations, spectra: spectra,
                                unsubtracted: unsubtracted)
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }

    /// `s` with a row for each of `rows`, the fibres it lacks wholly outside coverage.
    static func expanded(_ s: RebinnedSpectra, to rows: [Int]) -> RebinnedSpectra {
        let n = s.grid.count
        var flux = [Float](repeating: 0, count: rows.count * n), variance = flux
        var mask = [UInt8](repeating: RebinnedSpectra.outsideCoverage, count: flux.count)
        for (r, slit) in rows.enumerated() {
            guard let f = s.slitPositions.firstIndex(of: slit) else { continue }
            flux.replaceSubrange((r * n)..<((r + 1) * n), with: s.flux(fibre: f))
            variance.replaceSubrange((r * n)..<((r + 1) * n), with: s.variance(fibre: f))
            mask.replaceSubrange((r * n)..<((r + 1) * n), with: s.mask(fibre: f))
        }
        return RebinnedSpectra(arm: s.arm, grid: s.grid, slitPositions: rows, flux: flux, variance: variance, mask: mask)
    }
}
