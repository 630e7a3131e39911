import Foundation
import QMostCore
import QMostL1

/// A sky line the QA measures: its name as Figure 7 prints it and its air wavelength (Å).
public struct QASkyLine: Sendable, Equatable, Codable {
    public var name: String
    public var wavelength: Double

    public init(name: String, wavelength: Double) {
        self.name = name
        self.wavelength = wavelength
    }

    /// The five isolated lines of the seed's Figure 7.
    public static let figure7: [QASkyLine] = [
        QASkyLine(name: "[OI]", wavelength: 5577.338), QASkyLine(name: "[Na]", wavelength: 5889.950),
        QASkyLine(name: "[OI]", wavelength: 6300.304), QASkyLine(name: "[OI]", wavelength: 6363.780),
        QASkyLine(name: "72Q1", wavelength: 6863.955),
    ]
}

/// The QA of one arm of one exposure (seed 9.2.1): the numbers of Figure 7 and the data of Table 1's plots,
/// from the sky-subtracted spectra, the spectra before subtraction and FIBINFO.
public struct ArmQualityMeasurement: Sendable {
    public var lines: [QASkyLine]
    /// Bins per point of the smoothed sky residuals (delskys).
    public var smoothing: Int
    /// A sky line is measured in a fibre when its peak is this many times the noise.
    public var minimumLineSignificance: Double

    public init(lines: [QASkyLine] = QASkyLine.figure7, smoothing: Int = 100, minimumLineSignificance: Double = 10) {
        self.lines = lines
        self.smoothing = smoothing
        self.minimumLineSignificance = minimumLineSignificance
    }

