import Foundation
import QMostCore

/// A flux standard in an exposure: its row in the spectra, its catalogue magnitude and band (FIBINFO TRG_MAG,
/// TRG_MAGB) and, when a catalogue gives it, its effective temperature.
public struct FluxStandard: Sendable, Equatable {
    /// Index of the standard's spectrum in the spectra (not the slit position).
    public var row: Int
    /// AB magnitude through ``band``.
    public var magnitude: Double
    public var band: PhotometricBand
    /// Catalogue T_eff (K); nil to have ``FluxCalibration`` fit it from the spectrum.
    public var temperature: Double?

    public init(row: Int, magnitude: Double, band: PhotometricBand, temperature: Double? = nil) {
        self.row = row
        self.magnitude = magnitude
        self.band = band
        self.temperature = temperature
    }
}

/// The sensitivity of one arm of one exposure: electrons per bin per second per erg/s/cm²/Å of a point source above
/// the atmosphere (airmass 0, outside the telluric bands), for a fibre of unit relative throughput after the fibre
/// flat (seed 9.1.16: "compute an 'average' conversion from ADUs to f_λ as a function of wavelength").
public struct Sensitivity: Sendable, Equatable {
    /// What each standard gave.
    public struct Standard: Sendable, Equatable {
        public var row: Int
        /// T_eff of the Planck model (K), and whether it was fitted (no catalogue value).
        public var temperature: Double
        public var temperatureFitted: Bool
        /// Whether the standard was scaled by synthetic photometry of its own spectrum in its band (the band inside
        /// the arm), rather than by the model's magnitude (lines then not accounted for).
        public var scaledThroughBand: Bool
        /// −2.5 log₁₀ of its sensitivity over the combined one, median over the bins (mag); 0 for a perfect standard.
        public var offset: Double
        /// Whether it entered the combination.
        public var used: Bool
    }

    public var grid: SpectralGrid
    /// Electrons per bin per s per erg/s/cm²/Å, per bin; 0 where the standards did not constrain it.
    public var values: [Double]
    public var standards: [Standard]
}

/// Spectra in erg/s/cm²/Å (AB system) with the sensitivity that made them (for its own extension).
public struct FluxCalibratedSpectra: Sendable, Equatable {
    /// Mask bit: no sensitivity at the bin; flux and variance are zero.
    public static let noSensitivity: UInt8 = 128
    public static let unit = "erg/s/cm2/Angstrom"

    public var arm: ArmName
    public var grid: SpectralGrid
    public var slitPositions: [Int]
    /// F_λ in erg/s/cm²/Å, fibre-major like ``RebinnedSpectra/flux``.
    public var flux: [Float]
    public var variance: [Float]
    public var mask: [UInt8]
    public var sensitivity: Sensitivity
    public var telluricMethod: TelluricCorrection.Method
    public var airmass: Double
    public var exposureTime: Double

    public func flux(fibre f: Int) -> ArraySlice<Float> { flux[(f * grid.count)..<((f + 1) * grid.count)] }
    public func variance(fibre f: Int) -> ArraySlice<Float> { variance[(f * grid.count)..<((f + 1) * grid.count)] }
    public func mask(fibre f: Int) -> ArraySlice<UInt8> { mask[(f * grid.count)..<((f + 1) * grid.count)] }
}

/// Flux calibration of one arm of one exposure from its flux standards (seed 9.1.16: "make use of any flux calibrators
/// in the field ... to compute an 'average' conversion ... as a function of wavelength").
///
/// Input: flat-fielded, sky-subtracted, telluric-corrected spectra in electrons per bin. For each standard:
/// 1. its continuum model is a Planck curve at its T_eff (the catalogue's, or fitted to its spectrum divided by the
///    instrument model's nominal sensitivity, over a grid of temperatures);
/// 2. electrons / (t · 10^(−0.4 k(λ) X) · B_λ · S_nominal(λ)), with telluric bands and strong stellar lines masked,
///    is reduced to robust medians in ``knotSpacing`` chunks and joined by a natural cubic spline; times the instrument
///    model's nominal sensitivity S_nominal (``nominalSensitivity(_:)``) this is the smooth curve;
/// 3. the curve is scaled so that the standard's own calibrated spectrum, lines included, has its catalogue AB
///    magnitude in its band (when the band lies in the arm; otherwise the Planck model is scaled to the magnitude).
/// The standards' curves are combined by the median at each bin, standards more than ``rejectionMagnitudes`` off
/// the median rejected when there are three or more. The calibrated flux of every fibre is then
/// F_λ = e⁻ / (t · 10^(−0.4 k(λ) X) · S(λ)) with k(λ) the continuum extinction of ``TelluricModel``.
public struct FluxCalibration: Sendable {
    /// The arm's instrument model: its nominal throughput is the shape the standards correct, and the reference for
    /// fitting a standard's T_eff.
    public var arm: ArmModel
    public var telescope: Telescope
    /// Width (Å) of the chunks whose medians are the spline's knots.
    public var knotSpacing: Double
    /// Minimum fraction of a chunk's bins that must be usable for it to give a knot.
    public var minimumChunkFraction: Double
    /// Standards whose curve is further than this (mag, median over bins) from the median curve are rejected.
    public var rejectionMagnitudes: Double

