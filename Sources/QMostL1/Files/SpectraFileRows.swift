import Foundation
import QMostCore
import QMostFITS

/// An exposure's spectra file (``SpectraFile``) opened for reading a few fibres at a time, so that combining the
/// exposures of an OB holds a band of fibres of each, never whole exposures (a full-size LRS exposure is ~350 MB).
public final class SpectraFileRows {
    public let path: String
    /// The primary header (FLUXCAL, the inputs, the calibrations).
    public let primary: FITSHeader
    /// Slit position of each row.
    public let slitPositions: [Int]
    /// The arms the file holds, with their grids.
    public let grids: [ArmName: SpectralGrid]
    private let file: FITSFile
    private var hdus: [String: Int] = [:]

    /// Opens `path` and reads its layout: the FIBRES table and each arm's grid.
    public init(_ path: String) throws(FileProblem) {
        self.path = path
        do {
            file = try FITSFile.open(path)
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
        do {
            primary = try file.header(hdu: 0)
            guard let fibres = try? file.moveTo(extname: "FIBRES") else { throw FileProblem(path: path, problem: "no FIBRES table") }
            slitPositions = try file.readColumn("SLIT_POS", hdu: fibres, as: Int32.self).values.map(Int.init)
            var grids: [ArmName: SpectralGrid] = [:]
            var hdus: [String: Int] = [:]
            for (index, header) in try file.headers().enumerated() {
                guard let name = header.string("EXTNAME") else { continue }
                hdus[name] = index
                guard name.hasPrefix("FLUX_"), let arm = ArmName.allCases.first(where: { "FLUX_\($0.headerName)" == name }) else { continue }
                guard let start = header.double("CRVAL1"), let step = header.double("CDELT1"), step > 0, let bins = header.int("NAXIS1"), bins > 0 else {
                    throw FileProblem(path: path, problem: "\(name) lacks CRVAL1/CDELT1/NAXIS1")
                }
                grids[arm] = SpectralGrid(start: start + (1 - (header.double("CRPIX1") ?? 1)) * step, step: step, count: Int(bins))
            }
            self.grids = grids
            self.hdus = hdus
        } catch let problem as FileProblem {
            try? file.close()
            throw problem
        } catch {
            try? file.close()
            throw FileProblem(path: path, problem: "\(error)")
        }
    }

    deinit { try? file.close() }

    /// Whether the file was flux-calibrated (`FLUXCAL = 'ABSOLUTE'`).
    public var isFluxCalibrated: Bool { primary.string("FLUXCAL") == "ABSOLUTE" }

    /// Rows `rows` of `arm`: the sky-subtracted spectra and, when the file has them, those before sky subtraction.
    public func read(arm: ArmName, rows: Range<Int>) throws(FileProblem) -> (spectra: RebinnedSpectra, unsubtracted: RebinnedSpectra?)? {
        guard let grid = grids[arm] else { return nil }
        let name = arm.headerName
        do {
            func plane<T: FITSPixel>(_ prefix: String, _ type: T.Type) throws -> [T]? {
                guard let hdu = hdus["\(prefix)_\(name)"] else { return nil }
                return try file.readImageRows(hdu: hdu, rows: rows, as: type)
            }
            guard let flux = try plane("FLUX", Float.self), let variance = try plane("VAR", Float.self), let mask = try plane("MASK", UInt8.self) else {
                throw FileProblem(path: path, problem: "FLUX_\(name) lacks its VAR_\(name) or MASK_\(name)")
            }
            let slits = Array(slitPositions[rows])
            let spectra = RebinnedSpectra(arm: arm, grid: grid, slitPositions: slits, flux: flux, variance: variance, mask: mask)
            guard let noss = try plane("FLUX_NOSS", Float.self) else { return (spectra, nil) }
            guard let nossVariance = try plane("VAR_NOSS", Float.self) else { throw FileProblem(path: path, problem: "FLUX_NOSS_\(name) lacks VAR_NOSS_\(name)") }
            return (spectra, RebinnedSpectra(arm: arm, grid: grid, slitPositions: slits, flux: noss, variance: nossVariance, mask: mask))
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "reading rows \(rows) of \(name): \(error)")
        }
    }
}
