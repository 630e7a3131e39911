import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1
@testable import QMostSimulator

/// A small LRS-A night of calibrations, simulated once: three biases, two darks, an LED sequence and an arc.
enum CalibrationNight {
    static let night: Simulated = {
        let counts = NightPlan.Counts(biases: 3, darks: 2, ledLevels: [4000, 12000, 20000], fibreFlats: 0, arcs: 1, fabryPerots: 0,
                                      twilightFlats: 0, blockExposures: [], scienceExposureTime: 900, darkTime: 900)
        return try! Simulated(night: Night("2026-11-25")!, seed: 21, counts: counts)
    }()
}

/// A simulated night in a temporary folder.
final class Simulated: @unchecked Sendable {  // immutable after init
    let directory: TemporaryDirectory
    let simulator: NightSimulator
    let summary: NightSimulator.Summary

    init(night: Night, seed: UInt64, counts: NightPlan.Counts, spectrograph: SpectrographName = .lrsA) throws {
        directory = try TemporaryDirectory("qmost-l1")
        simulator = NightSimulator(night: night, scale: .small, seed: seed, spectrographs: [spectrograph], counts: counts)
        summary = try simulator.run(frames: directory.file("raw"), truth: directory.file("truth"))
    }

    func frames(_ kind: FrameKind) -> [WrittenFrame] { summary.frames.filter { $0.exposure.kind == kind } }
    func path(_ f: WrittenFrame) -> String { directory.file("raw/\(f.fileName)") }

    /// One arm of each frame of `kind`, read through the L1 reader.
    func arms(_ kind: FrameKind, _ arm: ArmName) throws -> [ArmFrame] {
        try frames(kind).map { try RawFrameReader.read(path($0)).arms.first { $0.arm == arm }! }
    }

    func detector(_ arm: ArmName) -> DetectorModel {
        DetectorModel(spectrograph: .lrsA, arm: simulator.instrument.arm(.lrsA, arm), geometry: simulator.instrument.detector)
    }
}

struct MasterCalibrationTests {
    let night = CalibrationNight.night
    let geometry = CalibrationNight.night.simulator.instrument.detector

    @Test func readerRecoversTheLayoutAndOverscanGivesEachOutputsLevelAndNoise() throws {
        let biases = night.frames(.bias)
        for (f, frame) in biases.enumerated() {
            let arms = try RawFrameReader.read(night.path(frame)).arms
            #expect(arms.map(\.arm) == ArmName.allCases)
            for (a, armFrame) in arms.enumerated() {
                #expect(armFrame.layout == geometry)
                let levels = OverscanCorrection.levels(of: armFrame)
                let d = night.detector(armFrame.arm)
                for o in 0..<2 {
                    let injected = d.amplifiers[o].biasLevel + biases[f].readouts[a].frameBiasOffset
                    #expect(abs(levels.meanLevel[o] - injected) < 0.05, "\(armFrame.arm) output \(o + 1)")
                    // Read noise plus the ADC's 1/12 ADU² of quantisation and the fixed bias pattern the scan columns
                    // carry too (a single frame cannot tell them apart).
                    let expected = (pow(d.amplifiers[o].readNoise / d.amplifiers[o].gain, 2) + 1.0 / 12
                                    + d.biasPatternScatter * d.biasPatternScatter).squareRoot()
                    #expect(abs(levels.readNoise[o] / expected - 1) < 0.03, "\(armFrame.arm) output \(o + 1): \(levels.readNoise[o]) vs \(expected)")
                }
            }
        }
    }