    /// `knotSpacing` defaults to 100 Å in low resolution and 40 Å in high, whose arms span only ~300–450 Å, much of
    /// it under the Balmer masks in the blue: the continuum needs knots between the lines there.
    public init(arm: ArmModel, telescope: Telescope = .vista, knotSpacing: Double? = nil, minimumChunkFraction: Double = 0.4,
                rejectionMagnitudes: Double = 0.1) {
        self.arm = arm
        self.telescope = telescope
        self.knotSpacing = knotSpacing ?? (arm.mode == .high ? 40 : 100)
        self.minimumChunkFraction = minimumChunkFraction
        self.rejectionMagnitudes = rejectionMagnitudes
    }

    /// Strong stellar absorption lines (air wavelength, Å) and the half-width masked around each: broad for the
    /// Balmer lines, whose Stark wings in white dwarfs reach ~100 Å; Ca H&K, Mg b, Na D, the Ca triplet.
    public static let lineMasks: [(centre: Double, halfWidth: Double)] = [
        (6562.8, 110), (4861.3, 100), (4340.5, 80), (4101.7, 60), (3970.1, 45), (3889.1, 35), (3835.4, 25),
        (3933.7, 20), (5172.7, 25), (5892.9, 20), (8498.0, 20), (8542.1, 20), (8662.1, 20),
    ]

    /// Bins of `grid` inside ``lineMasks``.
    public static func lineBins(_ grid: SpectralGrid) -> [Bool] {
        (0..<grid.count).map { i in
            let l = grid.wavelength(ofBin: i)
            return lineMasks.contains { abs(l - $0.centre) <= $0.halfWidth }
        }
    }

    /// Continuum extinction factor 10^(−0.4 k(λ) X) per bin.
    public static func extinction(_ grid: SpectralGrid, airmass: Double) -> [Double] {
        (0..<grid.count).map { TelluricModel.continuumTransmission(at: grid.wavelength(ofBin: $0), airmass: airmass) }
    }

    /// The instrument model's nominal sensitivity in the units of ``Sensitivity/values`` (throughput divided by the
    /// continuum transmission at the reference airmass it includes).
    public func nominalSensitivity(_ grid: SpectralGrid) -> [Double] {
        (0..<grid.count).map { i in
            let l = grid.wavelength(ofBin: i)
            return l / PhysicalConstants.hcErgAngstrom * telescope.collectingArea * grid.step * arm.throughput.value(at: l)
                / TelluricModel.continuumTransmission(at: l, airmass: InstrumentModel.referenceAirmass)
        }
    }

