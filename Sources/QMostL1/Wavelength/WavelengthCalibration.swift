import Foundation
import QMostCore

/// Per-fibre wavelength calibration from an extracted arc (ThAr) exposure and, when there is one, a
/// Fabry–Pérot exposure (seed 9.1.12: the FP's dense regular comb maps the relative solution of every fibre,
/// the arc lines put it on the absolute scale; "a separate polynomial fit for each fibre").
///
/// Per fibre: the shift from the arm's nominal solution by cross-correlation with the lamp list; isolated lines
/// identified and their positions fitted as pixel-integrated Gaussians (the lines are undersampled at the small
/// scale); a polynomial λ(x) with iterative clipping. The line-spread width is measured first, on the bright
/// arc lines of all fibres, and held in the position fits. With an FP frame its peaks (orders m at λ = P/m) are
/// located from the arc solution and fitted the same way, and the etalon's path P is set by the arc lines:
/// one scale factor for all fibres, the one that makes arc and FP agree best (least χ² over every fibre).
public struct WavelengthCalibration: Sendable {
    /// The arm's nominal model (coverage, dispersion, resolving power); rescaled to the spectra's column count
    /// when that differs from its ``ArmModel/spectralPixels``.
    public var arm: ArmModel
    public var lamp: ArcLamp
    /// The etalon whose comb the FP frame shows (its gap sets the orders; the arc refines its path).
    public var etalon: FabryPerot
    /// Polynomial degree with an FP frame (hundreds of peaks per fibre) and from the arc alone (tens of lines).
    public var degree = 3
    public var arcOnlyDegree = 2
    /// Clipping threshold (normalised residuals, in units of their robust scale).
    public var kappa = 3.0
    /// Largest shift (pixels) from the nominal solution that the cross-correlation searches.
    public var maximumShift = 8.0
    /// Arc lines need their neighbours this many LSF FWHMs away (and at least `isolationPixels`), unless
    /// fainter than `blendFraction` of them.
    public var isolationFWHM = 3.0
    public var isolationPixels = 2.0
    public var blendFraction = 0.02
    /// FP peaks need their neighbours this many FWHMs away (they are fitted together with them).
    public var fabryPerotIsolationFWHM = 2.0
    /// Amplitude over its error below which a line is not used.
    public var minimumSignificance = 10.0
    /// Lines this significant measure the LSF width.
    public var widthSignificance = 40.0
    /// Fibres whose lines measure the LSF width, at most (evenly spread along the slit).
    public var widthFibres = 12
    /// FP peaks fitted per fibre at most (evenly spread over the comb; full-scale combs have thousands).
    public var maximumFabryPerotPeaks = 250

    public init(arm: ArmModel, lamp: ArcLamp = .thoriumArgon, etalon: FabryPerot? = nil) {
        self.arm = arm
        self.lamp = lamp
        self.etalon = etalon ?? .default(arm.mode)
    }

