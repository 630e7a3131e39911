import Foundation
import QMostCore
import QMostQA
import QMostTesting
import Testing
@testable import QMostL1

/// The qa module (seed 9.2.1) on exposures reduced by the real pipeline from a clean simulated night: Figure 7's
/// numbers where a clean reduction puts them, the tables and plots written.
@Suite(.serialized)
struct ExposureQualityTests {
    let night = ProductsNight.reduced

    @Test func aCleanExposureGivesFigure7sNumbersWhereACleanReductionPutsThem() throws {
        let e = night.exposures[0]
        let (arms, ra, dec) = try ExposureQuality.measure(spectra: e.spectra, raw: e.raw, spectrograph: "LRS-A")
        #expect(arms.map(\.arm) == ["BLUE", "GREEN", "RED"])
        for q in arms {
            let lines = q.skyLines.map { String(format: "%.3f: %+.4f ± %.4f Å, FWHM %.3f Å (%d fibres)", $0.wavelength, $0.offset, $0.offsetRMS, $0.fwhm, $0.fibres) }
            print("measured: \(q.arm): noise factor \(q.noiseFactor), covariance lag 1 \(q.covariance[5]), sky \(q.averageSkyFlux) from \(q.skyFibres) fibres, residual sky \(q.residualSkyPercent)%, sky-line residual rms \(q.skyLineResidualRMS) kurtosis \(q.skyLineResidualKurtosis), low-flux fibres \(q.lowFluxFibres), KS \(q.ksLog10), lines \(lines)")
            // The small scale's detector has ~1.8 Å pixels under 0.25 Å bins: neighbouring bins share most of their
            // pixels, so the noise of a sum is well above what the variance says.
            #expect(q.skyFibres >= 3 && q.noiseFactor > 1 && q.noiseFactor < 3)
            #expect(q.negativeVariancePixels == 0 && q.lowFluxFibres == 0)
            if !q.skyLines.isEmpty {
                let median = q.skyLines.map(\.offset).sorted()[q.skyLines.count / 2]
                #expect(abs(median) < 0.05, "\(q.arm): median sky-line offset \(median) Å")
            }
        }
        // The default catalogue passes a clean exposure (state >= 1 for every test that applies).
        for q in arms {
            let outcomes = QualityAssessment.evaluate(Configuration().qaTests, on: q, label: "clean")
            print("measured: \(q.arm) tests: " + outcomes.map { "\($0.test.id) \(String(format: "%.3g", $0.value)) → \($0.state)" }.joined(separator: ", "))
            #expect(outcomes.allSatisfy { $0.state >= 1 }, "\(outcomes.filter { $0.state == 0 }.map(\.info))")
        }
        let green = try #require(arms.first { $0.arm == "GREEN" })
        #expect(green.skyLines.contains { $0.wavelength == 5577.338 }, "[OI] 5577 is measured in the green arm")
        let folder = night.night.directory.file("qa")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let written = try ExposureQuality.write(arms, fieldRA: ra, fieldDec: dec, base: "exposure", into: folder)
        #expect(written.count == 3 * (2 + DiagnosticPlots.names.count))
        let back = try ExposureQuality.read(json: "\(folder)/exposure_GREEN_qa.json")
        #expect(back.noiseFactor == green.noiseFactor && back.skyLines == green.skyLines)
        print("measured: QA table of the green arm:\n" + (try String(contentsOfFile: "\(folder)/exposure_GREEN_qa.txt", encoding: .utf8)).split(separator: "\n").suffix(16).joined(separator: "\n"))
    }

    @Test func aPhase3SpectrumsQualityAtAnyStackLevel() throws {
        let (_, written) = try night.products([0, 1, 2], folder: "stack-qa")
        var rows: [StackQuality] = []
        for w in written.prefix(12) {
            let s = try Phase3SpectrumFile.read(w.path)
            rows.append(StackQuality.measure(s, fileName: (w.path as NSString).lastPathComponent, part: w.part.letter))
        }
        for r in rows {
            #expect(r.badErrorPixels == 0 && r.maskedFraction < 0.3 && r.noiseRatio > 0 && r.noiseRatio < 1.5 && r.combined == 3, "\(r)")
        }
        print("measured: stack QA of \(rows.count) OB products: masked fraction \(rows.map { String(format: "%.3f", $0.maskedFraction) }), noise ratio \(rows.map { String(format: "%.2f", $0.noiseRatio) })")
        let outcomes = rows.flatMap { QualityAssessment.evaluate(Configuration().qaTests, on: $0) }
        #expect(outcomes.count == 2 * rows.count && outcomes.allSatisfy { $0.state >= 1 })
        let folder = night.night.directory.file("stack-qa-table")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try StackQualityTable.write(rows, json: "\(folder)/s.json", text: "\(folder)/s.txt")
        #expect(try StackQualityTable.read(json: "\(folder)/s.json") == rows)
    }
}
