import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostSimulator

/// The truth tables say where the light really went: fibre-flat profiles are centred where the recorded traces
/// say, arc lines fall where the recorded wavelength solutions put them, and the OB truth's expected electrons
/// are what the frames hold.
struct TruthTests {
    let night = SimulatedNights.standard

    /// The recorded TRACE and WAVE coefficients of `arm`, by slit position − 1.
    func truth(_ arm: ArmName, _ spectrograph: SpectrographName = .lrsA) throws -> (trace: [[Double]], wave: [[Double]], fwhm: [Double], broken: [Bool]) {
        try withFITSFile("\(night.truth)/instrument_\(spectrograph.rawValue).fits") { file in
            try file.moveTo(extname: "TRACE_\(arm.headerName)")
            let t = try file.readColumn("TRACE", as: Double.self), w = try file.readColumn("WAVE", as: Double.self)
            let f = try file.readColumn("FWHM", as: Double.self).values, b = try file.readBoolColumn("BROKEN").values
            return ((0..<t.rowCount).map { Array(t.row($0)) }, (0..<w.rowCount).map { Array(w.row($0)) }, f, b)
        }
    }

    /// Pixels (x, y), keyed y·100000 + x, that the truth says misbehave in `frame`'s `arm`: cosmic-ray hits with
    /// their 8 neighbours (charge diffuses), hot pixels and bad columns.
    func defects(_ frame: WrittenFrame, _ arm: ArmName, _ spectrograph: SpectrographName = .lrsA) throws -> Set<Int> {
        var hit = Set<Int>()
        try withFITSFile("\(night.truth)/cosmics/\(frame.fileName)") { file in
            try file.moveTo(extname: "COSMICS_\(arm.headerName)")
            let xs = try file.readColumn("X", as: Int32.self).values, ys = try file.readColumn("Y", as: Int32.self).values
            for (x, y) in zip(xs, ys) {
                for dy in -1...1 { for dx in -1...1 { hit.insert((Int(y) + dy) * 100_000 + Int(x) + dx) } }
            }
        }
        let rows = night.simulator.instrument.detector.activeRows
        try withFITSFile("\(night.truth)/instrument_\(spectrograph.rawValue).fits") { file in
            try file.moveTo(extname: "HOTPIX_\(arm.headerName)")
            let xs = try file.readColumn("X", as: Int32.self).values, ys = try file.readColumn("Y", as: Int32.self).values
            for (x, y) in zip(xs, ys) { hit.insert(Int(y) * 100_000 + Int(x)) }
            try file.moveTo(extname: "BADCOL_\(arm.headerName)")
            let cs = try file.readColumn("COLUMN", as: Int32.self).values, starts = try file.readColumn("STARTROW", as: Int32.self).values
            for (c, start) in zip(cs, starts) { for y in Int(start)..<rows { hit.insert(y * 100_000 + Int(c)) } }
        }
        return hit
    }

    /// The frame with its per-row overscan level removed, in electrons (the true gain of each output, from the
    /// truth's DETECTOR table), on trimmed columns.
    func electrons(_ frame: WrittenFrame, _ arm: ArmName) throws -> (value: (Int, Int) -> Double, rows: Int) {
        let raw = try RawArm(path: night.path(frame), arm: arm)
        let g = night.simulator.instrument.detector
        let amps = g.amplifiers
        let levels = amps.map { raw.rowMeans($0.overscan) }
        let gains = try withFITSFile("\(night.truth)/instrument_\(frame.spectrograph.rawValue).fits") { file in
            try file.moveTo(extname: "DETECTOR_\(arm.headerName)")
            return try file.readColumn("GAIN", as: Double.self).values
        }
        return ({ x, y in
            let a = g.amplifierIndex(forActiveColumn: x)
            return (raw[g.rawColumn(forActiveColumn: x), y] - levels[a][y]) * gains[a]
        }, raw.height)
    }