    /// The sensitivity from `standards` in `spectra` (telluric-corrected by `telluric`), or nil when no standard
    /// gives a curve.
    public func sensitivity(_ spectra: RebinnedSpectra, telluric: TelluricCorrection, standards: [FluxStandard],
                            exposureTime: Double, airmass: Double) -> Sensitivity? {
        let grid = spectra.grid, nb = grid.count
        let ext = Self.extinction(grid, airmass: airmass), nominal = nominalSensitivity(grid)
        var curves: [[Double]] = [], results: [Sensitivity.Standard] = []
        for standard in standards where exposureTime > 0 {
            let f = standard.row
            func good(_ i: Int) -> Bool {
                let k = f * nb + i
                return spectra.mask[k] == 0 && spectra.variance[k] > 0
            }
            guard let model = continuum(spectra, standard: standard, telluric: telluric, exposureTime: exposureTime, airmass: airmass)
            else { continue }
            let temperature = model.temperature
            var curve = (0..<nb).map { model.smooth[$0] * nominal[$0] }
            // Scale to the catalogue magnitude.
            var throughBand = false
            let calibrated = (0..<nb).map { curve[$0] > 0 ? Float(Double(spectra.flux[f * nb + $0]) / (exposureTime * ext[$0] * curve[$0])) : 0 }
            let use = (0..<nb).map { good($0) && curve[$0] > 0 }
            if let m = standard.band.abMagnitude(flux: calibrated[...], grid: grid, use: use) {
                let factor = pow(10, 0.4 * (standard.magnitude - m.magnitude))
                curve = curve.map { $0 * factor }
                throughBand = true
            } else {
                // The model F_λ = a·B_λ with a from the magnitude: S = raw / a.
                let a = pow(10, -0.4 * (standard.magnitude - planckMagnitude(temperature: temperature, band: standard.band)))
                curve = curve.map { $0 / a }
            }
            curves.append(curve)
            results.append(.init(row: f, temperature: temperature, temperatureFitted: standard.temperature == nil,
                                 scaledThroughBand: throughBand, offset: 0, used: true))
        }
        guard !curves.isEmpty else { return nil }
        var combined = Self.medianCurve(curves, using: results.map(\.used))
        for (k, c) in curves.enumerated() { results[k].offset = Self.offset(c, from: combined) }
        if curves.count >= 3 {
            for k in results.indices where abs(results[k].offset) > rejectionMagnitudes { results[k].used = false }
            if results.contains(where: \.used) {
                combined = Self.medianCurve(curves, using: results.map(\.used))
                for (k, c) in curves.enumerated() { results[k].offset = Self.offset(c, from: combined) }
            }
        }
        return Sensitivity(grid: grid, values: combined, standards: results)
    }

    /// `spectra` (telluric-corrected, electrons per bin) in erg/s/cm²/Å with `sensitivity`.
    public func apply(_ sensitivity: Sensitivity, to spectra: RebinnedSpectra, telluric: TelluricCorrection,
                      exposureTime: Double, airmass: Double) -> FluxCalibratedSpectra {
        precondition(sensitivity.grid == spectra.grid, "the sensitivity is for the spectra's grid")
        let nb = spectra.grid.count, ext = Self.extinction(spectra.grid, airmass: airmass)
        var flux = [Float](repeating: 0, count: spectra.flux.count), variance = flux, mask = spectra.mask
        for f in spectra.slitPositions.indices {
            for i in 0..<nb {
                let k = f * nb + i, d = exposureTime * ext[i] * sensitivity.values[i]
                if d > 0 && d.isFinite {
                    flux[k] = Float(Double(spectra.flux[k]) / d)
                    variance[k] = Float(Double(spectra.variance[k]) / (d * d))
                } else {
                    mask[k] |= FluxCalibratedSpectra.noSensitivity
                }
            }
        }
        return FluxCalibratedSpectra(arm: spectra.arm, grid: spectra.grid, slitPositions: spectra.slitPositions, flux: flux,
                                     variance: variance, mask: mask, sensitivity: sensitivity, telluricMethod: telluric.method,
                                     airmass: airmass, exposureTime: exposureTime)
    }

    /// Telluric correction (the model as is, or refined by the standards when `refineTelluric`), sensitivity from the
    /// standards and calibration in one step; nil without a usable standard.
    public func calibrate(_ spectra: RebinnedSpectra, standards: [FluxStandard], exposureTime: Double, airmass: Double,
                          telluricModel: TelluricModel = .default, refineTelluric: Bool = false) -> FluxCalibratedSpectra? {
        let telluric = refineTelluric
            ? refinedTelluric(spectra, standards: standards, exposureTime: exposureTime, airmass: airmass, model: telluricModel)
            : TelluricCorrection.fromModel(grid: spectra.grid, airmass: airmass, model: telluricModel)
        let corrected = telluric.apply(to: spectra)
        guard let s = sensitivity(corrected, telluric: telluric, standards: standards, exposureTime: exposureTime, airmass: airmass)
        else { return nil }
        return apply(s, to: corrected, telluric: telluric, exposureTime: exposureTime, airmass: airmass)
    }

