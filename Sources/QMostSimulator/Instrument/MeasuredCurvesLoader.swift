import Foundation
import QMostCore
import QMostFITS

/// A measured-curve file that cannot be used as it stands, or a directory holding none of them; the path is the
/// file at fault (the directory when no file was found) and the problem names the HDU, column and row.
public typealias MeasuredCurvesError = FileProblem

/// Reads the measured 4MOST LRS curves that py4most bundles with its ETC (datamodel §6.4) into
/// ``InstrumentModel/MeasuredCurves``:
///
/// | file | HDUs and columns | becomes |
/// |---|---|---|
/// | `efficiency_4most.fits` | BLUE, GREEN, RED: WAVE, MID (e-/photon at airmass 1.2) | ``InstrumentModel/MeasuredCurves/efficiency``, zero outside |
/// | `LR_resolution_{BLUE,GREEN,RED}.fits` | first table: WAVE, R | ``InstrumentModel/MeasuredCurves/resolution``, clamped |
/// | `sky_model_{dark,grey}.fits` | BLUE, GREEN, RED: WAVE, MID (e-/s/pixel through one fibre) | ``InstrumentModel/MeasuredCurves/sky``, one merged curve per condition in erg/s/cm²/Å/arcsec², clamped |
/// | `sky_transmission.fits` | first table: WAVE, TRANS | ``InstrumentModel/MeasuredCurves/telluric`` at airmass 1.2, clamped |
///
/// Wavelength columns must be in Å (TUNIT `Angstrom`, `AA`, `Angstroem` in any case, or none) or nm (converted),
/// strictly increasing and finite; every value must be finite. The sky tables must share the efficiency table's
/// wavelength grid, since their electrons are converted back to surface brightness with that efficiency.
public enum MeasuredCurvesLoader {
    /// The total-efficiency table.
    public static let efficiencyFile = "efficiency_4most.fits"
    /// The sky tables per moon condition (FLI 0.2 and 0.5, datamodel §6.3).
    public static let skyFiles: [(moon: MoonCondition, file: String)] = [
        (.dark, "sky_model_dark.fits"), (.grey, "sky_model_grey.fits"),
    ]
    /// The telluric transmission table.
    public static let transmissionFile = "sky_transmission.fits"
    /// The resolving-power table of one arm.
    public static func resolutionFile(_ arm: ArmName) -> String { "LR_resolution_\(arm.headerName).fits" }

    /// Every file the loader knows, in reading order.
    public static var knownFiles: [String] {
        [efficiencyFile] + ArmName.allCases.map(resolutionFile) + skyFiles.map(\.file) + [transmissionFile]
    }

    /// The airmass class the loader reads: MID = 1.2 (py4most qmost_etc.py, datamodel §6.3).
    static let airmassColumn = "MID"
    /// Airmass of sky_transmission.fits: the mid class (datamodel §6.3).
    static let transmissionAirmass = 1.2
    /// Sky samples whose efficiency is at most this fraction of the arm's peak are dropped: converting
    /// electrons back to photons there would divide by (nearly) zero.
    static let negligibleEfficiency = 1e-4
    /// Relative tolerance when comparing the sky and efficiency wavelength grids (covers float32 round-off).
    static let gridTolerance = 1e-6

