import Foundation
import QMostFITS

/// Errors reading a spectral template file; each names the file.
public enum TemplateFileError: Error, Equatable, CustomStringConvertible, Sendable {
    /// cfitsio could not open or read the file.
    case fits(path: String, error: FITSError)
    /// No binary table in the file has a wavelength and a flux column.
    case missingColumn(path: String, column: String, available: [String])
    /// A column's TUNIT is not one the loader understands for it.
    case unexpectedUnit(path: String, column: String, unit: String, expected: String)
    /// The columns are unusable (lengths, ordering, non-finite values).
    case invalidData(path: String, reason: String)

    public var description: String {
        switch self {
        case let .fits(path, error): "\(path): \(error)"
        case let .missingColumn(path, column, available):
            "\(path): no column \(column) (columns: \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        case let .unexpectedUnit(path, column, unit, expected): "\(path): column \(column) has unit '\(unit)', expected \(expected)"
        case let .invalidData(path, reason): "\(path): \(reason)"
        }
    }
}

/// A rest-frame spectral template read from a FITS file.
///
/// Two layouts are understood:
/// - 4FS templates (`*-qmost-template.fits`): binary table extension `SPECTRUM` with `LAMBDA` [Å] and
///   `FLUX_DENSITY` [erg s⁻¹ cm⁻² Å⁻¹], the header's `MAG` giving the magnitude it was scaled to;
/// - composites with `WAVE` and `FLUX` columns (the Selsing et al. 2016 quasar template) whose columns carry no
///   unit: wavelengths in Å and F_λ in relative units, flagged by ``absoluteFlux`` = false.
///
/// The SDSS stacks and the X-shooter composite are on vacuum wavelengths, so the spectrum is marked vacuum.
public struct TemplateFile: Sendable, Equatable {
    /// The file read.
    public var path: String
    /// The template, in erg s⁻¹ cm⁻² Å⁻¹ when ``absoluteFlux``, else in the file's relative units.
    public var spectrum: Spectrum
    /// Whether the flux column had a flux-density unit (converted to erg s⁻¹ cm⁻² Å⁻¹).
    public var absoluteFlux: Bool
    /// The header keyword `MAG`, when present.
    public var magnitude: Double?

    /// The column pairs tried, in order.
    static let layouts: [(wave: String, flux: String)] = [("LAMBDA", "FLUX_DENSITY"), ("WAVE", "FLUX")]

    /// Reads a template file: the `SPECTRUM` extension if there is one, otherwise the first binary table with
    /// one of the known column pairs. Wavelength units Å, nm and µm are converted to Å; flux-density units
    /// must reduce to erg s⁻¹ cm⁻² Å⁻¹ (a numeric scale such as `1e-17` is applied); a column without a unit
    /// is taken as Å, and as relative flux.
    public static func read(_ path: String) throws(TemplateFileError) -> TemplateFile {
        let file: FITSFile
        do { file = try FITSFile.open(path) } catch { throw .fits(path: path, error: error) }
        defer { try? file.close() }
        do {
            var candidates: [Int] = []
            if let spectrumHDU = try? file.moveTo(extname: "SPECTRUM") { candidates.append(spectrumHDU) }
            for hdu in 0..<(try file.hduCount) where !candidates.contains(hdu) {
                if try file.moveTo(hdu: hdu) == .binaryTable { candidates.append(hdu) }
            }
            var seen: [String] = []
            for hdu in candidates {
                let columns = try file.columnDescriptions(hdu: hdu)
                seen += columns.map(\.name)
                for layout in layouts {
                    guard let wave = columns.first(where: { $0.name.uppercased() == layout.wave }),
                          let flux = columns.first(where: { $0.name.uppercased() == layout.flux }) else { continue }
                    return try read(file, path: path, hdu: hdu, wave: wave, flux: flux)
                }
            }
            throw TemplateFileError.missingColumn(path: path, column: "LAMBDA/FLUX_DENSITY or WAVE/FLUX", available: seen)
        } catch let error as TemplateFileError {
            throw error
        } catch let error as FITSError {
            throw .fits(path: path, error: error)
        } catch {
            throw .invalidData(path: path, reason: "\(error)")
        }
    }

    /// Reads the template of one HDU once its columns are known.
    private static func read(
        _ file: FITSFile, path: String, hdu: Int, wave: FITSColumnDescription, flux: FITSColumnDescription
    ) throws -> TemplateFile {
        guard let waveScale = wavelengthScale(wave.unit) else {
            throw TemplateFileError.unexpectedUnit(path: path, column: wave.name, unit: wave.unit ?? "", expected: "Angstrom, nm or um")
        }
        let fluxUnit = flux.unit?.trimmingCharacters(in: .whitespaces) ?? ""
        var fluxScale = 1.0
        let absolute = !fluxUnit.isEmpty
        if absolute {
            guard let scale = fluxDensityScale(fluxUnit) else {
                throw TemplateFileError.unexpectedUnit(path: path, column: flux.name, unit: fluxUnit, expected: "erg/(s cm2 Angstrom)")
            }
            fluxScale = scale
        }
        let lambda = try file.readColumn(wave.name, hdu: hdu, as: Double.self).values.map { $0 * waveScale }
        let values = try file.readColumn(flux.name, hdu: hdu, as: Double.self).values.map { $0 * fluxScale }
        guard lambda.count == values.count, lambda.count >= 2 else {
            throw TemplateFileError.invalidData(path: path, reason: "\(lambda.count) wavelengths and \(values.count) flux values")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw TemplateFileError.invalidData(path: path, reason: "non-finite \(flux.name) in row \(bad + 1)")
        }
        let spectrum: Spectrum
        do { spectrum = try Spectrum(wavelengths: lambda, flux: values, medium: .vacuum) } catch {
            throw TemplateFileError.invalidData(path: path, reason: "\(wave.name): \(error.description)")
        }
        let magnitude = (try? file.header(hdu: hdu))?.double("MAG")
        return TemplateFile(path: path, spectrum: spectrum, absoluteFlux: absolute, magnitude: magnitude)
    }

