import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1
@testable import QMostSimulator

/// A small LRS-A night with a fibre flat, an arc, a Fabry–Pérot and one science exposure, reduced to extracted
/// spectra (master bias, detrending, tracing, boxcar extraction) once for all the wavelength tests.
final class WavelengthNight: @unchecked Sendable {  // immutable after init
    static let shared = try! WavelengthNight()

    struct Arm {
        var traces: [FibreTrace]
        var arc: ExtractedSpectra
        var fabryPerot: ExtractedSpectra
        var science: ExtractedSpectra
    }

    let night: Simulated
    let simulator: SpectrographSimulator
    let arms: [ArmName: Arm]

    init() throws {
        let counts = NightPlan.Counts(biases: 3, darks: 0, ledLevels: [], fibreFlats: 1, arcs: 1, fabryPerots: 1, twilightFlats: 0,
                                      blockExposures: [1], scienceExposureTime: 900, darkTime: 900)
        let night = try Simulated(night: Night("2026-11-27")!, seed: 71, counts: counts)
        let simulator = SpectrographSimulator(instrument: night.simulator.instrument, spectrograph: .lrsA, plan: night.simulator.plan)
        self.night = night
        self.simulator = simulator
        var arms: [ArmName: Arm] = [:]
        for arm in ArmName.allCases {
            let bias = MasterBias.combine(try night.arms(.bias, arm))
            let calibrations = ArmCalibrations(bias: bias.image)
            func detrended(_ kind: FrameKind) throws -> DetrendedArm {
                Detrending.apply(try night.arms(kind, arm)[0], calibrations: calibrations, biasVariance: bias.variance)
            }
            let layout = simulator.lighting(arm).optics.layout
            let flat = try detrended(.fibreFlat)
            let traces = FibreTracer(blockWidth: 16, matchRadius: 0.45 * layout.pitch).trace(flat.electrons, nominalRows: layout.fibres.map(\.nominalRow))
            let boxcar = BoxcarExtraction(halfWidth: min(3.5, 0.5 * layout.pitch))
            arms[arm] = Arm(traces: traces, arc: boxcar.extract(try detrended(.arc), traces: traces, arm: arm),
                            fabryPerot: boxcar.extract(try detrended(.fp), traces: traces, arm: arm),
                            science: boxcar.extract(try detrended(.science), traces: traces, arm: arm))
        }
        self.arms = arms
    }

    func model(_ arm: ArmName) -> ArmModel { night.simulator.instrument.arm(.lrsA, arm) }

    private let lock = NSLock()
    private var cached: [ArmName: WavelengthSolutions]?

    /// The arc+FP solutions of every arm, computed once (tests run concurrently).
    var solutions: [ArmName: WavelengthSolutions] {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let made = Dictionary(uniqueKeysWithValues: ArmName.allCases.map { arm in
            (arm, WavelengthCalibration(arm: model(arm)).calibrate(arc: arms[arm]!.arc, fabryPerot: arms[arm]!.fabryPerot))
        })
        cached = made
        return made
    }

    /// Slit positions of the science exposure's sky fibres.
    var skyFibres: [Int] { simulator.allocations(block: 0).filter { $0.use == .sky }.map(\.slitPosition) }

    /// The true solution of the fibre at `slitPosition`.
    func truth(_ arm: ArmName, _ slitPosition: Int) -> FibreWavelengthSolution { simulator.lighting(arm).optics.solutions[slitPosition - 1] }

    /// rms (Å) of fitted minus true λ over every column of every fibre, and the worst fibre's rms.
    func solutionError(_ s: WavelengthSolutions) -> (rms: Double, worst: Double) {
        var total = 0.0, count = 0.0, worst = 0.0
        for fit in s.fibres {
            let truth = truth(s.arm, fit.slitPosition)
            var ss = 0.0
            for x in 0..<s.columns {
                let d = fit.wavelength(atColumn: Double(x)) - truth.wavelength(atColumn: Double(x))
                ss += d * d
            }
            total += ss
            count += Double(s.columns)
            worst = max(worst, (ss / Double(s.columns)).squareRoot())
        }
        return ((total / count).squareRoot(), worst)
    }
}