    @Test func masterBiasHoldsTheFixedZeroLevelPattern() throws {
        let arm = ArmName.green
        let master = MasterBias.combine(try night.arms(.bias, arm))
        let d = night.detector(arm)
        let hotColumns = Set(d.badColumns.filter { $0.kind == .hot }.map(\.column))
        var mp = 0.0, pp = 0.0, residual = 0.0, n = 0.0
        for (i, amp) in geometry.amplifiers.enumerated() {
            let scanColumns = Array(amp.prescan) + Array(amp.overscan)
            for y in 0..<geometry.activeRows {
                // The overscan level removed each row's mean pattern over the scan columns.
                let scanMean = scanColumns.reduce(0.0) { $0 + d.biasPattern(rawColumn: $1, y: y) } / Double(scanColumns.count)
                for x in amp.trimmed where !hotColumns.contains(x) {
                    let p = d.biasPattern(rawColumn: geometry.rawColumn(forActiveColumn: x), y: y) - scanMean
                    let m = Double(master.image[x, y])
                    mp += m * p
                    pp += p * p
                    residual += (m - p) * (m - p)
                    n += 1
                }
            }
            _ = i
        }
        let slope = mp / pp
        print("measured: master bias vs injected pattern: slope \(slope), rms \((residual / n).squareRoot()) ADU")
        #expect(abs(slope - 1) < 0.05, "master bias follows the injected pattern with slope \(slope)")
        // What is left is the read noise of three frames (and their row levels' noise).
        let ron = d.amplifiers.map { $0.readNoise / $0.gain }.max()!
        #expect((residual / n).squareRoot() < 1.2 * ron / 3.0.squareRoot() + 0.1)
        #expect(master.cards.contains { $0.keyword == "NCOMBINE" && $0.value == .int(3) })
    }

    @Test func masterDarkMeasuresTheDarkCurrentAndTheMaskFindsHotPixels() throws {
        let arm = ArmName.red
        let bias = MasterBias.combine(try night.arms(.bias, arm)).image
        let dark = MasterDark.combine(try night.arms(.dark, arm), bias: bias)
        let d = night.detector(arm)
        let gain = d.amplifiers.map(\.gain).reduce(0, +) / 2
        // Away from the outputs' glow and the hot pixels and columns.
        let hot = Set(d.hotPixels.map { $0.row * 100_000 + $0.column })
        let bad = Set(d.badColumns.map(\.column))
        var values: [Double] = []
        for y in stride(from: geometry.activeRows / 2, to: geometry.activeRows, by: 2) {
            for x in stride(from: 100, to: geometry.activeColumns - 100, by: 2) where !hot.contains(y * 100_000 + x) && !bad.contains(x) {
                values.append(Double(dark.image[x, y]))
            }
        }
        let rate = RobustStatistics.clippedMean(values).mean
        let injected = d.darkCurrent / gain
        print("measured: dark \(rate) ADU/s, injected \(injected)")
        #expect(abs(rate / injected - 1) < 0.15, "dark \(rate) ADU/s vs injected \(injected)")
        let mask = BadPixelMask.make(flat: nil, dark: dark.image, bias: bias)
        let bright = d.hotPixels.filter { $0.darkCurrent > 0.1 }
        let found = bright.filter { mask.bits[$0.row * geometry.activeColumns + $0.column] & BadPixelMask.hot != 0 }
        print("measured: \(found.count) of \(bright.count) hot pixels flagged")
        #expect(bright.count >= 5 && Double(found.count) >= 0.9 * Double(bright.count), "\(found.count) of \(bright.count) hot pixels flagged")
        // Few false alarms: flagged hot pixels are mostly real ones.
        let flagged = (0..<mask.bits.count).filter { mask.bits[$0] & BadPixelMask.hot != 0 }.count
        #expect(flagged <= 3 * d.hotPixels.count + 50, "\(flagged) pixels flagged hot")
        // Hot columns show in the master bias as zero-level defects.
        for c in d.badColumns where c.kind == .hot {
            let y = min(c.startRow + 10, geometry.activeRows - 1)
            #expect(mask.bits[y * geometry.activeColumns + c.column] & BadPixelMask.biasDefect != 0, "hot column \(c.column)")
        }
    }