    /// A standard's smooth continuum fit: its T_eff, the Planck shape per bin and the spline through the chunk medians
    /// of electrons / (t · 10^(−0.4 k X) · B_λ · S_nominal) over its continuum bins (telluric bands and strong lines
    /// masked), so that its expected electrons outside the bands are `smooth · t · 10^(−0.4 k X) · B_λ · S_nominal`;
    /// `knotRange` is where the spline interpolates rather than extrapolates.
    func continuum(_ spectra: RebinnedSpectra, standard: FluxStandard, telluric: TelluricCorrection, exposureTime: Double,
                   airmass: Double) -> (temperature: Double, temperatureFitted: Bool, planck: [Double], smooth: [Double],
                                        knotRange: ClosedRange<Double>)? {
        let grid = spectra.grid, nb = grid.count
        guard exposureTime > 0 else { return nil }
        let (observed, use) = observedContinuum(spectra, standard: standard, telluric: telluric, exposureTime: exposureTime, airmass: airmass)
        guard let temperature = standard.temperature ?? fitTemperature(observed, use: use, grid: grid) else { return nil }
        let planck = (0..<nb).map { PlanckShape.value(at: grid.wavelength(ofBin: $0), temperature: temperature) }
        // The standard measures the correction to the nominal sensitivity: a slowly varying ratio, which the knots
        // follow and extrapolate to the arm's ends far better than the sensitivity itself (steep at the dichroics).
        let raw = (0..<nb).map { observed[$0] / planck[$0] }
        guard let smooth = smoothCurve(raw, use: use, grid: grid) else { return nil }
        let k = knots(raw, use: use, grid: grid)
        return (temperature, standard.temperature == nil, planck, smooth, k.first!.x...k.last!.x)
    }

    /// The telluric model's band depths refined by the standards (seed 9.1.15, second option: the standards' spectra
    /// divided by their models, "the ratio of the two ... flattened, removing the continuum"): for each analytic band a
    /// scale α of its optical depth, fitted by weighted least squares to −ln(observed / continuum) of all the standards
    /// over the bins where that band dominates and the continuum is interpolated (bands at the arm's ends keep the
    /// model's depth). `spectra` are NOT telluric-corrected. Falls back to the model (method
    /// ``TelluricCorrection/Method/model``) when the model is a measured curve or no standard gives a continuum.
    public func refinedTelluric(_ spectra: RebinnedSpectra, standards: [FluxStandard], exposureTime: Double, airmass: Double,
                                model: TelluricModel = .default, minimumBins: Int = 20) -> TelluricCorrection {
        let grid = spectra.grid, nb = grid.count
        let initial = TelluricCorrection.fromModel(grid: grid, airmass: airmass, model: model)
        guard model.measured == nil, !model.bands.isEmpty else { return initial }
        let ext = Self.extinction(grid, airmass: airmass), nominal = nominalSensitivity(grid)
        let x = max(airmass, 1)
        // τ of each band at the airmass, per bin.
        let tau = model.bands.map { b in (0..<nb).map { b.opticalDepth(at: grid.wavelength(ofBin: $0)) * pow(x, b.airmassExponent) } }
        var num = [Double](repeating: 0, count: model.bands.count), den = num, bins = [Int](repeating: 0, count: model.bands.count)
        var anyStandard = false
        for standard in standards {
            guard let c = continuum(spectra, standard: standard, telluric: initial, exposureTime: exposureTime, airmass: airmass)
            else { continue }
            anyStandard = true
            let f = standard.row
            // Only where the continuum is interpolated between knots on both sides of the band.
            for i in 0..<nb where c.knotRange.contains(grid.wavelength(ofBin: i)) {
                let k = f * nb + i
                guard spectra.mask[k] == 0, spectra.variance[k] > 0, spectra.flux[k] > 0 else { continue }
                let expected = c.smooth[i] * exposureTime * ext[i] * c.planck[i] * nominal[i]
                guard expected > 0 else { continue }
                let depth = -log(Double(spectra.flux[k]) / expected)
                let total = tau.reduce(0) { $0 + $1[i] }
                guard let b = tau.indices.max(by: { tau[$0][i] < tau[$1][i] }), tau[b][i] > 0.02, tau[b][i] > 0.9 * total else { continue }
                // ln-ratio error ≈ σ/counts; weight 1/σ².
                let w = Double(spectra.flux[k] * spectra.flux[k]) / Double(spectra.variance[k])
                num[b] += w * tau[b][i] * (depth - (total - tau[b][i]))
                den[b] += w * tau[b][i] * tau[b][i]
                bins[b] += 1
            }
        }
        guard anyStandard else { return initial }
        var refined = model
        var scales: [String: Double] = [:]
        for b in model.bands.indices where bins[b] >= minimumBins && den[b] > 0 {
            let alpha = max(num[b] / den[b], 0)
            refined.bands[b].depth *= alpha
            scales[model.bands[b].name] = alpha
        }
        guard !scales.isEmpty else { return initial }
        var out = TelluricCorrection.fromModel(grid: grid, airmass: airmass, model: refined)
        out.method = .refinedByStandards
        out.bandScales = scales
        return out
    }

