import Foundation
import QMostCore

/// The night's container of L1 spectra for L2 (``NightSpectraFile``), made from the night's Phase 3 files: their
/// headers alone are read first (FIBMETATAB), then each file whole, one batch at a time (SPECTAB), so a full night
/// never sits in memory and no array is read twice.
public enum NightContainer {
    /// Writes the container of the Phase 3 files `inputs` (with their SHA-256 when known, for PROVTAB) to `path`.
    /// A spectrum whose OB is not among `blocks` gets a row made from its own header.
    public static func write(_ path: String, night: Night, inputs: [(path: String, sha256: String?)],
                             blocks: [NightObservingBlock]) throws(FileProblem) {
        var entries: [NightSpectrum] = []
        var elements: [Int] = []
        var blocks = blocks
        for input in inputs {
            let (h, n) = try Phase3SpectrumFile.readHeader(input.path)
            let part: Phase3SpectrumPart = (input.path.hasSuffix("J1.fits")) ? .joined
                : .arm(ArmName.allCases.first { input.path.hasSuffix("\(Phase3SpectrumPart.arm($0).letter)1.fits") } ?? .blue)
            entries.append(NightSpectrum(spectrum: Phase3Spectrum(wavelength: [], flux: [], error: [], quality: [], fluxNoSkySubtraction: [],
                                                                  errorNoSkySubtraction: [], header: h),
                                         part: part, fileName: (input.path as NSString).lastPathComponent))
            elements.append(n)
            if !blocks.contains(where: { $0.obID == h.obID }) {
                blocks.append(NightObservingBlock(obID: h.obID, object: h.object, ra: h.ra, dec: h.dec, mjdStart: h.mjdStart, mjdEnd: h.mjdEnd,
                                                  exposureTime: h.exposureTime, totalExposureTime: h.totalExposureTime, exposures: h.combined,
                                                  airmassStart: 0, airmassEnd: 0, programme: h.programme))
            }
        }
        let provenance = inputs.map { NightProvenance(fileName: ($0.path as NSString).lastPathComponent, sha256: $0.sha256, kind: "L1") }
        let date = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        let contents = NightSpectra(night: night, spectra: entries, observingBlocks: blocks, provenance: provenance, date: date)
        try NightSpectraFile.write(path, contents, elements: elements) { i throws(FileProblem) in try Phase3SpectrumFile.read(inputs[i].path) }
    }
}