    @Test func detectorFlatIsThePixelResponseAndTheMaskFindsColdColumns() throws {
        let arm = ArmName.blue
        let bias = MasterBias.combine(try night.arms(.bias, arm)).image
        let dark = MasterDark.combine(try night.arms(.dark, arm), bias: bias).image
        let led = try night.arms(.detectorFlat, arm).filter { abs($0.exposureTime - 8) < 0.01 }
        #expect(led.count == 2)
        let flat = DetectorFlat.combine(led, bias: bias, dark: dark)
        let d = night.detector(arm)
        let bad = Set(d.badColumns.map(\.column))
        var fr = 0.0, rr = 0.0, residual = 0.0, n = 0.0
        for y in stride(from: 40, to: geometry.activeRows - 40, by: 3) {
            for x in stride(from: 40, to: geometry.activeColumns - 40, by: 3) where !bad.contains(x) {
                let r = d.response(x: x, y: y) - 1, f = Double(flat.image[x, y]) - 1
                fr += f * r
                rr += r * r
                residual += (f - r) * (f - r)
                n += 1
            }
        }
        print("measured: flat vs pixel response: slope \(fr / rr), rms \((residual / n).squareRoot())")
        #expect(abs(fr / rr - 1) < 0.05, "flat follows the pixel response with slope \(fr / rr)")
        // Two frames of 20 000 e-: shot noise 0.5%.
        #expect((residual / n).squareRoot() < 0.0065, "rms \((residual / n).squareRoot())")
        let mask = BadPixelMask.make(flat: flat.image, dark: nil, bias: nil)
        for c in d.badColumns where c.kind == .cold {
            let rows = (c.startRow + 2)..<geometry.activeRows
            let flagged = rows.filter { mask.bits[$0 * geometry.activeColumns + c.column] & BadPixelMask.lowResponse != 0 }.count
            #expect(Double(flagged) >= 0.95 * Double(rows.count), "cold column \(c.column): \(flagged) of \(rows.count)")
        }
    }

    @Test func linearitySequenceRecoversTheNonLinearity() throws {
        let arm = ArmName.green
        let bias = MasterBias.combine(try night.arms(.bias, arm)).image
        let fit = try #require(LinearityFit.fit(try night.arms(.detectorFlat, arm), bias: bias, dark: nil))
        let d = night.detector(arm)
        for o in 0..<2 {
            let betaElectrons = fit.beta[o] / d.amplifiers[o].gain
            print("measured: non-linearity output \(o + 1): \(betaElectrons), injected \(d.nonLinearity)")
            #expect(abs(betaElectrons / d.nonLinearity - 1) < 0.1, "output \(o + 1): β \(betaElectrons) vs \(d.nonLinearity)")
        }
        // The correction makes signal per second constant across the sequence.
        let frames = try night.arms(.detectorFlat, arm)
        var perSecond: [Double] = []
        for f in frames {
            let p = fit.apply(to: OverscanCorrection.corrected(f).plane.subtracting(bias), layout: geometry)
            let values = stride(from: 300, to: 700, by: 3).flatMap { y in stride(from: 100, to: 400, by: 3).map { Double(p[$0, y]) } }
            perSecond.append(RobustStatistics.clippedMean(values).mean / f.exposureTime)
        }
        let spread = (perSecond.max()! - perSecond.min()!) / perSecond.min()!
        print("measured: corrected LED rates spread \(spread)")
        #expect(spread < 0.001, "corrected rates \(perSecond)")
    }