    @Test func fibreFlatProfilesSitOnTheRecordedTraces() throws {
        let flat = try #require(night.frames(.fibreFlat, .lrsA).first)
        let optics = SpectrographSimulator(instrument: night.simulator.instrument, spectrograph: .lrsA, plan: night.simulator.plan)
            .lighting(.green).optics
        let (trace, _, _, broken) = try truth(.green)
        let (e, rows) = try electrons(flat, .green)
        let hits = try defects(flat, .green)
        var checked = 0
        for (i, coefficients) in trace.enumerated() where !broken[i] {
            for x in [150, 300, 450, 600, 750, 900] {
                let xd = Double(x)
                let centre = coefficients[0] + xd * (coefficients[1] + xd * coefficients[2])
                let c = Int(centre.rounded())
                guard c - 5 >= 0, c + 5 < rows, !((c - 5)...(c + 5)).contains(where: { hits.contains($0 * 100_000 + x) }) else { continue }
                var sum = 0.0, moment = 0.0, modelSum = 0.0, modelMoment = 0.0
                let sigma = optics.profile.coreSigma(t: optics.normalisedColumn(xd), u: optics.slitCoordinate(i + 1))
                for y in (c - 5)...(c + 5) {
                    let v = e(x, y)
                    sum += v
                    moment += v * Double(y)
                    let m = optics.profile.fraction(rows: y, y + 1, centre: centre, sigma: sigma)
                    modelSum += m
                    modelMoment += m * Double(y)
                }
                // Bright enough for a centroid to 0.01 px (the lamp is faint at the ends of an arm).
                guard sum > 20_000 else { continue }
                // The window truncates the halo asymmetrically, so compare with the model's own centroid there.
                #expect(abs(moment / sum - modelMoment / modelSum) < 0.05, "fibre \(i + 1) column \(x): \(moment / sum) vs \(modelMoment / modelSum)")
                checked += 1
            }
        }
        #expect(checked >= 120)
        // The recorded trace is the one the renderer used.
        #expect(trace[5] == optics.traceCoefficients(slitPosition: 6))
    }

    @Test func arcLinesFallWhereTheRecordedWavelengthSolutionsPutThem() throws {
        let arc = try #require(night.frames(.arc, .lrsA).first)
        let instrument = night.simulator.instrument
        for arm in [ArmName.blue, .red] {
            let optics = SpectrographSimulator(instrument: instrument, spectrograph: .lrsA, plan: night.simulator.plan).lighting(arm).optics
            let (trace, wave, _, broken) = try truth(arm)
            let (e, _) = try electrons(arc, arm)
            let hits = try defects(arc, arm)
            let model = instrument.arm(.lrsA, arm)
            var checked = 0
            for i in stride(from: 2, to: trace.count, by: 5) where !broken[i] {
                let solution = optics.solutions[i]
                #expect(wave[i] == solution.coefficients)
                // Extract the fibre: 9 rows around the trace.
                var struck = Set<Int>()
                let spectrum = (0..<model.spectralPixels).map { x -> Double in
                    let xd = Double(x)
                    let c = Int((trace[i][0] + xd * (trace[i][1] + xd * trace[i][2])).rounded())
                    if ((c - 4)...(c + 4)).contains(where: { hits.contains($0 * 100_000 + x) }) { struck.insert(x) }
                    return ((c - 4)...(c + 4)).reduce(0.0) { $0 + e(x, $1) }
                }
                let lines = instrument.arcLamp.lines(in: model.wavelengthRange).map { solution.column(atWavelength: $0.wavelength) }
                for (k, p) in lines.enumerated() {
                    // Isolated lines only, well inside the detector, and clear of the crosstalk ghosts that the
                    // other amplifier's lines leave at the mirrored column (L1 removes those; here they would pull
                    // the centroid).
                    let mirror = Double(model.spectralPixels - 1)
                    guard p > 10, p < Double(model.spectralPixels - 10),
                          lines.enumerated().allSatisfy({ $0.offset == k || abs($0.element - p) > 6 }),
                          lines.allSatisfy({ abs(mirror - $0 - p) > 8 }) else { continue }
                    let x0 = Int(p.rounded())
                    guard !((x0 - 5)...(x0 + 5)).contains(where: struck.contains) else { continue }
                    let background = 0.5 * (spectrum[x0 - 5] + spectrum[x0 + 5])
                    var sum = 0.0, moment = 0.0, modelSum = 0.0, modelMoment = 0.0
                    let s = optics.blur.sigma[x0] * 2.0.squareRoot()
                    for x in (x0 - 2)...(x0 + 2) {
                        let v = spectrum[x] - background
                        sum += v
                        moment += v * Double(x)
                        // A line narrower than a pixel is pulled towards the pixel's centre: the model's centroid.
                        let w = 0.5 * (erf((Double(x) + 0.5 - p) / s) - erf((Double(x) - 0.5 - p) / s))
                        modelSum += w
                        modelMoment += w * Double(x)
                    }
                    guard sum > 3000 else { continue }
                    #expect(abs(moment / sum - modelMoment / modelSum) < 0.05, "\(arm) fibre \(i + 1) line at column \(p)")
                    checked += 1
                }
            }
            #expect(checked >= 10, "\(arm): \(checked) lines checked")
        }
    }