    /// Å per unit of a wavelength TUNIT (nil if unknown); no unit means Å.
    static func wavelengthScale(_ unit: String?) -> Double? {
        let u = (unit ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        switch u {
        case "", "angstrom", "angstroms", "angstroem", "aa", "a", "0.1nm", "0.1 nm": return 1
        case "nm", "nanometer", "nanometre": return 10
        case "um", "micron", "microns", "micrometer", "micrometre", "µm": return 1e4
        default: return nil
        }
    }

    /// The factor converting a flux-density TUNIT to erg s⁻¹ cm⁻² Å⁻¹, or nil when the unit does not reduce
    /// to that. Understands products and quotients with `*`, `.`, spaces, `/`, parentheses, exponents
    /// (`cm2`, `cm^2`, `cm**2`, `cm-2`), the prefixes in `1e-17` or `10**-17`, and W/m²/nm/µm alternatives.
    static func fluxDensityScale(_ unit: String) -> Double? {
        guard let (scale, powers) = UnitExpression.parse(unit) else { return nil }
        // Reduce to cgs + Å: each base unit's factor and dimension.
        let table: [String: (factor: Double, dimension: [String: Int])] = [
            "erg": (1, ["erg": 1]), "j": (1e7, ["erg": 1]), "w": (1e7, ["erg": 1, "s": -1]),
            "s": (1, ["s": 1]), "cm": (1, ["cm": 1]), "m": (100, ["cm": 1]),
            "angstrom": (1, ["aa": 1]), "angstroem": (1, ["aa": 1]), "aa": (1, ["aa": 1]), "a": (1, ["aa": 1]),
            "nm": (10, ["aa": 1]), "um": (1e4, ["aa": 1]), "micron": (1e4, ["aa": 1]),
        ]
        var factor = scale
        var dimension: [String: Int] = [:]
        for (symbol, power) in powers {
            guard let entry = table[symbol] else { return nil }
            factor *= pow(entry.factor, Double(power))
            for (d, p) in entry.dimension { dimension[d, default: 0] += p * power }
        }
        let expected = ["erg": 1, "s": -1, "cm": -2, "aa": -1]
        guard dimension.filter({ $0.value != 0 }) == expected else { return nil }
        return factor
    }
}

/// A tiny parser for FITS/astropy unit strings ("erg / (Angstrom * cm * cm * s)", "1e-17 erg/s/cm2/A").
enum UnitExpression {
    /// The numeric scale and the power of each (lower-cased) symbol, or nil on a syntax error.
    static func parse(_ text: String) -> (Double, [String: Int])? {
        var tokens: [String] = []
        var current = ""
        func flush() { if !current.isEmpty { tokens.append(current); current = "" } }
        let chars = Array(text.replacingOccurrences(of: "**", with: "^"))
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "(" || c == ")" || c == "/" || c == "*" || c == "^" {
                flush(); tokens.append(String(c))
            } else if c == " " || c == "." && !(current.last?.isNumber ?? false) {
                flush()
            } else {
                current.append(c)
            }
            i += 1
        }
        flush()
        var position = 0
        var scale = 1.0
        var powers: [String: Int] = [:]
        // expression := term (('/' | '*')? term)* ; a '/' inverts only the next term (FITS standard).
        func term(_ sign: Int) -> Bool {
            guard position < tokens.count else { return false }
            let token = tokens[position]
            position += 1
            if token == "(" {
                var innerSign = 1
                while position < tokens.count, tokens[position] != ")" {
                    if tokens[position] == "/" { innerSign = -1; position += 1; continue }
                    if tokens[position] == "*" { position += 1; continue }
                    guard term(sign * innerSign) else { return false }
                    innerSign = 1
                }
                guard position < tokens.count else { return false }
                position += 1
                return true
            }
            var exponent = 1
            if position + 1 < tokens.count, tokens[position] == "^", let e = Int(tokens[position + 1]) {
                exponent = e
                position += 2
            }
            if let number = Double(token) {
                scale *= pow(number, Double(sign * exponent))
                return true
            }
            // Trailing integer exponent written on the symbol: cm2, cm-2.
            var symbol = token
            var digits = ""
            while let last = symbol.last, last.isNumber || last == "-" || last == "+" {
                digits = String(last) + digits
                symbol.removeLast()
            }
            guard !symbol.isEmpty, symbol.allSatisfy({ $0.isLetter || $0 == "µ" }) else { return false }
            if !digits.isEmpty {
                guard let e = Int(digits) else { return false }
                exponent *= e
            }
            powers[symbol.lowercased().replacingOccurrences(of: "µ", with: "u"), default: 0] += sign * exponent
            return true
        }
        var sign = 1
        while position < tokens.count {
            if tokens[position] == "/" { sign = -1; position += 1; continue }
            if tokens[position] == "*" { position += 1; continue }
            guard term(sign) else { return nil }
            sign = 1
        }
        return (scale, powers)
    }
}

extension Spectrum {
    /// The rest-frame spectrum of a template file (see ``TemplateFile/read(_:)``).
    public init(templateFile path: String) throws(TemplateFileError) {
        self = try TemplateFile.read(path).spectrum
    }
}