struct WavelengthCalibrationTests {
    let data = WavelengthNight.shared

    @Test func arcSolutionsFollowTheTruthInEveryLowResolutionArm() throws { try check(withFabryPerot: false) }

    @Test func arcAndFabryPerotSolutionsFollowTheTruthInEveryLowResolutionArm() throws { try check(withFabryPerot: true) }

    func check(withFabryPerot: Bool) throws {
        for arm in ArmName.allCases {
            let a = try #require(data.arms[arm])
            let start = Date()
            let s = WavelengthCalibration(arm: data.model(arm), lamp: .thoriumArgon).calibrate(arc: a.arc, fabryPerot: withFabryPerot ? a.fabryPerot : nil)
            let seconds = Date().timeIntervalSince(start)
            let error = data.solutionError(s)
            let lamnlin = RobustStatistics.median(s.fibres.map { Double($0.lamnlin) }) ?? 0
            let arcLines = RobustStatistics.median(s.fibres.map { Double($0.arcLines) }) ?? 0
            print("measured: \(arm) \(withFabryPerot ? "arc+FP" : "arc") rms \(error.rms) Å (worst fibre \(error.worst)), median LAMRMS \(s.medianLamrms ?? .nan) Å, median LAMNLIN \(lamnlin) (arc \(arcLines)), \(s.fibres.count) of \(a.traces.count) fibres, LSF σ \(s.lsfSigma(atColumn: 512)) px, path \(s.fabryPerotPath ?? 0), \(seconds) s")
            #expect(s.fibres.count == a.traces.count)
            #expect(error.rms <= 0.02, "\(arm): rms \(error.rms) Å")
        }
    }
}


struct SkyLineAndRebinningTests {
    let data = WavelengthNight.shared

    @Test func skyLinesInTheSkyFibresSitWhereTheSolutionsPutThem() throws {
        let solutions = data.solutions
        let sky = data.skyFibres
        #expect(sky.count >= 2)
        var all: [SkyLineOffset] = []
        for arm in ArmName.allCases {
            let s = try #require(solutions[arm])
            let offsets = SkyLineCheck().measure(data.arms[arm]!.science, solutions: s, skyFibres: sky)
            all += offsets
            guard !offsets.isEmpty else { print("measured: \(arm) no isolated sky line bright enough"); continue }
            let summary = try #require(SkyLineCheck.summary(offsets))
            let outliers = offsets.filter { abs($0.offset) > max(0.05, 3 * $0.error) }
            print("measured: \(arm) \(Set(offsets.map(\.wavelength)).count) sky lines in \(sky.count) sky fibres: \(offsets.count) measures, median offset \(summary.median) Å, clipped rms \(summary.rms) Å (\(summary.kept) kept), median error \(RobustStatistics.median(offsets.map(\.error))!) Å, \(outliers.count) beyond max(0.05 Å, 3σ): \(outliers.map { String(format: "%.1f:%+.3f±%.3f", $0.wavelength, $0.offset, $0.error) })")
            #expect(abs(summary.median) <= 0.02, "\(arm): median sky-line offset \(summary.median) Å")
            #expect(summary.rms <= 0.05, "\(arm): sky-line rms \(summary.rms) Å")
            #expect(Double(outliers.count) <= 0.1 * Double(offsets.count), "\(arm): \(outliers.count) of \(offsets.count) sky lines off")
        }
        // [OI] 5577 in the green and the OH forest in the red must be found.
        #expect(all.contains { abs($0.wavelength - 5577.338) < 0.01 })
        #expect(all.filter { $0.wavelength > 7000 }.count >= 3)
    }