    // MARK: - Pieces

    /// Chunk boundaries of ``knotSpacing`` over the grid: (first bin, end bin).
    func chunks(_ grid: SpectralGrid) -> [(Int, Int)] {
        let width = max(1, Int((knotSpacing / grid.step).rounded()))
        return stride(from: 0, to: grid.count, by: width).map { ($0, min($0 + width, grid.count)) }
    }

    /// Knots (centre wavelength, median) of `values` over the chunks with enough usable bins.
    func knots(_ values: [Double], use: [Bool], grid: SpectralGrid) -> [(x: Double, y: Double)] {
        chunks(grid).compactMap { (a, b) in
            let v = (a..<b).filter { use[$0] && values[$0].isFinite }.map { values[$0] }
            guard Double(v.count) >= minimumChunkFraction * Double(b - a), let m = RobustStatistics.median(v) else { return nil }
            return (grid.wavelength(ofBin: a) + Double(b - a - 1) * grid.step / 2, m)
        }
    }

    /// The smooth curve through the chunk medians of `values` on every bin: a natural cubic spline between the knots,
    /// linear beyond the outer ones; nil with fewer than 3 knots or a non-positive knot.
    func smoothCurve(_ values: [Double], use: [Bool], grid: SpectralGrid) -> [Double]? {
        let k = knots(values, use: use, grid: grid)
        guard k.count >= 3, k.allSatisfy({ $0.y > 0 }) else { return nil }
        let spline = NaturalCubicSpline(x: k.map(\.x), y: k.map(\.y))
        return (0..<grid.count).map { max(spline.value(at: grid.wavelength(ofBin: $0)), 0) }
    }

    /// A standard's F_λ through the nominal instrument model per bin, and which bins are continuum (unflagged, off the
    /// telluric bands and strong lines): what its temperature is fitted to.
    func observedContinuum(_ spectra: RebinnedSpectra, standard: FluxStandard, telluric: TelluricCorrection, exposureTime: Double,
                           airmass: Double) -> (observed: [Double], use: [Bool]) {
        let grid = spectra.grid, nb = grid.count, f = standard.row
        let ext = Self.extinction(grid, airmass: airmass), lines = Self.lineBins(grid), bands = telluric.inBand
        let nominal = nominalSensitivity(grid)
        let use = (0..<nb).map { i in
            spectra.mask[f * nb + i] == 0 && spectra.variance[f * nb + i] > 0 && !lines[i] && !bands[i]
        }
        return ((0..<nb).map { Double(spectra.flux[f * nb + $0]) / (exposureTime * ext[$0] * nominal[$0]) }, use)
    }

    /// The continuum knots (chunk medians of F_λ through the nominal instrument model) of a standard in one arm, for
    /// ``jointTemperature(_:)`` over the arms of an exposure.
    public func continuumKnots(_ spectra: RebinnedSpectra, standard: FluxStandard, exposureTime: Double, airmass: Double,
                               telluricModel: TelluricModel = .default) -> [(x: Double, y: Double)] {
        guard exposureTime > 0 else { return [] }
        let telluric = TelluricCorrection.fromModel(grid: spectra.grid, airmass: airmass, model: telluricModel)
        let (observed, use) = observedContinuum(spectra, standard: standard, telluric: telluric, exposureTime: exposureTime, airmass: airmass)
        return knots(observed, use: use, grid: spectra.grid).filter { $0.y > 0 }
    }

    /// A standard's T_eff from its continuum knots in several arms at once. The HRS arms span 300–450 Å each, too
    /// little to tell temperatures apart (a 15% error in the blue from the green and red's); together they span
    /// 3900–6800 Å. Nil with fewer than 3 knots.
    public static func jointTemperature(_ knots: [(x: Double, y: Double)]) -> Double? { planckFit(knots) }

    /// The T_eff (K) whose Planck shape best matches `observed` F_λ in log over the continuum chunks, on a logarithmic
    /// grid of 3000–100000 K; nil with fewer than 3 chunks.
    func fitTemperature(_ observed: [Double], use: [Bool], grid: SpectralGrid) -> Double? {
        Self.planckFit(knots(observed, use: use, grid: grid).filter { $0.y > 0 })
    }