    /// Solutions for every fibre of `arc` (and `fabryPerot`, matched by slit position).
    public func calibrate(arc: ExtractedSpectra, fabryPerot: ExtractedSpectra? = nil) -> WavelengthSolutions {
        let model = arm.spectralPixels == arc.columns ? arm : arm.scaled(toSpectralPixels: arc.columns)
        let n = arc.columns
        let nominalSigma = { (x: Double) in model.lsfFWHMPixels(at: model.wavelength(atPixel: x)) / 2.354_820_045 }
        let margin = 2 * model.dispersion
        let lines = lamp.lines(in: (model.wavelengthRange.lowerBound - margin)...(model.wavelengthRange.upperBound + margin))

        // 1. Shift of every fibre from the nominal solution.
        let shifts = ParallelMap.map(arc.slitPositions.count) { f in
            ShiftSearch.shift(flux: arc.flux(fibre: f), lines: lines.map { (model.pixel(atWavelength: $0.wavelength), $0.intensity.squareRoot()) },
                              templateSigma: max(1, 2 * nominalSigma(0.5 * Double(n))), maximumShift: maximumShift)
        }
        func expected(_ f: Int, sigma: (Double) -> Double) -> [ExpectedLine] {
            lines.enumerated().compactMap { i, l in
                let x = model.pixel(atWavelength: l.wavelength) + shifts[f]
                return ExpectedLine(key: i, x: x, intensity: l.intensity, sigma: sigma(x))
            }
        }
        var measurer = LineMeasurer(halfWindow: 3, isolationFWHM: isolationFWHM, isolationPixels: isolationPixels,
                                    blendFraction: blendFraction, minimumSignificance: widthSignificance, maximumMove: 1.5)

        // 2. The LSF width against column, from the bright isolated arc lines (of up to `widthFibres` fibres).
        let sample = Self.evenSample(arc.slitPositions.count, at: widthFibres)
        // One factor for the arm: arc lines are too few and too unevenly bright to follow a trend.
        let lsfRatio = LineWidthScan(measurer: measurer, maximumDegree: 0).ratio(sample.map { f in
            .init(flux: arc.flux(fibre: f), variance: arc.variance(fibre: f), mask: arc.mask(fibre: f), expected: expected(f, sigma: nominalSigma))
        }, columns: n)
        let lsf = Self.tabulated({ nominalSigma($0) * Polynomial.evaluate(lsfRatio, at: $0) }, columns: n)
        let sigma = { (x: Double) in Polynomial.evaluate(lsf, at: x) }

        // 3. Arc line positions with the width held, and an arc-only solution per fibre.
        measurer.minimumSignificance = minimumSignificance
        let arcFits = ParallelMap.map(arc.slitPositions.count) { f -> (points: [LinePoint], solution: [Double]?) in
            let found = measurer.measure(expected(f, sigma: sigma), flux: arc.flux(fibre: f), variance: arc.variance(fibre: f), mask: arc.mask(fibre: f))
            let points = found.map { LinePoint(x: $0.x, wavelength: lines[$0.key].wavelength, error: $0.error * model.dispersion, order: nil) }
            let arcFit = ClippedPolynomialFit(degree: min(arcOnlyDegree, max(1, points.count - 3)), kappa: kappa)
            guard let r = arcFit.fit(x: points.map(\.x), y: points.map(\.wavelength), errors: points.map(\.error)) else { return ([], nil) }
            return (zip(points, r.used).filter(\.1).map(\.0), r.coefficients)
        }
        let arcPoints = arcFits.map(\.points), arcSolutions = arcFits.map(\.solution)

        // 4. With an FP frame: its peaks, the path that ties them to the arc, the combined fits.
        var fpPoints = [[LinePoint]](repeating: [], count: arc.slitPositions.count)
        var path: Double?
        if let fp = fabryPerot {
            let comb = FabryPerotComb(etalon: etalon, model: model, lsf: sigma, isolationFWHM: fabryPerotIsolationFWHM,
                                      isolationPixels: isolationPixels, minimumSignificance: minimumSignificance,
                                      widthSignificance: widthSignificance, maximumPeaks: maximumFabryPerotPeaks, widthFibres: widthFibres,
                                      kappa: kappa, degree: degree)
            let rows = arc.slitPositions.map { s in fp.slitPositions.firstIndex(of: s) }
            fpPoints = comb.measure(fp, rows: rows, arcSolutions: arcSolutions)
            path = comb.path(arcPoints: arcPoints, fpPoints: fpPoints, degree: degree)
        }

        // 5. The final fit per fibre.
        var fits: [FibreWavelengthFit] = []
        for f in 0..<arc.slitPositions.count {
            var points = arcPoints[f]
            if let path { points += fpPoints[f].map { LinePoint(x: $0.x, wavelength: path / Double($0.order!), error: $0.error, order: $0.order) } }
            let d = min(fpPoints[f].isEmpty ? arcOnlyDegree : degree, max(1, points.count - 3))
            guard let r = ClippedPolynomialFit(degree: d, kappa: kappa).fit(x: points.map(\.x), y: points.map(\.wavelength), errors: points.map(\.error))
            else { continue }
            let used = zip(points, r.used).filter(\.1).map(\.0)
            fits.append(FibreWavelengthFit(slitPosition: arc.slitPositions[f], coefficients: r.coefficients, lamrms: r.rms,
                                           arcLines: used.filter { $0.order == nil }.count, fabryPerotPeaks: used.filter { $0.order != nil }.count))
        }
        return WavelengthSolutions(arm: arc.arm, mode: model.mode, columns: n, fibres: fits, lsfSigma: lsf, fabryPerotPath: path)
    }

    /// `count` indices spread evenly over 0..<n (all of them when n ≤ count).
    static func evenSample(_ n: Int, at count: Int) -> [Int] {
        guard n > count, count > 0 else { return Array(0..<n) }
        return (0..<count).map { Int((Double($0) + 0.5) * Double(n) / Double(count)) }
    }

    /// A cubic through `f` sampled along the columns (how the LSF width is stored).
    static func tabulated(_ f: (Double) -> Double, columns n: Int) -> [Double] {
        let xs = (0...32).map { Double($0) * Double(n - 1) / 32 }
        return Polynomial.fit(x: xs, y: xs.map(f), degree: 3) ?? [f(0.5 * Double(n - 1))]
    }
}

/// A line position and the wavelength it should have: a lamp line's, or an FP order's (`order` set; its
/// wavelength follows from the etalon's path).
struct LinePoint {
    var x: Double
    var wavelength: Double
    /// 1σ in Å.
    var error: Double
    var order: Int?
}