    @Test func rebinningConservesTheElectronsOfArcLinesAndFlagsWhatLiesOutside() throws {
        let d = data
        let arm = ArmName.red
        let s = try #require(d.solutions[arm])
        let arc = d.arms[arm]!.arc
        let grid = SpectralGrid.standard(for: d.model(arm))
        #expect(grid.step == 0.25 && grid.start <= d.model(arm).wavelengthRange.lowerBound && grid.end >= d.model(arm).wavelengthRange.upperBound)
        let r = Rebinning.rebin(arc, solutions: s, onto: grid)
        var ratios: [Double] = []
        for (f, slit) in arc.slitPositions.enumerated() {
            let fit = try #require(s.fibre(slitPosition: slit))
            let pixels = arc.flux(fibre: f).map(Double.init), bins = r.flux(fibre: f).map(Double.init)
            let base = f * arc.columns, binBase = f * grid.count
            // Each isolated bright line: pixels ±4 about it against the bins over the same wavelengths.
            for line in ArcLamp.thoriumArgon.lines(in: 7000...9400) where line.intensity >= 10_000 {
                let x = Int(fit.column(atWavelength: line.wavelength).rounded())
                guard x > 10, x < arc.columns - 10 else { continue }
                let lo = fit.wavelength(atColumn: Double(x - 4) - 0.5), hi = fit.wavelength(atColumn: Double(x + 4) + 0.5)
                let first = Int(((lo - grid.start) / grid.step + 0.5).rounded()), last = Int(((hi - grid.start) / grid.step + 0.5).rounded()) - 1
                let pixelSum = pixels[(x - 4)...(x + 4)].reduce(0, +)
                // The window's edge pixels must be empty: bins and pixels do not end at the same wavelength there.
                guard [x - 4, x - 3, x + 3, x + 4].allSatisfy({ abs(pixels[$0]) < 2e-4 * pixelSum }) else { continue }
                let binSum = bins[first...last].reduce(0, +)
                guard pixelSum > 1e5 else { continue }
                ratios.append(binSum / pixelSum)
                _ = base; _ = binBase
            }
            // Outside the fibre's coverage: flagged and empty; inside: not flagged for coverage.
            let blueEdge = fit.wavelength(atColumn: -0.5), redEdge = fit.wavelength(atColumn: Double(arc.columns) - 0.5)
            for i in 0..<grid.count {
                let l = grid.wavelength(ofBin: i), m = r.mask[binBase + i]
                if l + 0.5 * grid.step <= blueEdge || l - 0.5 * grid.step >= redEdge {
                    #expect(m & RebinnedSpectra.outsideCoverage != 0 && r.flux[binBase + i] == 0)
                } else if l - 0.5 * grid.step >= blueEdge && l + 0.5 * grid.step <= redEdge {
                    #expect(m & RebinnedSpectra.outsideCoverage == 0)
                }
            }
        }
        let worst = ratios.map { abs($0 - 1) }.max() ?? 1
        print("measured: \(ratios.count) bright red arc lines: rebinned/extracted electrons within ±4 px, worst deviation \(worst)")
        #expect(ratios.count > 30)
        #expect(worst < 0.002, "line electrons changed by up to \(worst)")
    }