    public func measure(_ input: ArmQualityInput) -> ArmQuality {
        let s = input.spectra, grid = s.grid, nb = grid.count, rows = s.slitPositions.count
        let noss = input.unsubtracted
        func good(_ f: Int, _ i: Int) -> Bool {
            let k = f * nb + i
            return s.mask[k] == 0 && s.variance[k] > 0 && s.variance[k].isFinite && s.flux[k].isFinite
        }
        let sky = (0..<rows).filter { input.fibres[$0]?.isSky == true }
        let targets = (0..<rows).filter { input.fibres[$0] != nil && input.fibres[$0]?.isSky == false }

        // The sky's lines: where the median sky (before subtraction) stands well above its running-median continuum.
        var lineBin = [Bool](repeating: false, count: nb)
        if let noss, !sky.isEmpty {
            let master = (0..<nb).map { i in SampleStatistics.median(sky.compactMap { f in good(f, i) ? Double(noss.flux[f * nb + i]) : nil }) }
            let continuum = SampleStatistics.runningMedian(master, width: 101)
            let excess = zip(master, continuum).map { $0 - $1 }.filter(\.isFinite)
            let noise = SampleStatistics.robustSigma(excess)
            for i in 0..<nb where master[i].isFinite && continuum[i].isFinite {
                lineBin[i] = master[i] - continuum[i] > max(0.3 * abs(continuum[i]), 5 * noise)
            }
        }

        // Per fibre.
        func goodValues(_ f: Int, from plane: [Float], continuumOnly: Bool = false) -> [Double] {
            (0..<nb).compactMap { i in good(f, i) && !(continuumOnly && lineBin[i]) ? Double(plane[f * nb + i]) : nil }
        }
        let skyLevels = sky.map { f in noss.map { SampleStatistics.median(goodValues(f, from: $0.flux)) } ?? .nan }
        let averageSky = SampleStatistics.median(skyLevels.filter(\.isFinite))
        let band = PhotometricBand.sdss.first { $0.transmittingRange.lowerBound >= grid.start && $0.transmittingRange.upperBound <= grid.end }
        var fibres: [FibreQuality] = []
        for f in 0..<rows {
            guard let info = input.fibres[f] else { continue }
            let values = goodValues(f, from: s.flux)
            let variances = goodValues(f, from: s.variance)
            var diffs: [Double] = []
            for i in 1..<nb where good(f, i) && good(f, i - 1) { diffs.append(Double(s.flux[f * nb + i] - s.flux[f * nb + i - 1])) }
            let flux = SampleStatistics.trimmedMean(values)
            let noise = SampleStatistics.median(variances).squareRoot()
            var synthetic: Double?
            if input.fluxCalibrated, let band {
                synthetic = band.abMagnitude(flux: s.flux(fibre: f), grid: grid, use: (0..<nb).map { good(f, $0) })?.magnitude
            }
            let residual = info.isSky && averageSky > 0 ? 100 * SampleStatistics.median(goodValues(f, from: s.flux, continuumOnly: true)) / averageSky : nil
            fibres.append(FibreQuality(
                slitPosition: s.slitPositions[f], fibreID: info.fibreID, use: info.use, isStandard: info.isStandard,
                catalogueMagnitude: info.magnitude, syntheticMagnitude: synthetic, flux: flux,
                sigma: SampleStatistics.robustSigma(diffs) / 2.0.squareRoot(), pipelineNoise: noise, snr: noise > 0 ? flux / noise : 0,
                used: values.count, skyResidualPercent: residual,
                skyFlux: info.isSky ? noss.map { SampleStatistics.median(goodValues(f, from: $0.flux)) } : nil, ra: info.ra, dec: info.dec))
        }
        let skyQuality = fibres.filter { $0.use == 3 }, targetQuality = fibres.filter { $0.use != 3 }

        // Residual median sky, its spread over the sky fibres.
        let medians = sky.map { SampleStatistics.median(goodValues($0, from: s.flux, continuumOnly: true)) }.filter(\.isFinite)
        let residualSigma = SampleStatistics.robustSigma(medians)

        // Sky covariance at lags 0…4 of the normalised continuum residuals, weighted over the sky fibres.
        var lagSums = [Double](repeating: 0, count: 5), zeroSum = 0.0
        var lineResiduals: [Double] = []
        for f in sky {
            let r = (0..<nb).map { i -> Double? in good(f, i) ? Double(s.flux[f * nb + i]) / Double(s.variance[f * nb + i]).squareRoot() : nil }
            for i in 0..<nb {
                guard let a = r[i] else { continue }
                if lineBin[i] { lineResiduals.append(a); continue }
                zeroSum += a * a
                for k in 1...4 where i + k < nb && !lineBin[i + k] {
                    if let b = r[i + k] { lagSums[k] += a * b }
                }
            }
        }
        lagSums[0] = zeroSum
        let half = lagSums.map { zeroSum > 0 ? $0 / zeroSum : .nan }
        let covariance = half.reversed().dropLast() + half
        let noiseFactor = covariance.reduce(0, +).squareRoot()
        let lineRMS = lineResiduals.isEmpty ? .nan : (lineResiduals.reduce(0) { $0 + $1 * $1 } / Double(lineResiduals.count)).squareRoot()
        let kurtosis = lineResiduals.isEmpty ? .nan : lineResiduals.reduce(0) { $0 + pow($1, 4) } / Double(lineResiduals.count) / (3 * pow(lineRMS, 4))

        // KS: sky against targets.
        func ks(_ key: (FibreQuality) -> Double) -> Double {
            let a = skyQuality.map(key).filter(\.isFinite), b = targetQuality.map(key).filter(\.isFinite)
            guard let p = SampleStatistics.ksProbability(a, b) else { return .nan }
            return log10(max(p, 1e-300))
        }
        let ksLog10 = [ks(\.sigma), ks(\.pipelineNoise), ks { $0.pipelineNoise > 0 ? $0.sigma / $0.pipelineNoise : .nan }]

        // Counts of suspicious pixels.
        var negativeVariance = 0, zeroVariance = 0, negativeNoss = 0, pixels = 0
        for k in 0..<(rows * nb) where s.mask[k] == 0 {
            let v = s.variance[k]
            if !(v >= 0) || !v.isFinite { negativeVariance += 1 } else if v == 0 { zeroVariance += 1 }
            if let noss, v > 0 {
                pixels += 1
                if noss.flux[k] < 0 { negativeNoss += 1 }
            }
        }
        let lowFlux = targets.filter { f in
            guard let noss, averageSky > 0 else { return false }
            return SampleStatistics.median(goodValues(f, from: noss.flux)) < 0.5 * averageSky
        }.count

        // delskys: smoothed sky residuals as % of the sky.
        var smoothedWave: [Double] = [], smoothed: [[Double]] = sky.map { _ in [] }
        for start in stride(from: 0, to: nb, by: smoothing) {
            let end = min(start + smoothing, nb)
            smoothedWave.append(grid.wavelength(ofBin: (start + end - 1) / 2))
            for (k, f) in sky.enumerated() {
                let v = (start..<end).compactMap { i in good(f, i) && !lineBin[i] ? Double(s.flux[f * nb + i]) : nil }
                smoothed[k].append(averageSky > 0 && !v.isEmpty ? 100 * SampleStatistics.median(v) / averageSky : .nan)
            }
        }

        return ArmQuality(
            spectrograph: input.spectrograph, arm: input.arm.headerName, unit: input.fluxCalibrated ? "erg/s/cm2/Angstrom" : "electron",
            covariance: Array(covariance), noiseFactor: noiseFactor, ksLog10: ksLog10,
            averageSkyFlux: averageSky, skyFibres: sky.count, residualSkySigma: residualSigma,
            residualSkyPercent: averageSky > 0 ? 100 * residualSigma / averageSky : .nan, lowFluxFibres: lowFlux,
            skyLineResidualRMS: lineRMS, skyLineResidualKurtosis: kurtosis, skyLines: skyLines(input, good: good),
            negativeVariancePixels: negativeVariance, zeroVariancePixels: zeroVariance, negativeUnsubtractedPixels: negativeNoss,
            pixels: pixels, fibres: fibres, smoothedWavelength: smoothedWave, smoothedSkyResiduals: smoothed, skyLineResiduals: lineResiduals)
    }

