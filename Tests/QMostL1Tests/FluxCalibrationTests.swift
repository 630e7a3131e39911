import Foundation
import QMostCore
import Testing
@testable import QMostL1

/// Telluric correction (seed 9.1.15) and flux calibration (seed 9.1.16) of the two exposures of ``FlatAndSkyNight``
/// (green arm, which holds SDSS r), from what the pipeline has (FIBINFO standards, EXPTIME, airmass, the QMostCore
/// atmosphere and instrument model), measured against the simulator's truth F_λ.
@Suite(.serialized) struct FluxCalibrationTests {
    let exposures = FluxCalibrationNight.prepared
    let calibration = FluxCalibration(arm: InstrumentModel.small.arm(.lrsA, .green))

    /// One target's synthetic r from the calibrated spectrum and from the true F_λ over the same bins.
    struct Photometry { let row: Int; let kind: String; let catalogue: Double; let measured: Double; let truth: Double; let snr: Double }

    func photometry(_ out: FluxCalibratedSpectra, _ e: FluxCalibrationNight.PreparedExposure, rows: [Int]) -> [Photometry] {
        let nb = out.grid.count, band = PhotometricBand.sdssR
        return rows.compactMap { r in
            guard let truth = e.trueFlux[r] else { return nil }
            let use = (0..<nb).map { out.mask[r * nb + $0] == 0 && out.variance[r * nb + $0] > 0 }
            guard let m = band.abMagnitude(flux: out.flux(fibre: r), variance: out.variance(fibre: r), grid: out.grid, use: use),
                  let t = band.abMagnitude(flux: truth[...], grid: out.grid, use: use) else { return nil }
            return Photometry(row: r, kind: e.trueKind[r], catalogue: e.trueBand[r] == band.name ? e.trueMagnitude[r] : .nan,
                              measured: m.magnitude, truth: t.magnitude, snr: 2.5 / log(10) / m.error)
        }
    }

    func stats(_ d: [Double]) -> (median: Double, rms: Double) {
        (RobustStatistics.median(d) ?? .nan, (d.map { $0 * $0 }.reduce(0, +) / Double(max(d.count, 1))).squareRoot())
    }

    @Test func telluricModelCorrectionDividesTheBandsAtTheExposureAirmass() throws {
        let e = exposures[0]
        let grid = e.spectra.grid
        let correction = TelluricCorrection.fromModel(grid: grid, airmass: e.airmass)
        #expect(correction.method == .model)
        let i = Int(((6890 - grid.start) / grid.step).rounded())
        let expected = TelluricModel.default.transmission(at: grid.wavelength(ofBin: i), airmass: e.airmass)
        #expect(abs(correction.transmission[i] - expected) < 1e-12 && expected < 0.8, "O2 B core \(expected)")
        let steeper = TelluricCorrection.fromModel(grid: grid, airmass: e.airmass + 0.5)
        #expect(steeper.transmission[i] < correction.transmission[i], "deeper at higher airmass")
        let out = correction.apply(to: e.spectra)
        var checked = 0
        for k in stride(from: 0, to: out.flux.count, by: 53) {
            let t = correction.transmission[k % grid.count]
            #expect(abs(Double(out.flux[k]) * t - Double(e.spectra.flux[k])) <= 1e-3 * max(1, abs(Double(e.spectra.flux[k]))))
            #expect(abs(Double(out.variance[k]) * t * t - Double(e.spectra.variance[k])) <= 1e-3 * max(1, Double(e.spectra.variance[k])))
            #expect((out.mask[k] & TelluricCorrection.deepBand != 0) == (t < TelluricCorrection.deepThreshold))
            checked += 1
        }
        #expect(checked > 100)
        print(String(format: "measured: airmass %.3f, EXPTIME %.0f s; model O2 B transmission at 6890 A %.3f; %d bins in bands",
                     e.airmass, e.exposureTime, expected, correction.inBand.filter { $0 }.count))
    }

