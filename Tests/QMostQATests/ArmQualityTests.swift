import Foundation
import QMostCore
import QMostL1
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import QMostQA

/// The QA numbers of Figure 7 on spectra whose answers are known: white noise, a sky line at a known place and
/// width, a badly subtracted fibre.
struct ArmQualityTests {
    /// 40 fibres on the LRS green grid: a continuum sky of 100 with a Gaussian [OI] 5577 line (σ = 0.8 Å) moved by
    /// `shift` Å, unit-variance white noise after subtraction; every other fibre is sky.
    func exposure(shift: Double = 0, skyResidual: Double = 0, seed: UInt64 = 1) -> ArmQualityInput {
        let grid = SpectralGrid(start: 5200, step: 0.25, count: 8000)
        let rows = 40, nb = grid.count
        var rng = SplitMix64(seed: seed)
        var flux = [Float](repeating: 0, count: rows * nb), noss = flux
        for f in 0..<rows {
            for i in 0..<nb {
                let l = grid.wavelength(ofBin: i)
                let line = 400 * exp(-0.5 * pow((l - 5577.338 - shift) / 0.8, 2))
                let noise = rng.normal()
                let target = f % 2 == 0 ? 0.0 : 20.0
                flux[f * nb + i] = Float(target + noise + (f == 6 ? skyResidual : 0))
                noss[f * nb + i] = Float(100 + line + target + noise)
            }
        }
        let variance = [Float](repeating: 1, count: rows * nb), mask = [UInt8](repeating: 0, count: rows * nb)
        let spectra = RebinnedSpectra(arm: .green, grid: grid, slitPositions: Array(1...rows), flux: flux, variance: variance, mask: mask)
        let unsub = RebinnedSpectra(arm: .green, grid: grid, slitPositions: Array(1...rows), flux: noss, variance: variance.map { $0 + 100 }, mask: mask)
        let fibres: [QAFibre?] = (0..<rows).map { f in
            QAFibre(slitPosition: f + 1, fibreID: f + 1, use: f % 2 == 0 ? 3 : 1, ra: 10 + 0.01 * Double(f), dec: -20)
        }
        return ArmQualityInput(spectrograph: "LRS-A", arm: .green, spectra: spectra, unsubtracted: unsub, fibres: fibres,
                               fieldRA: 10.2, fieldDec: -20, fluxCalibrated: false)
    }

    @Test func whiteNoiseHasNoCovarianceAndASkyLineShiftIsMeasured() {
        let q = ArmQualityMeasurement().measure(exposure(shift: 0.3))
        print("measured: covariance \(q.covariance.map { String(format: "%.3f", $0) }), noise factor \(q.noiseFactor)")
        #expect(q.covariance.count == 9 && abs(q.covariance[4] - 1) < 1e-9)
        #expect(q.covariance.enumerated().allSatisfy { $0.offset == 4 || abs($0.element) < 0.03 })
        #expect(abs(q.noiseFactor - 1) < 0.1)
        #expect(q.skyFibres == 20 && abs(q.averageSkyFlux - 100) < 1)
        let oi = try! #require(q.skyLines.first { $0.wavelength == 5577.338 })
        print("measured: [OI] 5577 offset \(oi.offset) ± \(oi.offsetRMS) Å, FWHM \(oi.fwhm) Å over \(oi.fibres) fibres")
        #expect(abs(oi.offset - 0.3) < 0.01 && oi.fibres == 40)
        #expect(abs(oi.fwhm - 2.3548 * 0.8) < 0.05)
        // The other lines of Figure 7 lie in the arm too but have no flux here: nothing is measured at them.
        #expect(q.skyLines.count == 1, "lines measured: \(q.skyLines.map(\.wavelength))")
        // Residuals in σ at the line: unit rms, Gaussian kurtosis.
        print("measured: sky-line residual rms \(q.skyLineResidualRMS), kurtosis \(q.skyLineResidualKurtosis) over \(q.skyLineResiduals.count) pixels")
        #expect(abs(q.skyLineResidualRMS - 1) < 0.1 && abs(q.skyLineResidualKurtosis - 1) < 0.25)
        #expect(q.negativeVariancePixels == 0 && q.lowFluxFibres == 0)
    }

    @Test func aBadlySubtractedSkyFibreShowsInTheResidualsAndTheTableReadsLikeFigure7() {
        let clean = ArmQualityMeasurement().measure(exposure())
        let bad = ArmQualityMeasurement().measure(exposure(skyResidual: 10))
        let worst = bad.fibres.filter { $0.use == 3 }.compactMap(\.skyResidualPercent).map(abs).max()!
        #expect(worst > 9 && worst < 11, "fibre 6 is 10% off: \(worst)")
        #expect(clean.residualSkyPercent < 1)
        let text = QualityTableText.render(bad)
        for line in ["QMOST GREEN LRS-A SCIENCE", "Sky covariance:", "Noise factor", "log10(KS) stats sky -v- targets",
                     "Average sky flux and no. of sky", "Residual median sky sigma and %", "No. of fibres with extremely low flux",
                     "Skyline residual rms & kurtosis", "[OI] 5577.338", "No. of pixels with -ve NOSS out of total"] {
            #expect(text.contains(line), "\(line) in\n\(text)")
        }
        // Targets with 20 over the sky and sky fibres with nothing differ in flux, not in noise.
        #expect(bad.ksLog10[1] > -2, "KS on the pipeline noise: \(bad.ksLog10)")
    }

    @Test func thePlotsAreWellFormedSVGWithLabelledAxes() throws {
        let q = ArmQualityMeasurement().measure(exposure(shift: 0.1))
        let plots = DiagnosticPlots.render(q, fieldRA: 10.2, fieldDec: -20)
        #expect(Set(plots.keys) == Set(DiagnosticPlots.names))
        for (name, svg) in plots {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "\(name) parses as XML: \(parser.parserError.map { "\($0)" } ?? "")")
            #expect(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.contains("</svg>"))
            #expect(svg.contains("[") && svg.contains("]"), "\(name) has units in its axis labels")
            #expect(svg.components(separatedBy: "<text").count > 10, "\(name) has tick labels")
        }
        #expect(plots["delskys"]!.contains("wavelength [Angstrom]") && plots["skyline"]!.contains("slit position"))
    }
}