    @Test func rebinnedVarianceDescribesTheNoiseAndMaskBitsAreCarried() throws {
        // A synthetic fibre: a smooth level, Gaussian noise of the stated variance, one masked pixel.
        let n = 1024, realisations = 300
        let solution = FibreWavelengthFit(slitPosition: 1, coefficients: [6000, 1.9, 2e-5], lamrms: 0, arcLines: 0, fabryPerotPeaks: 0)
        let solutions = WavelengthSolutions(arm: .green, mode: .low, columns: n, fibres: [solution], lsfSigma: [0.22])
        // Empty end pixels: the partly covered bins at the ends are flagged and emptied.
        let mean = (0..<n).map { $0 < 3 || $0 >= n - 3 ? 0 : 2000 + 500 * sin(Double($0) / 50) }
        let grid = SpectralGrid(start: 5990, step: 0.25, count: 8000)
        var mask = [UInt8](repeating: 0, count: n)
        mask[300] = ExtractedSpectra.maskedPixel
        func spectrum(_ flux: [Double]) -> ExtractedSpectra {
            ExtractedSpectra(arm: .green, slitPositions: [1], columns: n, flux: flux.map(Float.init), variance: mean.map(Float.init), mask: mask)
        }
        let expected = Rebinning.rebin(spectrum(mean), solutions: solutions, onto: grid)
        var rng = SplitMix64(seed: 7)
        var sum = [Double](repeating: 0, count: grid.count), sumSquares = sum
        var totalElectrons = 0.0, totalRebinned = 0.0
        for _ in 0..<realisations {
            let flux = mean.map { $0 + $0.squareRoot() * rng.normal() }
            let r = Rebinning.rebin(spectrum(flux), solutions: solutions, onto: grid)
            for i in 0..<grid.count where r.mask[i] & RebinnedSpectra.outsideCoverage == 0 {
                let d = Double(r.flux[i] - expected.flux[i])
                sum[i] += d
                sumSquares[i] += d * d
            }
            totalElectrons = flux.reduce(0, +)
            totalRebinned = r.flux.reduce(0.0) { $0 + Double($1) }
        }
        var ratios: [Double] = []
        for i in 0..<grid.count where expected.mask[i] & RebinnedSpectra.outsideCoverage == 0 {
            guard expected.variance[i] > 0 else { continue }
            ratios.append(sumSquares[i] / Double(realisations) / Double(expected.variance[i]))
        }
        let chi2 = ratios.reduce(0, +) / Double(ratios.count)
        print("measured: rebinned noise χ² per bin \(chi2) over \(ratios.count) bins × \(realisations) realisations; electrons \(totalRebinned) vs \(totalElectrons)")
        #expect(abs(chi2 - 1) < 0.02, "χ² per bin \(chi2)")
        // The grid covers the fibre beyond both ends, so every electron is kept.
        #expect(abs(totalRebinned / totalElectrons - 1) < 1e-5)
        let x300 = (solution.wavelength(atColumn: 299.5), solution.wavelength(atColumn: 300.5))
        for i in 0..<grid.count {
            let l = grid.wavelength(ofBin: i)
            let overlaps = l + 0.125 > x300.0 && l - 0.125 < x300.1
            #expect((expected.mask[i] & ExtractedSpectra.maskedPixel != 0) == overlaps)
        }
    }

    @Test func fullSizeRebinningAndLineFittingAreFast() throws {
        // Rebinning 812 fibres × 6144 columns onto the 0.25 Å blue grid.
        let arm = ArmModel.lowResolution(.blue)
        let n = arm.spectralPixels, fibres = 812
        let fits = (1...fibres).map { FibreWavelengthFit(slitPosition: $0, coefficients: [arm.wavelengthRange.lowerBound + 0.01 * Double($0 % 7), arm.dispersion, 1e-9],
                                                        lamrms: 0, arcLines: 0, fabryPerotPeaks: 0) }
        let solutions = WavelengthSolutions(arm: .blue, mode: .low, columns: n, fibres: fits, lsfSigma: [1.3])
        let spectra = ExtractedSpectra(arm: .blue, slitPositions: Array(1...fibres), columns: n,
                                       flux: [Float](repeating: 100, count: fibres * n), variance: [Float](repeating: 100, count: fibres * n),
                                       mask: [UInt8](repeating: 0, count: fibres * n))
        let start = Date()
        let r = Rebinning.rebin(spectra, solutions: solutions, onto: .standard(for: arm))
        let seconds = Date().timeIntervalSince(start)
        print("measured: rebinning \(fibres) fibres × \(n) columns onto \(r.grid.count) bins took \(seconds) s")
        #expect(seconds < 2)

        // Line fitting: time per fibre at the small scale (arc + FP, 400 peaks at most per fibre as at full scale).
        let d = data
        let clock = Date()
        for a in ArmName.allCases { _ = WavelengthCalibration(arm: d.model(a)).calibrate(arc: d.arms[a]!.arc, fabryPerot: d.arms[a]!.fabryPerot) }
        let perArm = Date().timeIntervalSince(clock) / 3
        let perFibre = perArm / Double(d.arms[.blue]!.traces.count)
        print("measured: arc+FP calibration \(perArm) s per arm for \(d.arms[.blue]!.traces.count) fibres, \(perFibre * 1000) ms per fibre: ~\(perFibre * 812) s for 812 fibres (before the full scale's wider windows)")
    }
}

