import Foundation
import QMostCore
import QMostTesting
import Testing
@testable import QMostSimulator

/// A science fibre's S/N measured on simulated frames agrees with the S/N the truth and the instrument's noise
/// model (datamodel §6.3: variance = S + sky + dark + npix·RON², the ETC's formula) predict.
struct SignalToNoiseTests {
    @Test func scienceFibreSignalToNoiseMatchesTheTruthAndTheNoiseModel() throws {
        let counts = NightPlan.Counts(biases: 0, darks: 0, ledLevels: [], fibreFlats: 0, arcs: 0, fabryPerots: 0,
                                      twilightFlats: 0, blockExposures: [1], scienceExposureTime: 900, darkTime: 900)
        let plan = NightPlan(night: Night("2026-11-22")!, scale: .small, seed: 5, instrument: .small, spectrographs: [.lrsA], counts: counts)
        let instrument = InstrumentModel.small
        let simulator = SpectrographSimulator(instrument: instrument, spectrograph: .lrsA, plan: plan)
        let exposure = try #require(plan.exposures.first { $0.kind == .science })
        let arm = ArmName.green
        let rendered = try simulator.render(exposure, arm: arm)
        let photons = try #require(rendered.photons)
        let sources = try #require(rendered.sourceElectrons), skies = try #require(rendered.skyElectrons)
        let optics = simulator.lighting(arm).optics
        let model = instrument.arm(.lrsA, arm)
        let geometry = instrument.detector
        let detector = simulator.detector(arm)

        // Columns clear of sky emission lines in the red half of the green arm, on the first amplifier's far side.
        let columns = Array(620..<800)
        let allocations = simulator.allocations(block: 0)
        // The brightest object fibre there.
        let candidates = allocations.enumerated().compactMap { i, a -> (Int, Double)? in
            guard a.use == .object, let s = sources[i] else { return nil }
            return (i, columns.map { s[$0] }.sorted()[columns.count / 2])
        }
        let (index, level) = try #require(candidates.max { $0.1 < $1.1 })
        #expect(level > 200, "the brightest fibre gives \(level) e- per column")
        let slit = allocations[index].slitPosition
        let sky = try #require(skies[index])
        let skyMedian = columns.map { sky[$0] }.sorted()[columns.count / 2]
        let clean = columns.filter { sky[$0] < 1.3 * skyMedian }
        #expect(clean.count > 120)

        // Two independent readouts of the same exposure; their difference holds only noise (the fixed patterns cancel).
        let a = Readout(detector: detector).read(photons: photons, darkTime: rendered.darkTime, seed: 1001).pixels
        let b = Readout(detector: detector).read(photons: photons, darkTime: rendered.darkTime, seed: 2002).pixels
        let raw = geometry.rawColumns
        let amp = geometry.amplifiers[geometry.amplifierIndex(forActiveColumn: clean[0])]
        let gain = detector.amplifiers[geometry.amplifierIndex(forActiveColumn: clean[0])].gain
        let ron = detector.amplifiers[geometry.amplifierIndex(forActiveColumn: clean[0])].readNoise
        // Row offsets of the difference (row-to-row bias jitter) from the amplifier's whole row, once per row.
        var offsets: [Int: Double] = [:]
        func rowOffset(_ y: Int) -> Double {
            if let o = offsets[y] { return o }
            let o = clippedStatistics(amp.active.map { Double(a[y * raw + $0]) - Double(b[y * raw + $0]) }).mean
            offsets[y] = o
            return o
        }
        let halfWidth = 3, npix = 2 * halfWidth + 1
        let trace = optics.traceCoefficients(slitPosition: slit)
        var differences: [Double] = [], sourceInAperture: [Double] = [], variance: [Double] = []
        var noiseModelSource: [Double] = [], noiseModelVariance: [Double] = []
        let flux = try simulator.inputSpectra(block: 0, arm: arm)[index]!
        let ob = plan.blocks[0]
        let throughput = optics.transmission.fibres[slit - 1]
        for x in clean {
            let xd = Double(x)
            let centre = trace[0] + xd * (trace[1] + xd * trace[2])
            let y0 = Int(centre.rounded()) - halfWidth
            let fraction = optics.profile.fraction(rows: y0, y0 + npix, centre: centre,
                                                   sigma: optics.profile.coreSigma(t: optics.normalisedColumn(xd), u: optics.slitCoordinate(slit)))
            var d = 0.0, expected = 0.0, dark = 0.0
            for y in y0..<(y0 + npix) {
                let rx = geometry.rawColumn(forActiveColumn: x)
                d += (Double(a[y * raw + rx]) - Double(b[y * raw + rx]) - rowOffset(y)) * gain
                expected += Double(photons[y * geometry.activeColumns + x])
                dark += detector.darkRate(x: x, y: y) * rendered.darkTime
            }
            differences.append(d)
            let s = sources[index]![x] * fraction
            sourceInAperture.append(s)
            // The truth's prediction: every electron the aperture expects (the fibre, its neighbours' halo, scattered
            // light), dark current and read noise.
            variance.append(expected + dark + Double(npix) * ron * ron)
            // The noise model alone, from the true input flux: source and sky through this fibre and aperture.
            let signal = instrument.expectedSignal(flambda: Double(flux[x]), wavelength: model.wavelength(atPixel: xd), arm: model,
                                                   exposureTime: exposure.exposureTime, moon: ob.moon, airmass: ob.airmass, extractionPixels: npix)
            let f = throughput.value(at: model.wavelength(atPixel: xd)) * fraction
            noiseModelSource.append(signal.source * f)
            noiseModelVariance.append(PixelSignal(source: signal.source * f, sky: signal.sky * f, dark: dark,
                                                  readNoiseVariance: signal.readNoiseVariance).variance)
        }
        // Normalised residuals of the difference: unit variance if the frames carry the predicted noise.
        let z = zip(differences, variance).map { $0 / (2 * $1).squareRoot() }
        let scatter = clippedStatistics(z, sigma: 5).std
        let mean = { (v: [Double]) in v.reduce(0, +) / Double(v.count) }
        let measuredSN = mean(sourceInAperture) / (mean(variance) * scatter * scatter).squareRoot()
        let truthSN = mean(sourceInAperture) / mean(variance).squareRoot()
        let noiseModelSN = mean(noiseModelSource) / mean(noiseModelVariance).squareRoot()
        print("measured: S/N \(measuredSN), truth \(truthSN), noise model \(noiseModelSN); source vs noise model \(mean(sourceInAperture) / mean(noiseModelSource))")
        #expect(abs(measuredSN / truthSN - 1) < 0.05, "measured S/N \(measuredSN), truth \(truthSN)")
        #expect(abs(measuredSN / noiseModelSN - 1) < 0.05, "measured S/N \(measuredSN), noise model \(noiseModelSN)")
        // The renderer and the ETC noise model agree on the source electrons themselves.
        #expect(abs(mean(sourceInAperture) / mean(noiseModelSource) - 1) < 0.03)
    }
}
