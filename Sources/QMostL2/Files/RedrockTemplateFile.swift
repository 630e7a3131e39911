import Foundation
import QMostCore
import QMostFITS

/// Reads redrock's template files (`rrtemplate-<TYPE>[-<SUBTYPE>]-<version>.fits`, Bailey & Schlegel, desihub/redrock):
/// the primary (or `BASIS_VECTORS`) image holds one eigen-spectrum per row at rest vacuum wavelengths given by
/// CRVAL1/CDELT1/CRPIX1, in log10 Å when `LOGLAM` is true; `RRTYPE` names the class (GALAXY, QSO, STAR),
/// `RRSUBTYP` the subtype; an optional `REDSHIFTS` HDU gives the redshift range the template was built for.
public enum RedrockTemplateFile {
    /// Reads one template file; every problem names the file.
    public static func read(_ path: String) throws(FileProblem) -> PCATemplate {
        do {
            return try withFITSFile(path) { file in
                let hdu = (try? file.moveTo(extname: "BASIS_VECTORS")) ?? 0
                let header = try file.header(hdu: hdu)
                let image = try file.readImage(hdu: hdu, as: Double.self)
                guard image.shape.count == 2, image.shape[0] >= 2, image.shape[1] >= 1 else {
                    throw FileProblem(path: path, problem: "the basis vectors are not a 2-D image of wavelengths × components (shape \(image.shape))")
                }
                let samples = image.shape[0], components = image.shape[1]
                guard components <= PCATemplate.lanes else {
                    throw FileProblem(path: path, problem: "\(components) basis vectors; at most \(PCATemplate.lanes) are supported")
                }
                guard let typeName = header.string("RRTYPE")?.trimmingCharacters(in: .whitespaces).uppercased(),
                      let spectralClass = SpectralClass(rawValue: typeName)
                else {
                    throw FileProblem(path: path, problem: "RRTYPE '\(header.string("RRTYPE") ?? "")' is none of GALAXY, QSO, STAR")
                }
                guard let crval = header.double("CRVAL1"), let cdelt = header.double("CDELT1"), cdelt > 0 else {
                    throw FileProblem(path: path, problem: "CRVAL1 and a positive CDELT1 are needed for the wavelength grid")
                }
                let start = crval + (1 - (header.double("CRPIX1") ?? 1)) * cdelt
                let logarithmic = header.bool("LOGLAM") ?? (header.int("LOGLAM").map { $0 != 0 } ?? false)
                let rows = (0..<components).map { c in Array(image.pixels[(c * samples)..<((c + 1) * samples)]) }
                guard rows.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
                    throw FileProblem(path: path, problem: "the basis vectors hold non-finite values")
                }
                var range: ClosedRange<Double>?
                if let z = try? file.moveTo(extname: "REDSHIFTS") {
                    let grid: [Double]
                    if try file.hduType(hdu: z) == .image {
                        grid = try file.readImage(hdu: z, as: Double.self).pixels
                    } else {
                        grid = try file.readColumn("REDSHIFT", hdu: z, as: Double.self).values
                    }
                    if let lo = grid.min(), let hi = grid.max(), lo < hi { range = lo...hi }
                }
                return PCATemplate(
                    spectralClass: spectralClass,
                    subtype: header.string("RRSUBTYP")?.trimmingCharacters(in: .whitespaces).uppercased() ?? "",
                    source: (path as NSString).lastPathComponent,
                    version: header.string("VERSION")?.trimmingCharacters(in: .whitespaces) ?? "",
                    sampling: logarithmic ? .log10(start: start, step: cdelt) : .linear(start: start, step: cdelt),
                    // redrock's quasar eigen-spectra are trained on forest-corrected spectra (their header says so)
                    // and redrock applies the mean forest at fit time.
                    components: rows, redshiftRange: range, forestCorrected: spectralClass == .qso)
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }

    /// Every `rrtemplate-*.fits` in `directory`, in name order.
    public static func readAll(directory: String) throws(FileProblem) -> [PCATemplate] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasPrefix("rrtemplate-") && $0.lowercased().hasSuffix(".fits") }.sorted()
        } catch {
            throw FileProblem(path: directory, problem: "cannot list the templates: \(error.localizedDescription)")
        }
        guard !names.isEmpty else { throw FileProblem(path: directory, problem: "no rrtemplate-*.fits files") }
        var templates: [PCATemplate] = []
        for name in names { templates.append(try read((directory as NSString).appendingPathComponent(name))) }
        return templates
    }
}