    @Test func obTruthHoldsTheExpectedElectronsOfEachScienceFibre() throws {
        let science = try #require(night.frames(.science, .lrsA).first)
        let block = night.simulator.plan.blocks[science.exposure.block!]
        let path = "\(night.truth)/ob_\(block.obID)_LRS-A.fits"
        let (sourceE, fibres) = try withFITSFile(path) { file -> ([Float], Int) in
            try file.moveTo(extname: "SOURCE_E_GREEN")
            let image = try file.readImage(as: Float.self)
            return (image.pixels, image.shape[1])
        }
        #expect(fibres == night.simulator.instrument.fibreLayout.fibres.count)
        let columns = night.simulator.instrument.detector.activeColumns
        let (e, _) = try electrons(science, .green)
        let hits = try defects(science, .green)
        let (trace, _, _, _) = try truth(.green)
        let allocations = try #require(block.allocations[.lrsA])
        // Sum over 31 columns and a wide aperture: the truth's source plus sky (sky from SKY_E) within a few per cent.
        let skyE = try withFITSFile(path) { file -> [Float] in
            try file.moveTo(extname: "SKY_E_GREEN")
            return try file.readImage(as: Float.self).pixels
        }
        var checked = 0
        for (i, a) in allocations.enumerated() where a.use == .object {
            var measured = 0.0, expected = 0.0
            for x in 600..<631 {
                let xd = Double(x)
                let c = Int((trace[i][0] + xd * (trace[i][1] + xd * trace[i][2])).rounded())
                // A column with a cosmic ray, hot pixel or bad column in the aperture or the gap rows is left out.
                guard !((c - 12)...(c + 12)).contains(where: { hits.contains($0 * 100_000 + x) }) else { continue }
                // The camera's scattered light, measured between the fibres (seed 9.1.8), is not in the truth's
                // fibre spectra: subtract it.
                let gap = [c - 12, c - 11, c + 11, c + 12].reduce(0.0) { $0 + e(x, $1) } / 4
                measured += ((c - 9)...(c + 9)).reduce(0.0) { $0 + e(x, $1) } - 19 * gap
                expected += Double(sourceE[i * columns + x] + skyE[i * columns + x])
            }
            guard expected > 20_000 else { continue }
            // 19 rows hold 99.9% of the profile; the pixel response scatters by 0.8% per pixel.
            #expect(abs(measured / expected - 1) < 0.04, "fibre \(i + 1): \(measured) vs \(expected)")
            checked += 1
        }
        #expect(checked >= 5)
    }
}