    @Test func standardsGiveASmoothSensitivityAndTheirTemperatures() throws {
        for (n, e) in exposures.enumerated() {
            let standards = e.standards
            #expect(standards.count >= 2, "FIBINFO names \(standards.count) standards")
            let out = try #require(calibration.calibrate(e.spectra, standards: standards, exposureTime: e.exposureTime, airmass: e.airmass))
            let s = out.sensitivity
            #expect(s.standards.count == standards.count)
            for st in s.standards {
                let truth = e.trueTemperature[st.row]
                print(String(format: "measured: exposure %d standard row %d (%@): fitted T_eff %.0f K (truth %.0f K), offset from combined %+.4f mag, scaled through band %@",
                             n, st.row, e.trueKind[st.row], st.temperature, truth, st.offset, st.scaledThroughBand ? "yes" : "no"))
                #expect(st.temperatureFitted && st.scaledThroughBand)
                // Hot white dwarfs sit on the Rayleigh-Jeans tail (T barely constrained); F stars must come out F-like.
                if truth < 10000 { #expect(abs(st.temperature / truth - 1) < 0.15) } else { #expect(st.temperature > 12000) }
                #expect(abs(st.offset) < 0.1)
            }
            // The sensitivity over the nominal model: a smooth curve near a constant (the simulated instrument is the nominal one).
            let nominal = calibration.nominalSensitivity(s.grid)
            let ratios = s.grid.count > 0 ? (0..<s.grid.count).filter { s.values[$0] > 0 }.map { s.values[$0] / nominal[$0] } : []
            let mid = RobustStatistics.median(ratios) ?? .nan
            let spread = ratios.map { abs($0 / mid - 1) }.sorted()
            print(String(format: "measured: exposure %d sensitivity / nominal model: median %.4f, 95th-percentile |dev| %.4f over %d bins",
                         n, mid, spread[spread.count * 95 / 100], ratios.count))
            #expect(ratios.count > s.grid.count * 9 / 10)
            #expect(spread[spread.count * 95 / 100] < 0.05)
        }
    }

    @Test func abMagnitudeOfAFlatFnuSpectrumAndRejectionOfAStandardWithAWrongMagnitude() throws {
        // A flat F_ν spectrum of AB 20 has r = 20 whatever the filter's shape; masked bins drop out of both integrals.
        let grid = SpectralGrid(start: 5000, step: 0.25, count: 10000)
        let flat = (0..<grid.count).map { Float(PhysicalConstants.flambda(abMagnitude: 20, at: grid.wavelength(ofBin: $0))) }
        var use = [Bool](repeating: true, count: grid.count)
        let m = try #require(PhotometricBand.sdssR.abMagnitude(flux: flat[...], grid: grid, use: use))
        for i in stride(from: 0, to: grid.count, by: 50) { use[i] = false }
        let masked = try #require(PhotometricBand.sdssR.abMagnitude(flux: flat[...], grid: grid, use: use))
        print(String(format: "measured: flat F_nu AB 20: r = %.5f, with 2%% of bins masked %.5f", m.magnitude, masked.magnitude))
        #expect(abs(m.magnitude - 20) < 1e-4 && abs(masked.magnitude - 20) < 1e-4)
        #expect(PhotometricBand.sdssR.abMagnitude(flux: flat[...], grid: SpectralGrid(start: 5800, step: 0.25, count: 4000),
                                                   use: use) == nil, "a grid not covering the band gives no magnitude")
        // Three standards, one with a catalogue magnitude 0.3 mag too faint: it is rejected, the others agree.
        let e = exposures[0]
        var standards = e.standards
        var wrong = standards[0]
        wrong.magnitude += 0.3
        standards.append(wrong)
        let telluric = TelluricCorrection.fromModel(grid: e.spectra.grid, airmass: e.airmass)
        let s = try #require(calibration.sensitivity(telluric.apply(to: e.spectra), telluric: telluric, standards: standards,
                                                     exposureTime: e.exposureTime, airmass: e.airmass))
        print("measured: offsets \(s.standards.map { String(format: "%+.3f", $0.offset) }), used \(s.standards.map(\.used))")
        #expect(s.standards.map(\.used) == [true, true, false])
        // Claimed 0.3 mag fainter, its curve is 0.3 mag more sensitive: offset −0.3.
        #expect(abs(s.standards[2].offset + 0.3) < 0.02 && s.standards[..<2].allSatisfy { abs($0.offset) < 0.01 })
    }

    /// The O₂ B band's calibrated/true flux (median over the bright stars) of calibrated exposure `e`.
    func bandRatio(_ out: FluxCalibratedSpectra, _ e: FluxCalibrationNight.PreparedExposure) -> Double {
        let nb = out.grid.count
        let lo = Int(((6868 - out.grid.start) / out.grid.step).rounded()), hi = Int(((6916 - out.grid.start) / out.grid.step).rounded())
        let rows = e.spectra.slitPositions.indices.filter { e.usable[$0] && ["STAR", "WD", "STANDARD"].contains(e.fibinfoClass[$0]) }
        let q = photometry(out, e, rows: rows).filter { $0.snr > 40 }.compactMap { p -> Double? in
            let truth = e.trueFlux[p.row]!
            var num = 0.0, den = 0.0
            for i in lo..<hi where out.mask[p.row * nb + i] == 0 && out.variance[p.row * nb + i] > 0 && truth[i] > 0 {
                num += Double(out.flux[p.row * nb + i]); den += Double(truth[i])
            }
            return den > 0 ? num / den : nil
        }
        return RobustStatistics.median(q) ?? .nan
    }

    /// Seed 9.1.15's second option: the standards refine a wrong telluric model's band depth.
    @Test func standardsRefineAWrongTelluricBandDepth() throws {
        var wrong = TelluricModel.default
        let b = try #require(wrong.bands.firstIndex { $0.name == "O2 B" })
        wrong.bands[b].depth *= 0.6
        for (n, e) in exposures.enumerated() {
            let args = (e.spectra, e.standards, e.exposureTime, e.airmass)
            let right = try #require(calibration.calibrate(args.0, standards: args.1, exposureTime: args.2, airmass: args.3, refineTelluric: true))
            let asIs = try #require(calibration.calibrate(args.0, standards: args.1, exposureTime: args.2, airmass: args.3, telluricModel: wrong))
            let refined = try #require(calibration.calibrate(args.0, standards: args.1, exposureTime: args.2, airmass: args.3,
                                                             telluricModel: wrong, refineTelluric: true))
            let tRight = calibration.refinedTelluric(args.0, standards: args.1, exposureTime: args.2, airmass: args.3)
            let tWrong = calibration.refinedTelluric(args.0, standards: args.1, exposureTime: args.2, airmass: args.3, model: wrong)
            let aRight = try #require(tRight.bandScales["O2 B"]), aWrong = try #require(tWrong.bandScales["O2 B"])
            print(String(format: "measured: exposure %d O2 B depth scale fitted to the standards: %.3f on the true model, %.3f on a model 0.6x too shallow (%.3f x 0.6); band scales %@",
                         n, aRight, aWrong, aWrong * 0.6, tWrong.bandScales.description))
            print(String(format: "measured: exposure %d O2 B calibrated/true: true model refined %.4f; wrong model as is %.4f, refined %.4f",
                         n, bandRatio(right, e), bandRatio(asIs, e), bandRatio(refined, e)))
            #expect(right.telluricMethod == .refinedByStandards && asIs.telluricMethod == .model)
            #expect(abs(aRight - 1) < 0.1)
            #expect(abs(aWrong * 0.6 - 1) < 0.1)
            #expect(bandRatio(asIs, e) < 0.95, "the wrong model leaves the band visible")
            #expect(abs(bandRatio(refined, e) - 1) < 0.03)
            #expect(abs(bandRatio(right, e) - 1) < 0.03)
        }
    }

    /// The must-show: synthetic AB r of the calibrated point sources (stars) with S/N > 20 within 0.05 mag of the truth.
    @Test func syntheticRMagnitudesOfStarsMatchTheTruth() throws {
        var deltas: [Double] = [], catalogueDeltas: [Double] = [], crossDeltas: [Double] = [], standardDeltas: [Double] = []
        var others: [Double] = []
        var sensitivities: [Sensitivity] = []
        var calibrated: [FluxCalibratedSpectra] = []
        for e in exposures {
            let out = try #require(calibration.calibrate(e.spectra, standards: e.standards, exposureTime: e.exposureTime, airmass: e.airmass))
            sensitivities.append(out.sensitivity)
            calibrated.append(out)
        }
        for (n, e) in exposures.enumerated() {
            let out = calibrated[n]
            let standardRows = Set(e.standards.map(\.row))
            let rows = e.spectra.slitPositions.indices.filter { e.usable[$0] }
            for p in photometry(out, e, rows: rows) where p.snr > 20 {
                let d = p.measured - p.truth
                let isStar = ["STAR", "WD"].contains(e.fibinfoClass[p.row])
                print(String(format: "measured: exposure %d row %2d %-8@ S/N %6.1f  r_cal %.3f  r_true %.3f  catalogue %.3f  dmag %+.4f%@",
                             n, p.row, p.kind, p.snr, p.measured, p.truth, p.catalogue, d,
                             standardRows.contains(p.row) ? "  (standard)" : isStar ? "" : "  (not a star)"))
                if standardRows.contains(p.row) { standardDeltas.append(d) } else if isStar {
                    deltas.append(d)
                    if p.catalogue.isFinite { catalogueDeltas.append(p.measured - p.catalogue) }
                } else { others.append(d) }
            }
            // The other exposure's sensitivity (above the atmosphere), applied with this exposure's airmass.
            let other = sensitivities[1 - n]
            let telluric = TelluricCorrection.fromModel(grid: e.spectra.grid, airmass: e.airmass)
            let cross = calibration.apply(other, to: telluric.apply(to: e.spectra), telluric: telluric,
                                          exposureTime: e.exposureTime, airmass: e.airmass)
            for p in photometry(cross, e, rows: rows) where p.snr > 20 && ["STAR", "WD", "STANDARD"].contains(e.fibinfoClass[p.row]) {
                crossDeltas.append(p.measured - p.truth)
            }
        }
        let s = stats(deltas), c = stats(catalogueDeltas), x = stats(crossDeltas), st = stats(standardDeltas), o = stats(others)
        print(String(format: "measured: stars (not standards) S/N > 20: %d, dmag vs true F_lambda median %+.4f rms %.4f, worst %.4f",
                     deltas.count, s.median, s.rms, deltas.map(abs).max() ?? .nan))
        print(String(format: "measured: the same vs catalogue MAG: %d, median %+.4f rms %.4f", catalogueDeltas.count, c.median, c.rms))
        print(String(format: "measured: standards themselves: %d, median %+.4f rms %.4f", standardDeltas.count, st.median, st.rms))
        print(String(format: "measured: other targets (galaxies, QSOs) S/N > 20: %d, median %+.4f rms %.4f", others.count, o.median, o.rms))
        print(String(format: "measured: stars and standards calibrated with the OTHER exposure's sensitivity: %d, median %+.4f rms %.4f",
                     crossDeltas.count, x.median, x.rms))
        #expect(deltas.count >= 2, "enough S/N > 20 stars to test")
        #expect(deltas.allSatisfy { abs($0) < 0.05 }, "\(deltas)")
        #expect(abs(s.median) < 0.03)
        #expect(crossDeltas.count >= 2 && crossDeltas.allSatisfy { abs($0) < 0.05 }, "\(crossDeltas)")
    }

    /// The calibrated flux over the true F_λ, in 100 Å chunks, for the bright targets; and the telluric band with and
    /// without the correction.
    @Test func calibratedFluxFollowsTheTrueFluxOverWavelength() throws {
        let chunk = 400
        var perChunk: [Int: [Double]] = [:], bandCorrected: [Double] = [], bandUncorrected: [Double] = []
        var grid: SpectralGrid?
        for e in exposures {
            let out = try #require(calibration.calibrate(e.spectra, standards: e.standards, exposureTime: e.exposureTime, airmass: e.airmass))
            let nb = out.grid.count
            grid = out.grid
            // Without telluric correction: same sensitivity, transmission 1.
            let none = TelluricCorrection(grid: out.grid, airmass: e.airmass, method: .model, transmission: [Double](repeating: 1, count: nb))
            let uncorrected = calibration.apply(out.sensitivity, to: e.spectra, telluric: none, exposureTime: e.exposureTime, airmass: e.airmass)
            // Point sources (stars, white dwarfs, standards) bright enough that a 100 Å chunk's ratio is not noise-limited.
            let bright = photometry(out, e, rows: e.spectra.slitPositions.indices.filter { e.usable[$0] && ["STAR", "WD", "STANDARD"].contains(e.fibinfoClass[$0]) })
                .filter { $0.snr > 40 }
            for p in bright {
                let truth = e.trueFlux[p.row]!
                func ratio(_ s: FluxCalibratedSpectra, _ a: Int, _ b: Int) -> Double? {
                    var num = 0.0, den = 0.0
                    for i in a..<b where s.mask[p.row * nb + i] == 0 && s.variance[p.row * nb + i] > 0 && truth[i] > 0 {
                        num += Double(s.flux[p.row * nb + i]); den += Double(truth[i])
                    }
                    return den > 0 ? num / den : nil
                }
                for a in stride(from: 0, to: nb - chunk + 1, by: chunk) { if let q = ratio(out, a, a + chunk) { perChunk[a, default: []].append(q) } }
                // The O2 B band (6864–6920 Å).
                let lo = Int(((6868 - out.grid.start) / out.grid.step).rounded()), hi = Int(((6916 - out.grid.start) / out.grid.step).rounded())
                if let q = ratio(out, lo, hi), let u = ratio(uncorrected, lo, hi) { bandCorrected.append(q); bandUncorrected.append(u) }
            }
        }
        let g = try #require(grid)
        // The outer chunk at each end of the arm is reported apart: there the fibres' own coverage ends and a few
        // stars' ratios scatter (not yet understood; their median is still within a few per cent).
        var worst = 0.0, worstEdge = 0.0, all: [Double] = []
        let keys = perChunk.keys.sorted()
        for a in keys {
            let q = perChunk[a]!
            let m = RobustStatistics.median(q) ?? .nan
            let rms = (q.map { ($0 - 1) * ($0 - 1) }.reduce(0, +) / Double(q.count)).squareRoot()
            let edge = a == keys.first || a == keys.last
            print(String(format: "measured: %6.0f-%6.0f A: calibrated/true median %.4f rms(ratio-1) %.4f over %d stars, range %.3f-%.3f%@",
                         g.wavelength(ofBin: a), g.wavelength(ofBin: a + chunk - 1), m, rms, q.count, q.min() ?? .nan, q.max() ?? .nan,
                         edge ? " (arm end)" : ""))
            if edge { worstEdge = max(worstEdge, abs(m - 1)) } else {
                worst = max(worst, abs(m - 1))
                all += q
            }
        }
        let total = stats(all.map { $0 - 1 })
        print(String(format: "measured: inner 100 A chunks: median ratio-1 %+.4f, rms %.4f; worst chunk median |ratio-1| %.4f; arm-end chunks' worst median %.4f",
                     total.median, total.rms, worst, worstEdge))
        let bc = RobustStatistics.median(bandCorrected) ?? .nan, bu = RobustStatistics.median(bandUncorrected) ?? .nan
        print(String(format: "measured: O2 B band 6868-6916 A calibrated/true: %.4f with the telluric correction, %.4f without (%d stars)",
                     bc, bu, bandCorrected.count))
        #expect(perChunk.count >= 15 && all.count > 200)
        #expect(worst < 0.02)
        #expect(total.rms < 0.02)
        #expect(worstEdge < 0.05)
        #expect(abs(bc - 1) < 0.05)
        #expect(bu < 0.9, "the band is visible without the correction")
    }
}
