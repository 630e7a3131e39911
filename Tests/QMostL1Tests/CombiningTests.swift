import Foundation
import QMostCore
import Testing
@testable import QMostL1

/// Joining the LRS arms (seed 9.1.17) and stacking exposures (seed 11.5) by inverse-variance weighting, on the
/// arms' real standard grids with noise that grows where each arm's throughput rolls off at its ends.
struct CombiningTests {
    /// A smooth continuum with absorption lines (erg/s/cm²/Å).
    static func truth(_ lambda: Double) -> Double {
        var f = 1e-16 * pow(lambda / 5000, -1.5)
        for line in [4861.3, 5183.6, 6562.8, 8542.1] { f *= 1 - 0.4 * exp(-0.5 * pow((lambda - line) / 3, 2)) }
        return f
    }

    /// One arm's calibrated spectrum: S/N 30 in the middle falling to ~3 at the ends where the throughput does.
    static func arm(_ name: ArmName, seed: UInt64, signalToNoise: Double = 30) -> CalibratedSpectrum {
        let model = InstrumentModel.default.arm(.lrsA, name)
        let grid = SpectralGrid.standard(for: model)
        var rng = SplitMix64(seed: seed)
        var flux = [Float](repeating: 0, count: grid.count), variance = flux, mask = [UInt8](repeating: 0, count: grid.count)
        let lo = model.wavelengthRange.lowerBound, hi = model.wavelengthRange.upperBound
        for i in 0..<grid.count {
            let l = grid.wavelength(ofBin: i)
            let edge = min(l - lo, hi - l)
            guard edge > 0 else { mask[i] = CalibratedSpectrum.noData; continue }
            let throughput = 1 / (1 + exp(-(edge - 60) / 20))
            let sigma = truth(l) / (signalToNoise * max(throughput, 0.1))
            flux[i] = Float(truth(l) + sigma * rng.normal())
            variance[i] = Float(sigma * sigma)
        }
        return CalibratedSpectrum(grid: grid, flux: flux, variance: variance, mask: mask)
    }

    @Test func joinedArmsAreContinuousAcrossTheOverlapsWithHonestErrors() throws {
        let arms = [ArmName.blue, .green, .red].enumerated().map { Self.arm($1, seed: UInt64(10 + $0)) }
        let joined = try JoinedSpectrum.join(arms)
        #expect(joined.grid.start == arms[0].grid.start && joined.grid.end == arms[2].grid.end)
        // Every place where an arm starts or stops contributing, the joined spectrum must not step: the mean
        // normalised residual in 40 bins either side differs by less than 2σ.
        var worst = 0.0
        let boundaries = arms.flatMap { [$0.grid.start, $0.grid.end] }.dropFirst().dropLast()
        for b in boundaries {
            let centre = Int(((b - joined.grid.start) / joined.grid.step).rounded())
            func mean(_ range: Range<Int>) -> (Double, Double) {
                let z = range.filter { joined.isGood($0) }.map { (Double(joined.flux[$0]) - Self.truth(joined.grid.wavelength(ofBin: $0))) }
                let w = range.filter { joined.isGood($0) }.map { 1 / Double(joined.variance[$0]) }
                let sw = w.reduce(0, +)
                return (zip(z, w).reduce(0) { $0 + $1.0 * $1.1 } / sw, 1 / sw)
            }
            let (left, vl) = mean((centre - 40)..<centre), (right, vr) = mean(centre..<(centre + 40))
            worst = max(worst, abs(left - right) / (vl + vr).squareRoot())
        }
        var z: [Double] = []
        for i in 0..<joined.grid.count where joined.isGood(i) {
            z.append((Double(joined.flux[i]) - Self.truth(joined.grid.wavelength(ofBin: i))) / Double(joined.variance[i]).squareRoot())
        }
        let stats = RobustStatistics.clippedMean(z, kappa: 5)
        // In an overlap the join beats the better arm alone.
        let overlapBin = Int(((5400 - joined.grid.start) / joined.grid.step).rounded())
        let blueBin = Int(((5400 - arms[0].grid.start) / arms[0].grid.step).rounded()), greenBin = Int(((5400 - arms[1].grid.start) / arms[1].grid.step).rounded())
        let best = min(arms[0].variance[blueBin], arms[1].variance[greenBin])
        print("measured: joined \(joined.grid.count) bins; largest step at an arm boundary \(worst) σ; normalised residuals mean \(stats.mean), scatter \(stats.sigma); 5400 Å variance joined/best arm \(joined.variance[overlapBin] / best)")
        #expect(worst < 2, "step of \(worst) σ at an arm boundary")
        #expect(abs(stats.sigma - 1) < 0.05 && abs(stats.mean) < 0.05)
        #expect(joined.variance[overlapBin] < best)
    }

    @Test func stacksOfNExposuresReachRootNTheSignalToNoiseAndDropAnOutlier() throws {
        for n in [2, 4, 9] {
            var exposures = (0..<n).map { Self.arm(.green, seed: UInt64(100 + $0), signalToNoise: 10) }
            // A residual cosmic ray in one exposure.
            let hit = 3000
            exposures[0].flux[hit] += 50 * exposures[0].variance[hit].squareRoot()
            let stack = try SpectrumStack().stack(exposures)
            func medianSNR(_ s: CalibratedSpectrum) -> Double {
                // Empirical S/N: the truth over the scatter of the residuals, in the arm's flat middle.
                let bins = 2000..<6000
                let r = bins.map { Double(s.flux[$0]) - Self.truth(s.grid.wavelength(ofBin: $0)) }
                let sigma = RobustStatistics.clippedMean(r, kappa: 5).sigma
                return RobustStatistics.median(bins.map { Self.truth(s.grid.wavelength(ofBin: $0)) })! / sigma
            }
            let single = medianSNR(exposures[1]), stacked = medianSNR(stack)
            let ratio = stacked / (single * Double(n).squareRoot())
            print("measured: stack of \(n): S/N \(stacked) vs single \(single), ratio to √N \(ratio); outlier bin \(abs(Double(stack.flux[hit]) - Self.truth(stack.grid.wavelength(ofBin: hit))) / Double(stack.variance[hit]).squareRoot()) σ")
            #expect(abs(ratio - 1) < 0.1, "stack of \(n) reaches \(ratio) of √N")
            if n >= 3 {
                #expect(abs(Double(stack.flux[hit]) - Self.truth(stack.grid.wavelength(ofBin: hit))) < 5 * Double(stack.variance[hit]).squareRoot(),
                        "the outlier was left out")
            }
        }
    }

    @Test func gridsOfAnotherStepOrPhaseAreRefused() {
        let a = CalibratedSpectrum(grid: SpectralGrid(start: 4000, step: 0.25, count: 10), flux: .init(repeating: 1, count: 10),
                                   variance: .init(repeating: 1, count: 10), mask: .init(repeating: 0, count: 10))
        var b = a
        b.grid = SpectralGrid(start: 4000.1, step: 0.25, count: 10)
        var c = a
        c.grid = SpectralGrid(start: 4000, step: 0.05, count: 10)
        #expect(throws: InverseVarianceCombination.Failure.self) { try JoinedSpectrum.join([a, b]) }
        #expect(throws: InverseVarianceCombination.Failure.self) { try SpectrumStack().stack([a, c]) }
        #expect(throws: InverseVarianceCombination.Failure.nothingToCombine) { try SpectrumStack().stack([]) }
    }
}