    @Test func crosstalkCorrectionRemovesTheGhostsOfBrightArcLines() throws {
        let arm = ArmName.red
        let bias = MasterBias.combine(try night.arms(.bias, arm)).image
        let arc = try #require(try night.arms(.arc, arm).first)
        let plane = OverscanCorrection.corrected(arc).plane.subtracting(bias)
        let d = night.detector(arm)
        let cols = geometry.activeColumns
        // The brightest isolated line of the first output whose mirror in the second output is free of arc
        // lines: the victim's background columns (6 px away) must not carry ghosts of the source's neighbours.
        let columnSums = (0..<cols).map { x in (0..<geometry.activeRows).reduce(0.0) { $0 + Double(plane[x, $1]) } }
        let top = columnSums.max()!
        let quiet = { (x: Int) in ((x - 8)...(x + 8)).allSatisfy { columnSums[$0] < 0.02 * top } }
        let isolated = { (x: Int) in ((x - 10)...(x + 10)).allSatisfy { abs($0 - x) <= 2 || columnSums[$0] < 0.001 * top } }
        let source = try #require((12..<(cols / 2 - 12)).filter { quiet(cols - 1 - $0) && isolated($0) }.max { columnSums[$0] < columnSums[$1] })
        #expect(columnSums[source] > 0.1 * top)
        func ghostRatio(_ p: Plane) -> Double {
            var s = 0.0, g = 0.0
            for x in (source - 2)...(source + 2) {
                let victim = cols - 1 - x
                for y in 0..<geometry.activeRows {
                    // Local background of the victim column from columns 6 px away.
                    let background = 0.5 * Double(p[victim - 6, y] + p[victim + 6, y])
                    s += Double(p[x, y])
                    g += Double(p[victim, y]) - background
                }
            }
            return g / s
        }
        let injected = d.crosstalk[0][1]
        let before = ghostRatio(plane)
        print("measured: crosstalk ghost \(before), injected \(injected)")
        #expect(abs(before / injected - 1) < 0.15, "ghost ratio \(before) vs injected \(injected)")
        let corrected = CrosstalkCorrection(coefficients: d.crosstalk).apply(to: plane, layout: geometry)
        #expect(abs(ghostRatio(corrected)) < 0.1 * abs(injected), "after correction \(ghostRatio(corrected))")
    }

    @Test func mastersAreWrittenAsMultiExtensionFilesThatFitsverifyAccepts() throws {
        let arms = try ArmName.allCases.map { try MasterBias.combine(night.arms(.bias, $0)) }
        let masks = Dictionary(uniqueKeysWithValues: arms.map { ($0.arm, BadPixelMask.make(flat: nil, dark: nil, bias: $0.image)) })
        let path = night.directory.file("master_bias.fits")
        try MasterFile.write(path, category: "MASTER_BIAS", inputs: night.frames(.bias).map { night.path($0) }, arms: arms, masks: masks)
        let headers = try withFITSFile(path) { try $0.headers() }
        #expect(headers.compactMap { $0.string("EXTNAME") } == ["BLUE", "BLUE_VAR", "BLUE_BPM", "GREEN", "GREEN_VAR", "GREEN_BPM", "RED", "RED_VAR", "RED_BPM"])
        #expect(headers[0].string("ESO PRO CATG") == "MASTER_BIAS")
        #expect((1...3).allSatisfy { headers[0].string("PROV\($0)") == night.frames(.bias)[$0 - 1].fileName })
        #expect(headers[1].double("QMOST QC OUT1 RON") != nil)
        let log = night.directory.file("fitsverify.txt")
        let child = try ChildProcess(["/usr/bin/fitsverify", "-e", path], outputPath: log)
        #expect(child.wait(timeout: 60) == 0 && child.output.contains("Verification found 0 warning(s) and 0 error(s)"), "\(child.output)")
    }

    @Test func aFrameWhoseHeaderContradictsItsImageIsRefusedByName() throws {
        let dir = try TemporaryDirectory("qmost-l1-bad")
        let path = dir.file("bad.fits")
        try withNewFITSFile(path) { file in
            try file.appendEmptyPrimary(cards: [FITSCard(keyword: "EXPTIME", value: .double(0))])
            try file.appendImage([UInt16](repeating: 1000, count: 100 * 20), shape: [100, 20], cards: [
                FITSCard(keyword: "EXTNAME", value: .string("BLUE")),
                FITSCard(keyword: "HIERARCH ESO DET NOUT", value: .int(2)),
                FITSCard(keyword: "HIERARCH ESO DET OUT1 NX", value: .int(40)), FITSCard(keyword: "HIERARCH ESO DET OUT2 NX", value: .int(40)),
                FITSCard(keyword: "HIERARCH ESO DET OUT1 PRSCX", value: .int(8)), FITSCard(keyword: "HIERARCH ESO DET OUT2 PRSCX", value: .int(8)),
                FITSCard(keyword: "HIERARCH ESO DET OUT1 OVSCX", value: .int(8)), FITSCard(keyword: "HIERARCH ESO DET OUT2 OVSCX", value: .int(8)),
            ])
        }
        #expect { try RawFrameReader.read(path) } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("NAXIS1 = 100 but the DET OUT keywords describe 112 columns")
        }
    }
}
