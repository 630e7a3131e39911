import Foundation
import QMostCore
import QMostL1

/// The QA of one Phase 3 spectrum, whatever its stack level (seed 9.2: "irrespective of stack level (single
/// exposure, OB-level to deep stacks)"). Figure 7's sky numbers need sky fibres a stack does not have; what a
/// stack can tell is its own noise and flags.
public struct StackQuality: Sendable, Equatable, Codable {
    /// The file name, SPECUID and the part (`B`, `G`, `R`, `J`).
    public var fileName: String
    public var specuid: Int64
    public var part: String
    public var obID: Int64
    public var combined: Int
    /// Median S/N per good bin (SNR).
    public var snr: Double
    /// The spectrum's own pixel-to-pixel noise over the pipeline's (robust σ of first differences / √2, over
    /// √median variance); below 1 where rebinning correlates the bins.
    public var noiseRatio: Double
    /// Bins flagged in QUAL, as a fraction of all.
    public var maskedFraction: Double
    /// Unflagged bins whose error is negative, zero or not finite.
    public var badErrorPixels: Int

    /// Measures `spectrum`, stored as `fileName`.
    public static func measure(_ spectrum: Phase3Spectrum, fileName: String, part: String) -> StackQuality {
        let n = spectrum.flux.count
        var good: [Int] = [], bad = 0, masked = 0
        for i in 0..<n {
            if spectrum.quality[i] != 0 { masked += 1; continue }
            let e = spectrum.error[i]
            if !(e > 0) || !e.isFinite { bad += 1 } else { good.append(i) }
        }
        var diffs: [Double] = []
        for k in 1..<max(good.count, 1) where good[k] == good[k - 1] + 1 {
            diffs.append(Double(spectrum.flux[good[k]] - spectrum.flux[good[k - 1]]))
        }
        let pipeline = SampleStatistics.median(good.map { Double(spectrum.error[$0] * spectrum.error[$0]) }).squareRoot()
        let sigma = SampleStatistics.robustSigma(diffs) / 2.0.squareRoot()
        return StackQuality(fileName: fileName, specuid: spectrum.header.spectrumUID, part: part, obID: spectrum.header.obID,
                            combined: spectrum.header.combined, snr: spectrum.medianSNR, noiseRatio: pipeline > 0 ? sigma / pipeline : .nan,
                            maskedFraction: n > 0 ? Double(masked) / Double(n) : .nan, badErrorPixels: bad)
    }

    /// The value a test reads, nil for the exposure-level metrics.
    public func value(of metric: QualityMetric) -> Double? {
        switch metric {
        case .stackMaskedFraction: return maskedFraction.isFinite ? maskedFraction : nil
        case .stackBadErrorPixels: return Double(badErrorPixels)
        default: return nil
        }
    }
}

extension QualityAssessment {
    /// The outcomes of `tests` on a stack's QA; the exposure-level tests are left out.
    public static func evaluate(_ tests: [QualityTest], on quality: StackQuality) -> [QualityOutcome] {
        tests.compactMap { t in
            guard let v = quality.value(of: t.metric) else { return nil }
            return QualityOutcome(test: t, value: v, state: t.state(v), info: "\(quality.fileName): \(t.name)")
        }
    }
}

/// The night's stack QA table: one JSON file and one text table for all its Phase 3 spectra.
public enum StackQualityTable {
    public static func write(_ rows: [StackQuality], json: String, text: String) throws(FileProblem) {
        let encoder = QualityJSON.encoder
        let data: Data
        do { data = try encoder.encode(rows) } catch { throw FileProblem(path: json, problem: "\(error)") }
        try ExposureQuality.writeAtomically(json, data)
        var lines = ["QMOST STACKS: file, SPECUID, part, OB, NCOMBINE, SNR, noise ratio, masked fraction, bad-error pixels"]
        for r in rows {
            lines.append(String(format: "%@ %lld %@ %lld %d %.2f %.3f %.4f %d", r.fileName as NSString, r.specuid, r.part as NSString, r.obID, r.combined,
                                r.snr, r.noiseRatio, r.maskedFraction, r.badErrorPixels))
        }
        try ExposureQuality.writeAtomically(text, Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    public static func read(json path: String) throws(FileProblem) -> [StackQuality] {
        let decoder = QualityJSON.decoder
        do {
            return try decoder.decode([StackQuality].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw FileProblem(path: path, problem: "not a stack QA table: \(error)")
        }
    }
}