    /// Reads whichever of the known files (``knownFiles``) exist in `directory`; a file that exists but is
    /// malformed is an error naming the file and the problem, and so is a directory holding none of them.
    ///
    /// The sky files need the efficiency file beside them: their e-/s/pixel are turned into surface brightness
    /// SB(λ) = rate / (λ/hc · A_tel · Δλ_pix · η(λ)/T_cont(λ, 1.2) · Ω_fibre), the inverse of the sky term of
    /// `InstrumentModel.expectedSignal` (rate per second: the file's values over its EXPTIME, 1 s), with Δλ_pix
    /// the local pixel width of the table (centred differences); samples where η is negligible are dropped. The
    /// three arms are then merged into one curve, each overlap cut where the arms' efficiencies cross (the
    /// overlap's midpoint if they never do).
    public static func load(directory: String) throws(MeasuredCurvesError) -> InstrumentModel.MeasuredCurves {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MeasuredCurvesError(path: directory, problem: "not a directory")
        }
        func path(_ name: String) -> String? {
            let full = (directory as NSString).appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: full) ? full : nil
        }
        guard knownFiles.contains(where: { path($0) != nil }) else {
            throw MeasuredCurvesError(path: directory, problem: "none of \(knownFiles.joined(separator: ", ")) found")
        }

        var curves = InstrumentModel.MeasuredCurves(telluricAirmass: transmissionAirmass)
        var efficiencyTables: [ArmName: Samples]?
        if let file = path(efficiencyFile) {
            let tables = try readEfficiency(file)
            efficiencyTables = tables
            for (arm, table) in tables { curves.efficiency[arm] = try table.curve(outside: .zero, path: file) }
        }
        for arm in ArmName.allCases {
            guard let file = path(resolutionFile(arm)) else { continue }
            let table = try withTable(file, extname: nil) { table throws(MeasuredCurvesError) in try table.samples("R") }
            if let row = table.values.firstIndex(where: { $0 <= 0 }) {
                throw MeasuredCurvesError(path: file, problem: "the table's R is \(table.values[row]) in row \(row + 1); a resolving power must be positive")
            }
            curves.resolution[arm] = try table.curve(outside: .clamp, path: file)
        }
        for (moon, name) in skyFiles {
            guard let file = path(name) else { continue }
            guard let efficiency = efficiencyTables else {
                throw MeasuredCurvesError(
                    path: file,
                    problem: "\(efficiencyFile) is not in the same directory; it is needed to convert the sky's e-/s/pixel to surface brightness")
            }
            curves.sky[moon] = try readSky(file, efficiency: efficiency, efficiencyPath: path(efficiencyFile) ?? efficiencyFile)
        }
        if let file = path(transmissionFile) {
            let table = try withTable(file, extname: nil) { table throws(MeasuredCurvesError) in try table.samples("TRANS") }
            curves.telluric = try table.curve(outside: .clamp, path: file)
        }
        return curves
    }

    // MARK: Files

    /// The MID efficiency of each arm.
    static func readEfficiency(_ file: String) throws(MeasuredCurvesError) -> [ArmName: Samples] {
        var tables: [ArmName: Samples] = [:]
        for arm in ArmName.allCases {
            let table = try withTable(file, extname: arm.headerName) { table throws(MeasuredCurvesError) in
                try table.samples(airmassColumn)
            }
            if let row = table.values.firstIndex(where: { $0 < 0 }) {
                throw MeasuredCurvesError(
                    path: file, problem: "HDU \(arm.headerName): \(airmassColumn) is negative (\(table.values[row])) in row \(row + 1)")
            }
            tables[arm] = table
        }
        return tables
    }

    /// One sky file converted to surface brightness and merged over the arms.
    static func readSky(_ file: String, efficiency: [ArmName: Samples], efficiencyPath: String) throws(MeasuredCurvesError) -> TabulatedCurve {
        // EXPTIME = 1 s in the primary header makes the tables e-/s/pixel (datamodel §6.4).
        let exposure = try withFile(file) { fits throws(MeasuredCurvesError) in
            try fitsCall(file, "reading the primary header") { () throws(FITSError) in try fits.header(hdu: 0).double("EXPTIME") }
        } ?? 1
        guard exposure.isFinite, exposure > 0 else {
            throw MeasuredCurvesError(path: file, problem: "EXPTIME is \(exposure) in the primary header; it must be a positive number of seconds")
        }
        var perArm: [(arm: ArmName, wavelengths: [Double], values: [Double])] = []
        for arm in ArmName.allCases {
            let sky = try withTable(file, extname: arm.headerName) { table throws(MeasuredCurvesError) in try table.samples(airmassColumn) }
            guard let eta = efficiency[arm] else { continue }
            try checkSameGrid(sky, eta, arm: arm, path: file, efficiencyPath: efficiencyPath)
            perArm.append((arm, sky.wavelengths, surfaceBrightness(sky, efficiency: eta, exposureTime: exposure)))
        }
        // Cut each overlap where the efficiencies cross, so every wavelength comes from the better-exposed arm.
        var wavelengths: [Double] = []
        var values: [Double] = []
        for (index, arm) in perArm.enumerated() {
            let lower = index > 0 ? crossover(efficiency[perArm[index - 1].arm]!, efficiency[arm.arm]!) : -Double.infinity
            let upper = index + 1 < perArm.count ? crossover(efficiency[arm.arm]!, efficiency[perArm[index + 1].arm]!) : Double.infinity
            for (λ, value) in zip(arm.wavelengths, arm.values) where λ >= lower && λ < upper && value.isFinite {
                wavelengths.append(λ)
                values.append(value)
            }
        }
        do {
            return try TabulatedCurve(wavelengths: wavelengths, values: values, outside: .clamp)
        } catch {
            throw MeasuredCurvesError(path: file, problem: "the merged sky curve is unusable: \(error)")
        }
    }

    /// Sky electrons per second per pixel back to erg/s/cm²/Å/arcsec² (NaN where the efficiency is negligible):
    /// the inverse of the sky term of `expectedSignal`, rate = SB · Ω · λ/hc · A_tel · Δλ · η/T_cont(1.2) (datamodel §6.3).
    static func surfaceBrightness(_ sky: Samples, efficiency: Samples, exposureTime: Double) -> [Double] {
        let telescope = Telescope.vista
        let widths = pixelWidths(sky.wavelengths)
        let floor = negligibleEfficiency * (efficiency.values.max() ?? 0)
        return sky.wavelengths.indices.map { i in
            let λ = sky.wavelengths[i], eta = efficiency.values[i]
            guard eta > floor, eta > 0 else { return .nan }
            let instrumentOnly = eta / TelluricModel.continuumTransmission(at: λ, airmass: InstrumentModel.referenceAirmass)
            let electronsPerSB = λ / PhysicalConstants.hcErgAngstrom * telescope.collectingArea * widths[i] * instrumentOnly
                * telescope.fibreArea
            return sky.values[i] / exposureTime / electronsPerSB
        }
    }

    /// Local pixel width of a wavelength grid: centred differences, one-sided at the ends.
    static func pixelWidths(_ grid: [Double]) -> [Double] {
        let n = grid.count
        guard n > 1 else { return [Double](repeating: 1, count: n) }
        return (0..<n).map { i in
            if i == 0 { return grid[1] - grid[0] }
            if i == n - 1 { return grid[n - 1] - grid[n - 2] }
            return 0.5 * (grid[i + 1] - grid[i - 1])
        }
    }

    /// The wavelength separating `lower` from `upper` (the redder arm) in their overlap: the single cut that best
    /// follows "use the arm with the higher efficiency", i.e. the crossing of the two curves (the one minimising the
    /// efficiency given away when noise makes them cross several times); the overlap's midpoint when they never cross.
    static func crossover(_ lower: Samples, _ upper: Samples) -> Double {
        let start = upper.wavelengths[0], end = lower.wavelengths[lower.wavelengths.count - 1]
        guard start < end else { return 0.5 * (start + end) }
        let grid = Array(Set((lower.wavelengths + upper.wavelengths).filter { $0 >= start && $0 <= end })).sorted()
        let lowerCurve = try? TabulatedCurve(wavelengths: lower.wavelengths, values: lower.values, outside: .zero)
        let upperCurve = try? TabulatedCurve(wavelengths: upper.wavelengths, values: upper.values, outside: .zero)
        guard let lowerCurve, let upperCurve, !grid.isEmpty else { return 0.5 * (start + end) }
        let gain = grid.map { upperCurve($0) - lowerCurve($0) }  // > 0 where the redder arm is better
        guard gain.contains(where: { $0 > 0 }), gain.contains(where: { $0 < 0 }) else { return 0.5 * (start + end) }
        // Cutting before sample k gives away the redder arm's advantage below k and the bluer arm's above.
        var cost = gain.reduce(0) { $0 + max(0, -$1) }  // k = 0
        var best = (index: 0, cost: cost)
        for k in 1...grid.count {
            cost += max(0, gain[k - 1]) - max(0, -gain[k - 1])
            if cost < best.cost { best = (k, cost) }
        }
        let k = best.index
        if k == 0 { return grid[0] }
        if k == grid.count { return grid[k - 1].nextUp }
        let (g0, g1) = (gain[k - 1], gain[k])
        guard g0 < 0, g1 >= 0 else { return grid[k] }
        return grid[k - 1] + (grid[k] - grid[k - 1]) * (-g0) / (g1 - g0)
    }

    /// Sky and efficiency tables must sample the same wavelengths.
    static func checkSameGrid(_ sky: Samples, _ efficiency: Samples, arm: ArmName, path: String, efficiencyPath: String) throws(MeasuredCurvesError) {
        let name = (efficiencyPath as NSString).lastPathComponent
        guard sky.wavelengths.count == efficiency.wavelengths.count else {
            throw MeasuredCurvesError(
                path: path,
                problem: "HDU \(arm.headerName) has \(sky.wavelengths.count) rows but HDU \(arm.headerName) of \(name) has \(efficiency.wavelengths.count); the sky and efficiency tables must share one wavelength grid")
        }
        for i in sky.wavelengths.indices {
            let a = sky.wavelengths[i], b = efficiency.wavelengths[i]
            if abs(a - b) > gridTolerance * max(abs(a), abs(b)) {
                throw MeasuredCurvesError(
                    path: path,
                    problem: "HDU \(arm.headerName) row \(i + 1): WAVE \(a) Å differs from \(name) (\(b) Å); the sky and efficiency tables must share one wavelength grid")
            }
        }
    }

    // MARK: Tables

    /// Wavelengths (Å) and values read from one table, validated.
    struct Samples {
        var wavelengths: [Double]
        var values: [Double]

        func curve(outside: TabulatedCurve.Outside, path: String) throws(MeasuredCurvesError) -> TabulatedCurve {
            do {
                return try TabulatedCurve(wavelengths: wavelengths, values: values, outside: outside)
            } catch {
                throw MeasuredCurvesError(path: path, problem: "not a usable curve: \(error)")
            }
        }
    }

    /// The current table HDU of an open file.
    struct Table {
        let fits: FITSFile
        let path: String
        /// `HDU BLUE` or `HDU 1`, for messages.
        let label: String
        let columns: [FITSColumnDescription]

        func column(_ name: String) throws(MeasuredCurvesError) -> FITSColumnDescription {
            guard let column = columns.first(where: { $0.name.uppercased() == name }) else {
                let names = columns.map(\.name)
                throw MeasuredCurvesError(
                    path: path, problem: "\(label) has no column \(name) (columns: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
            }
            guard column.repeatCount == 1 else {
                throw MeasuredCurvesError(
                    path: path, problem: "\(label): column \(column.name) holds \(column.repeatCount) values per row; expected one (TFORM \(column.format))")
            }
            guard !column.format.uppercased().contains("A"), !column.format.uppercased().contains("L") else {
                throw MeasuredCurvesError(path: path, problem: "\(label): column \(column.name) is not numeric (TFORM \(column.format))")
            }
            return column
        }

        func numbers(_ column: FITSColumnDescription) throws(MeasuredCurvesError) -> [Double] {
            let values = try fitsCall(path, "reading column \(column.name) of \(label)") { () throws(FITSError) in
                try fits.readColumn(column.name, as: Double.self).values
            }
            if let row = values.firstIndex(where: { !$0.isFinite }) {
                throw MeasuredCurvesError(path: path, problem: "\(label): \(column.name) is \(values[row]) in row \(row + 1); every value must be finite")
            }
            return values
        }

        /// The WAVE column in Å: TUNIT Angstrom (or none) as is, nm times 10; strictly increasing.
        func wavelengths() throws(MeasuredCurvesError) -> [Double] {
            let wave = try column("WAVE")
            let unit = (wave.unit ?? "").trimmingCharacters(in: .whitespaces)
            let scale: Double
            switch unit.lowercased() {
            case "", "angstrom", "angstroem", "aa": scale = 1
            case "nm": scale = 10
            default:
                throw MeasuredCurvesError(path: path, problem: "\(label): column \(wave.name) has unit '\(unit)'; expected Angstrom (or nm)")
            }
            let values = try numbers(wave).map { $0 * scale }
            guard values.count >= 2 else {
                throw MeasuredCurvesError(path: path, problem: "\(label) has \(values.count) rows; a curve needs at least two")
            }
            for row in 1..<values.count where values[row] <= values[row - 1] {
                throw MeasuredCurvesError(
                    path: path,
                    problem: "\(label): \(wave.name) does not increase at row \(row + 1) (\(values[row]) Å after \(values[row - 1]) Å)")
            }
            return values
        }

        /// WAVE and one value column.
        func samples(_ name: String) throws(MeasuredCurvesError) -> Samples {
            let valueColumn = try column(name)  // check both columns exist before reading either
            return Samples(wavelengths: try wavelengths(), values: try numbers(valueColumn))
        }
    }

    /// Opens `path`, runs `body` and closes the file.
    static func withFile<R>(_ path: String, _ body: (FITSFile) throws(MeasuredCurvesError) -> R) throws(MeasuredCurvesError) -> R {
        let fits = try fitsCall(path, "opening the file") { () throws(FITSError) in try FITSFile.open(path) }
        defer { try? fits.close() }
        return try body(fits)
    }

    /// Runs `body` on the table HDU named `extname`, or on the first binary table when `extname` is nil.
    static func withTable<R>(_ path: String, extname: String?, _ body: (Table) throws(MeasuredCurvesError) -> R) throws(MeasuredCurvesError) -> R {
        try withFile(path) { fits throws(MeasuredCurvesError) in
            let label: String
            if let extname {
                do throws(FITSError) {
                    try fits.moveTo(extname: extname)
                } catch {
                    guard error.status == 301 else {
                        throw wrap(error, path: path, doing: "looking for HDU \(extname)")
                    }
                    throw MeasuredCurvesError(path: path, problem: "no HDU named \(extname)")
                }
                guard try fitsCall(path, "reading HDU \(extname)", { () throws(FITSError) in try fits.hduType() }) == .binaryTable else {
                    throw MeasuredCurvesError(path: path, problem: "HDU \(extname) is not a binary table")
                }
                label = "HDU \(extname)"
            } else {
                let count = try fitsCall(path, "counting HDUs") { () throws(FITSError) in try fits.hduCount }
                var found: Int?
                for hdu in 0..<count {
                    let type = try fitsCall(path, "reading HDU \(hdu)") { () throws(FITSError) in try fits.moveTo(hdu: hdu) }
                    if type == .binaryTable {
                        found = hdu
                        break
                    }
                }
                guard let found else { throw MeasuredCurvesError(path: path, problem: "no binary table in the file") }
                label = "HDU \(found)"
            }
            let columns = try fitsCall(path, "reading the columns of \(label)") { () throws(FITSError) in try fits.columnDescriptions() }
            return try body(Table(fits: fits, path: path, label: label, columns: columns))
        }
    }

    /// Runs a cfitsio call, turning its error into one about `path`.
    static func fitsCall<R>(_ path: String, _ doing: String, _ body: () throws(FITSError) -> R) throws(MeasuredCurvesError) -> R {
        do {
            return try body()
        } catch {
            throw wrap(error, path: path, doing: doing)
        }
    }

    static func wrap(_ error: FITSError, path: String, doing: String) -> MeasuredCurvesError {
        MeasuredCurvesError(path: path, problem: "\(doing) failed (cfitsio \(error.call), status \(error.status)): \(error.message)")
    }
}