    /// Each listed line inside the arm, fitted in every allocated fibre before sky subtraction (after, without NOSS).
    func skyLines(_ input: ArmQualityInput, good: (Int, Int) -> Bool) -> [SkyLineQuality] {
        let plane = input.unsubtracted ?? input.spectra
        let grid = plane.grid, nb = grid.count
        let halfWindow = input.spectra.grid.step < 0.1 ? 20 : 12
        var out: [SkyLineQuality] = []
        for line in lines {
            let centre = (line.wavelength - grid.start) / grid.step
            let c = Int(centre.rounded())
            guard c - halfWindow >= 0, c + halfWindow < nb else { continue }
            var measured: [SkyLineQuality.FibreLine] = []
            for f in plane.slitPositions.indices where input.fibres[f] != nil {
                // Twice: the window of the first fit is a guess; the second spans ±3 FWHM of the first, so the
                // background under it comes from beyond the line's wings.
                var fit: GaussianLineFit?
                var half = halfWindow
                for _ in 0..<2 {
                    guard c - half >= 0, c + half < nb else { fit = nil; break }
                    let bins = Array((c - half)...(c + half))
                    guard bins.allSatisfy({ good(f, $0) }) else { fit = nil; break }
                    let x = bins.map { grid.wavelength(ofBin: $0) }
                    let y = bins.map { Double(plane.flux[f * nb + $0]) }, v = bins.map { Double(plane.variance[f * nb + $0]) }
                    // Significance of the line's flux against the noise of the bins under its FWHM.
                    guard let next = GaussianLineFit.fit(x: x, y: y, variance: v, centre: fit?.centre ?? line.wavelength, sigma: fit?.sigma ?? 2 * grid.step,
                                                         minimumSigma: 0.6 * grid.step),
                          next.amplitude * next.sigma * (2 * Double.pi).squareRoot() / grid.step
                            > minimumLineSignificance * (SampleStatistics.median(v) * next.fwhm / grid.step).squareRoot(),
                          abs(next.centre - line.wavelength) < 4 * grid.step else { fit = nil; break }
                    fit = next
                    half = min(60, max(8, Int((3 * next.fwhm / grid.step).rounded(.up))))
                }
                guard let fit else { continue }
                measured.append(.init(slitPosition: plane.slitPositions[f], centre: fit.centre, fwhm: fit.fwhm))
            }
            guard !measured.isEmpty else { continue }
            // 3σ-clipped mean and rms: one blended or cosmic-ray-hit fibre must not move the arm's figure.
            func clipped(_ v: [Double]) -> (Double, Double) {
                var kept = v
                for _ in 0..<3 {
                    let m = kept.reduce(0, +) / Double(kept.count)
                    let sd = kept.count > 1 ? (kept.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(kept.count - 1)).squareRoot() : 0
                    let next = kept.filter { abs($0 - m) <= 3 * sd || sd == 0 }
                    if next.count == kept.count || next.count < 3 { return (m, sd) }
                    kept = next
                }
                let m = kept.reduce(0, +) / Double(kept.count)
                return (m, kept.count > 1 ? (kept.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(kept.count - 1)).squareRoot() : 0)
            }
            let (offset, offsetRMS) = clipped(measured.map { $0.centre - line.wavelength })
            let (fwhm, fwhmRMS) = clipped(measured.map(\.fwhm))
            out.append(SkyLineQuality(name: line.name, wavelength: line.wavelength, offset: offset, offsetRMS: offsetRMS, fwhm: fwhm,
                                      fwhmRMS: fwhmRMS, fibres: measured.count, measured: measured))
        }
        return out
    }
}