    /// The T_eff of the Planck shape best matching the knots in log, up to a scale.
    static func planckFit(_ k: [(x: Double, y: Double)]) -> Double? {
        guard k.count >= 3 else { return nil }
        let logs = k.map { log($0.y) }
        var best: (Double, Double)?
        for step in 0...240 {
            let t = 3000 * pow(100_000 / 3000, Double(step) / 240)
            let model = k.map { log(PlanckShape.value(at: $0.x, temperature: t)) }
            let offset = zip(logs, model).map { $0 - $1 }.reduce(0, +) / Double(k.count)
            let chi2 = zip(logs, model).map { ($0 - $1 - offset) * ($0 - $1 - offset) }.reduce(0, +)
            if best == nil || chi2 < best!.1 { best = (t, chi2) }
        }
        return best?.0
    }

    /// AB magnitude through `band` of the Planck shape (``PlanckShape``) at `temperature`, on a 1 Å grid.
    func planckMagnitude(temperature: Double, band: PhotometricBand) -> Double {
        let r = band.transmittingRange
        let grid = SpectralGrid(start: r.lowerBound, step: 1, count: Int(r.upperBound - r.lowerBound) + 1)
        let flux = (0..<grid.count).map { Float(PlanckShape.value(at: grid.wavelength(ofBin: $0), temperature: temperature) * 1e-15) }
        let m = band.abMagnitude(flux: flux[...], grid: grid, use: [Bool](repeating: true, count: grid.count))!.magnitude
        return m - 2.5 * log10(1e15)
    }

    static func medianCurve(_ curves: [[Double]], using use: [Bool]) -> [Double] {
        let n = curves[0].count
        return (0..<n).map { i in
            let v = curves.indices.filter { use[$0] && curves[$0][i] > 0 }.map { curves[$0][i] }
            return RobustStatistics.median(v) ?? 0
        }
    }

    static func offset(_ curve: [Double], from reference: [Double]) -> Double {
        let d = zip(curve, reference).filter { $0 > 0 && $1 > 0 }.map { -2.5 * log10($0 / $1) }
        return RobustStatistics.median(d) ?? .nan
    }
}

/// A natural cubic spline through (x, y) knots with increasing x, extended linearly beyond the ends.
struct NaturalCubicSpline {
    let x: [Double], y: [Double], m: [Double]

    init(x: [Double], y: [Double]) {
        self.x = x
        self.y = y
        let n = x.count
        var m = [Double](repeating: 0, count: n)
        if n > 2 {
            // Tridiagonal system for the second derivatives with m₀ = mₙ₋₁ = 0.
            var c = [Double](repeating: 0, count: n), d = [Double](repeating: 0, count: n)
            for i in 1..<(n - 1) {
                let h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i]
                let a = h0 / 6, b = (h0 + h1) / 3, cc = h1 / 6
                let r = (y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0
                let denom = b - a * c[i - 1]
                c[i] = cc / denom
                d[i] = (r - a * d[i - 1]) / denom
            }
            for i in stride(from: n - 2, through: 1, by: -1) { m[i] = d[i] - c[i] * m[i + 1] }
        }
        self.m = m
    }

    func value(at t: Double) -> Double {
        let n = x.count
        if t <= x[0] { return y[0] + slope(0, atStart: true) * (t - x[0]) }
        if t >= x[n - 1] { return y[n - 1] + slope(n - 2, atStart: false) * (t - x[n - 1]) }
        var lo = 0, hi = n - 1
        while hi - lo > 1 { let mid = (lo + hi) / 2; if x[mid] <= t { lo = mid } else { hi = mid } }
        let h = x[hi] - x[lo], a = (x[hi] - t) / h, b = (t - x[lo]) / h
        return a * y[lo] + b * y[hi] + ((a * a * a - a) * m[lo] + (b * b * b - b) * m[hi]) * h * h / 6
    }

    /// The spline's slope at the start or end of interval `i`.
    private func slope(_ i: Int, atStart: Bool) -> Double {
        let h = x[i + 1] - x[i], s = (y[i + 1] - y[i]) / h
        return atStart ? s - h * (2 * m[i] + m[i + 1]) / 6 : s + h * (m[i] + 2 * m[i + 1]) / 6
    }
}
