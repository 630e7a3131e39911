import Foundation
import QMostCore
import QMostFITS

/// Reads L1 spectra for the L2 modules: Phase 3 single-spectrum files (the `PHASE3SPECTRUM` table, joined or one
/// arm, one row or several) and night containers (`SPECTAB` with `FIBMETATAB`). WAVE is taken as air wavelengths
/// (the Phase 3 convention, `TUCD1 = 'em.wl;obs.atmos'`) unless the header says `VACUUM = T` or
/// `AIRORVAC = 'vac'`, and converted to vacuum; Å unless its unit says nm. A pixel counts when its error is
/// positive and finite, its flux finite and its QUAL (if any) 0. Unlike `Phase3SpectrumFile.read`, which insists on
/// every keyword the pipeline writes, only the arrays are required, so spectra from elsewhere (the ESO archive, an
/// astronomer's own reduction) are measured too; and a container is read in bands of rows, never whole.
public enum L2SpectrumReader {
    /// Spectra read at a time from a night container.
    public static let batch = 64

    /// Every spectrum in `path`.
    public static func read(_ path: String) throws(FileProblem) -> [L2Spectrum] {
        var all: [L2Spectrum] = []
        try forEachBatch(path) { all += $0 }
        return all
    }

    /// Calls `body` with the spectra of `path` a batch at a time, so a night container never sits in memory whole.
    public static func forEachBatch(_ path: String, _ body: ([L2Spectrum]) throws -> Void) throws(FileProblem) {
        do {
            try withFITSFile(path) { file in
                let primary = try file.header(hdu: 0)
                if let table = try? file.moveTo(extname: "SPECTAB") {
                    try readContainer(file, table: table, primary: primary, path: path, body)
                } else if let table = try? file.moveTo(extname: "PHASE3SPECTRUM") {
                    try readTable(file, table: table, primary: primary, path: path, identities: nil, body)
                } else {
                    throw FileProblem(path: path, problem: "neither a PHASE3SPECTRUM table (a Phase 3 spectrum) nor a SPECTAB table (a night container)")
                }
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }

    /// Whether WAVE is in vacuum, from either header.
    static func isVacuum(_ headers: [FITSHeader]) -> Bool {
        headers.contains { h in
            h.bool("VACUUM") == true || h.string("AIRORVAC")?.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("vac") == true
        }
    }

    /// The frame a header gives: `SPECSYS` 'HELIOCEN' or 'BARYCENT' is heliocentric; anything else (or none) is
    /// topocentric, corrected from `MJD-OBS`, `RA` and `DEC` when the header has them.
    static func frame(_ headers: [FITSHeader]) -> VelocityFrame {
        let system = headers.lazy.compactMap { $0.string("SPECSYS") }.first?.trimmingCharacters(in: .whitespaces).uppercased() ?? ""
        if system == "HELIOCEN" || system == "BARYCENT" { return .heliocentric }
        func value(_ key: String) -> Double? { headers.lazy.compactMap { $0.double(key) }.first }
        guard let mjd = value("MJD-OBS"), let ra = value("RA"), let dec = value("DEC") else { return .topocentric(correction: nil) }
        return .topocentric(correction: HeliocentricCorrection.velocity(mjd: mjd, ra: ra, dec: dec))
    }

    /// Each container row's frame from FIBMETATAB's SPECSYS (heliocentric when the column is missing: our
    /// containers hold heliocentric spectra, and others carry their headers' SPECSYS per row).
    static func containerFrames(_ file: FITSFile, rows: Int) throws -> [VelocityFrame] {
        guard let meta = try? file.moveTo(extname: "FIBMETATAB"), let systems = try? file.readStringColumn("SPECSYS", hdu: meta).values,
              systems.count == rows else { return [.heliocentric] }
        return systems.map { $0.trimmingCharacters(in: .whitespaces).uppercased() == "TOPOCENT" ? .topocentric(correction: nil) : .heliocentric }
    }

    /// Each container row's RA and DEC from FIBMETATAB (none when the columns are missing).
    static func containerPositions(_ file: FITSFile, rows: Int) -> [(Double?, Double?)] {
        guard let meta = try? file.moveTo(extname: "FIBMETATAB"), let ra = try? file.readColumn("RA", hdu: meta, as: Double.self).values,
              let dec = try? file.readColumn("DEC", hdu: meta, as: Double.self).values, ra.count == rows, dec.count == rows else { return [(nil, nil)] }
        return zip(ra, dec).map { ($0, $1) }
    }

    static func readContainer(_ file: FITSFile, table: Int, primary: FITSHeader, path: String,
                              _ body: ([L2Spectrum]) throws -> Void) throws {
        guard let meta = try? file.moveTo(extname: "FIBMETATAB") else {
            throw FileProblem(path: path, problem: "a SPECTAB without its FIBMETATAB")
        }
        let cnames = try file.readStringColumn("CNAME", hdu: meta).values
        let uids = try file.readColumn("SPECUID", hdu: meta, as: Int64.self).values
        try readTable(file, table: table, primary: primary, path: path, identities: (cnames, uids), body)
    }

    static func readTable(_ file: FITSFile, table: Int, primary: FITSHeader, path: String,
                          identities: (cnames: [String], uids: [Int64])?, _ body: ([L2Spectrum]) throws -> Void) throws {
        let header = try file.header(hdu: table)
        let columns = try file.columnDescriptions(hdu: table)
        func column(_ names: String...) -> FITSColumnDescription? {
            columns.first { c in names.contains { $0.caseInsensitiveCompare(c.name) == .orderedSame } }
        }
        guard let wave = column("WAVE"), let flux = column("FLUX"), let error = column("ERR_FLUX", "ERR") else {
            throw FileProblem(path: path, problem: "the spectrum table lacks WAVE, FLUX or ERR_FLUX")
        }
        let quality = column("QUAL")
        let lengths = column("NELEM").flatMap { _ in try? file.readColumn("NELEM", hdu: table, as: Int64.self).values }
        let rows = try file.rowCount(hdu: table)
        if let identities, identities.cnames.count != rows {
            throw FileProblem(path: path, problem: "FIBMETATAB has \(identities.cnames.count) rows but SPECTAB \(rows)")
        }
        let vacuum = isVacuum([primary, header])
        let unit = wave.unit?.lowercased() ?? ""
        let toAngstrom = unit == "nm" ? 10.0 : unit.isEmpty || unit.hasPrefix("angstr") || unit == "aa" || unit == "a" ? 1.0 : .nan
        guard toAngstrom.isFinite else { throw FileProblem(path: path, problem: "WAVE unit '\(wave.unit ?? "")' is neither Angstrom nor nm") }
        let cname = primary.string("CNAME")?.trimmingCharacters(in: .whitespaces) ?? ""
        let uid = primary.int("SPECUID") ?? 0
        let frames = try identities == nil ? [frame([primary, header])] : containerFrames(file, rows: rows)
        let positions = identities == nil ? [(primary.double("RA"), primary.double("DEC"))] : containerPositions(file, rows: rows)
        var start = 0
        while start < rows {
            let band = start..<min(rows, start + batch)
            let w = try file.readColumn(wave.name, rows: band, hdu: table, as: Double.self)
            let f = try file.readColumn(flux.name, rows: band, hdu: table, as: Double.self)
            let e = try file.readColumn(error.name, rows: band, hdu: table, as: Double.self)
            let q = try quality.map { try file.readColumn($0.name, rows: band, hdu: table, as: Int64.self) }
            var spectra: [L2Spectrum] = []
            for (k, row) in band.enumerated() {
                let position = positions.count == rows ? positions[row] : positions[0]
                let width = w.repeatCount
                let n = lengths.map { Int($0[row]) } ?? width
                guard n >= 2, n <= width else { throw FileProblem(path: path, problem: "row \(row + 1): NELEM \(n) is outside 2...\(width)") }
                let lam = w.row(k).prefix(n).map { $0 * toAngstrom }
                guard lam.allSatisfy(\.isFinite), zip(lam, lam.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw FileProblem(path: path, problem: "row \(row + 1): WAVE is not finite and increasing")
                }
                let fl = Array(f.row(k).prefix(n)), er = Array(e.row(k).prefix(n))
                let qu = q.map { Array($0.row(k).prefix(n)) }
                var ivar = [Double](repeating: 0, count: n)
                for i in 0..<n where er[i] > 0 && er[i].isFinite && fl[i].isFinite && (qu?[i] ?? 0) == 0 {
                    ivar[i] = 1 / (er[i] * er[i])
                }
                let step = (lam[n - 1] - lam[0]) / Double(n - 1)
                spectra.append(L2Spectrum(
                    file: path, row: rows > 1 ? row : nil,
                    cname: identities?.cnames[row] ?? cname, spectrumUID: identities?.uids[row] ?? uid,
                    resolution: step < 0.1 ? .high : .low,
                    wavelength: vacuum ? lam : lam.map { PhysicalConstants.vacuumWavelength(fromAir: $0) },
                    flux: fl, inverseVariance: ivar, frame: frames.count == rows ? frames[row] : frames[0]))
                spectra[spectra.count - 1].ra = position.0
                spectra[spectra.count - 1].dec = position.1
            }
            try body(spectra)
            start = band.upperBound
        }
    }
}
