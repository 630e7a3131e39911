import Foundation
import QMostCore

/// Stacks of one object across OBs (seed 11.5): the night stack of its OB products of one night, and the deep
/// stack of all its OB products to date. The inputs are already heliocentric on the setting's grid
/// (``ObservingBlockProducts``), so a stack is their inverse-variance mean bin by bin, clipped where three or
/// more cover a bin (``SpectrumStack``); it is written in the same Phase 3 form, listing its inputs as PROVi.
///
/// Names (ours; the public 4MOST names cover only per-OB products): `qmost_<CNAME>_<YYYYMMDD>_NIGHT_<L|H><B|G|R|J>1.fits`
/// and `qmost_<CNAME>_DEEP_<L|H><B|G|R|J>1.fits`.
public enum TargetStacks {
    /// The file name of a night (`night` given) or deep stack.
    public static func fileName(cname: String, night: Night?, resolution: ResolutionMode, part: Phase3SpectrumPart) -> String? {
        guard let name = CoordinateName.canonicalCNAME(cname), !(resolution == .high && part == .joined) else { return nil }
        let level = night.map { "\($0.compact)_NIGHT" } ?? "DEEP"
        return "qmost_\(name)_\(level)_\(resolution == .low ? "L" : "H")\(part.letter)1.fits"
    }

    /// Combines the Phase 3 files `inputs` (one object, one part, at least two) and writes the stack to `path`
    /// with the given identifiers; returns its median S/N. The header is the latest input's, with the counts,
    /// times and provenance of the whole stack.
    public static func write(inputs: [String], identity: ObservingBlockProducts.Identity, level: StackLevel,
                             to path: String) throws(FileProblem) -> Double {
        guard inputs.count >= 2 else { throw FileProblem(path: path, problem: "a stack needs at least two inputs, not \(inputs.count)") }
        var headers: [Phase3Header] = []
        var combined: [CombinedSpectrum] = []
        for input in inputs {
            let s = try Phase3SpectrumFile.read(input)
            guard let c = s.combined else { throw FileProblem(path: input, problem: "WAVE is not a uniform grid; it cannot be stacked") }
            if let first = headers.first, first.cname != s.header.cname {
                throw FileProblem(path: input, problem: "CNAME \(s.header.cname) is not the stack's \(first.cname)")
            }
            headers.append(s.header)
            combined.append(c)
        }
        let stack: CombinedSpectrum
        do { stack = try TargetCombination.stack(combined) } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
        var h = headers.max { $0.mjdEnd < $1.mjdEnd }!
        h.spectrumUID = identity.specuid
        h.spectrumProvenance = identity.provenance
        h.combined = headers.reduce(0) { $0 + $1.combined }
        h.totalExposureTime = headers.reduce(0) { $0 + $1.totalExposureTime }
        h.mjdStart = headers.map(\.mjdStart).min()!
        h.mjdEnd = headers.map(\.mjdEnd).max()!
        h.provenance = inputs.map { ($0 as NSString).lastPathComponent }
        // The mean correction, weighted by exposures: what was applied to each input, not to this file.
        h.heliocentricCorrection = headers.reduce(0) { $0 + ($1.heliocentricCorrection ?? 0) * Double($1.combined) } / Double(max(h.combined, 1))
        h.title = "\(h.cname) \(level == .night ? "night" : "deep") stack of \(inputs.count)"
        let out = Phase3Spectrum(stack, header: h)
        try Phase3SpectrumFile.write(path, out)
        return out.medianSNR
    }
}