struct WavelengthProductFileTests {
    let data = WavelengthNight.shared

    func verify(_ path: String) throws {
        let log = path + ".fitsverify.txt"
        let child = try ChildProcess(["/usr/bin/fitsverify", "-e", path], outputPath: log)
        #expect(child.wait(timeout: 60) == 0 && child.output.contains("Verification found 0 warning(s) and 0 error(s)"), "\(child.output)")
    }

    @Test func wavelengthSolutionsRoundTripThroughTheirFile() throws {
        let d = data
        let solutions = ArmName.allCases.map { d.solutions[$0]! }
        let path = d.night.directory.file("wave_solution.fits")
        let inputs = (d.night.frames(.arc) + d.night.frames(.fp)).map { d.night.path($0) }
        try WavelengthSolutionFile.write(path, solutions: solutions, inputs: inputs)
        #expect(!FileManager.default.fileExists(atPath: d.night.directory.file(".wave_solution.fits.part")))
        let back = try WavelengthSolutionFile.read(path)
        #expect(back.solutions == solutions)
        #expect(back.inputs == inputs.map { ($0 as NSString).lastPathComponent })
        let headers = try withFITSFile(path) { try $0.headers() }
        #expect(headers[0].string("ESO PRO CATG") == "WAVE_SOLUTION")
        #expect(headers.compactMap { $0.string("EXTNAME") } == ["WAVE_BLUE", "WAVE_GREEN", "WAVE_RED"])
        try verify(path)
        #expect { try WavelengthSolutionFile.read(d.night.directory.file("missing.fits")) } throws: { "\($0)".contains("missing.fits") }
    }

    @Test func rebinnedSpectraRoundTripThroughTheirFile() throws {
        let d = data
        let spectra = ArmName.allCases.map { arm in
            Rebinning.rebin(d.arms[arm]!.science, solutions: d.solutions[arm]!, onto: .standard(for: d.model(arm)))
        }
        let path = d.night.directory.file("spectra.fits")
        let calibrations = [UsedCalibration(kind: "WAVE_SOLUTION", file: "/data/wave_solution.fits", tier: "same-night"),
                            UsedCalibration(kind: "MASTER_BIAS", file: "master_bias.fits", tier: "previous-night")]
        try SpectraFile.write(path, spectra: spectra, inputs: d.night.frames(.science).map { d.night.path($0) }, calibrations: calibrations,
                              extra: ["OBJECT": "test field", "HIERARCH ESO OBS ID": "12"])
        let back = try SpectraFile.read(path)
        #expect(back.spectra == spectra)
        #expect(back.calibrations == calibrations.map { UsedCalibration(kind: $0.kind, file: ($0.file as NSString).lastPathComponent, tier: $0.tier) })
        #expect(back.inputs == d.night.frames(.science).map(\.fileName))
        #expect(back.primary.string("ESO PRO CATG") == "SPECTRA_L1" && back.primary.string("OBJECT") == "test field")
        let headers = try withFITSFile(path) { try $0.headers() }
        #expect(headers.compactMap { $0.string("EXTNAME") } == ["FLUX_BLUE", "VAR_BLUE", "MASK_BLUE", "FLUX_GREEN", "VAR_GREEN", "MASK_GREEN",
                                                               "FLUX_RED", "VAR_RED", "MASK_RED", "FIBRES"])
        #expect(headers[1].string("CTYPE1") == "AWAV" && headers[1].double("CDELT1") == 0.25)
        try verify(path)
    }
}
