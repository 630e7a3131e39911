import Foundation
import QMostCore

/// Optimal extraction with the overlap solve (seed 9.1.11) and cosmic-ray flagging (seed 9.1.7).
///
/// Each detector column (the dispersion runs along the columns) is modelled as d(y) = Σₙ Sₙ ψₙ(y): the fibres'
/// pixel-integrated profiles from ``FibreProfiles`` scaled by their fluxes, solved by weighted least squares as
/// the banded system C S = D (neighbours ±``band`` apart). The variance of a pixel is the smooth noise floor of
/// the propagated variance (``NoiseFloor``: read noise, dark, masters) plus shot noise: the data's for the first
/// solve, the model's for the refits, which removes the low-count bias of data-based weights. Pixels masked in
/// the input are left out.
///
/// Cosmic rays: a 2D prior pass marks pixels that stand out from their neighbours along the dispersion (where
/// neither the profile nor the spectrum can make a sharp step — but an emission line can, so this is only a
/// prior); the fit then flags pixels above the model by more than ``kappa`` σ (``kappaPrior`` for prior
/// candidates), grows the flags to neighbours above ``kappaGrow`` σ, and refits without them until nothing
/// changes. An emission line follows the fibre profile across the rows and leaves no residual; a track does not.
public struct ProfileExtraction: Sendable {
    /// What one extraction gives.
    public struct Result: Sendable {
        public var spectra: ExtractedSpectra
        /// Pixels newly flagged as cosmic rays.
        public var cosmicRays: Int
        /// The input mask with ``BadPixelMask/cosmicRay`` set on the flagged pixels.
        public var mask: [UInt8]
    }

    public var profiles: FibreProfiles
    /// Half-bandwidth of the overlap matrix: neighbours farther apart along the slit are not coupled.
    public var band = 2
    /// Refits with the variance from the model after the first, data-weighted one.
    public var varianceIterations = 1
    /// Flag cosmic rays (otherwise only the input mask is honoured).
    public var flagCosmicRays = true
    /// Residual threshold (σ) for a cosmic-ray pixel, for one the prior marked, and for a neighbour of one.
    public var kappa = 5.0
    public var kappaPrior = 3.0
    public var kappaGrow = 3.0
    /// The prior: excess over the median of the four nearest pixels along the dispersion, in σ.
    public var priorKappa = 4.0
    /// Relative uncertainty of the profile model, added to the noise in the residual test.
    public var profileTolerance = 0.03
    /// Fit-and-flag rounds per column.
    public var rejectionPasses = 4
    /// Largest window half-width (rows).
    public var maximumHalfWidth = 24

    public init(profiles: FibreProfiles) { self.profiles = profiles }

    /// Extracts every trace from `image` (detrended, scattered light removed).
    public func extract(image: DetrendedArm, traces: [FibreTrace], arm: ArmName) -> Result {
        let w = image.electrons.width, h = image.electrons.height
        let mid = 0.5 * Double(w - 1)
        let order = traces.indices.sorted { traces[$0].row(at: mid) < traces[$1].row(at: mid) }
        let nF = traces.count
        var flux = [Float](repeating: 0, count: nF * w), variance = flux
        var specMask = [UInt8](repeating: 0, count: nF * w)
        var mask = image.mask
        // Work bits per pixel: 1 = prior candidate, 2 = above kappaGrow after the fit.
        var work = [UInt8](repeating: 0, count: w * h)
        if flagCosmicRays { CosmicRayPrior.mark(image, kappa: priorKappa, into: &work) }
        let model = ColumnModel(rows: h, fibres: nF, band: band, window: 2 * maximumHalfWidth + 1)
        let column = ColumnBuffers(rows: h, fibres: nF)
        let floor = NoiseFloor(image)
        defer { column.release() }
        var newFlags = 0

        // Columns are fitted in blocks of 64, copied column-major into scratch first so that each
        // column's rows are contiguous (the image is row-major; reading a column directly would miss the cache on
        // every row).
        let blockColumns = 64
        var be = [Float](repeating: 0, count: blockColumns * h), bv = be
        var bm = [UInt8](repeating: 0, count: blockColumns * h), bo = bm, bw = bm
        func process(_ x0: Int, _ columns: [Int], flagging: Bool) {
            let nb = min(blockColumns, w - x0)
            for y in 0..<h {
                let row = y * w + x0
                for j in 0..<nb {
                    be[j * h + y] = image.electrons.pixels[row + j]
                    bv[j * h + y] = image.variance.pixels[row + j]
                    bm[j * h + y] = image.mask[row + j]
                    bo[j * h + y] = mask[row + j]
                    bw[j * h + y] = work[row + j]
                }
            }
            NormalCDF.table.withUnsafeBufferPointer { t in
                be.withUnsafeBufferPointer { e in
                    bv.withUnsafeBufferPointer { v in
                        bm.withUnsafeBufferPointer { inMask in
                            bo.withUnsafeMutableBufferPointer { outMask in
                                bw.withUnsafeMutableBufferPointer { work in
                                    for x in columns {
                                        let j = x - x0
                                        let added = extractColumn(x, base: j * h, stride: 1, e: e.baseAddress!, v: v.baseAddress!,
                                                                  inMask: inMask.baseAddress!, outMask: outMask.baseAddress!, work: work.baseAddress!,
                                                                  traces: traces, order: order, model: model, column: column, floor: floor,
                                                                  flagging: flagging, t: t)
                                        newFlags += added
                                        // Store the fluxes in trace order.
                                        for (n, f) in order.enumerated() {
                                            flux[f * w + x] = Float(model.flux[n])
                                            variance[f * w + x] = Float(model.fluxVariance[n])
                                            specMask[f * w + x] = column.fibreBits[n]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for y in 0..<h {
                let row = y * w + x0
                for j in 0..<nb {
                    mask[row + j] = bo[j * h + y]
                    work[row + j] = bw[j * h + y]
                }
            }
        }
        for x0 in stride(from: 0, to: w, by: blockColumns) {
            process(x0, Array(x0..<min(w, x0 + blockColumns)), flagging: flagCosmicRays)
        }
        if flagCosmicRays {
            // Grow the flags across columns: a neighbour in the next column that the fit found high is hit too.
            var touched = Set<Int>()
            for y in 0..<h {
                for x in 0..<w where mask[y * w + x] & BadPixelMask.cosmicRay != 0 && image.mask[y * w + x] & BadPixelMask.cosmicRay == 0 {
                    for dy in -1...1 {
                        for dx in [-1, 1] {
                            let xx = x + dx, yy = y + dy
                            guard xx >= 0, xx < w, yy >= 0, yy < h else { continue }
                            let k = yy * w + xx
                            if work[k] & 2 != 0 && mask[k] == 0 {
                                mask[k] |= BadPixelMask.cosmicRay
                                newFlags += 1
                                touched.insert(xx)
                            }
                        }
                    }
                }
            }
            let byBlock = Dictionary(grouping: touched.sorted()) { $0 / blockColumns * blockColumns }
            for (x0, columns) in byBlock.sorted(by: { $0.key < $1.key }) { process(x0, columns, flagging: false) }
        }
        let spectra = ExtractedSpectra(arm: arm, slitPositions: traces.map(\.slitPosition), columns: w, flux: flux,
                                       variance: variance, mask: specMask)
        return Result(spectra: spectra, cosmicRays: newFlags, mask: mask)
    }

    /// Fits one column; returns the pixels it newly flagged. Fluxes, variances and quality bits are left in
    /// `model` and `column` in row order of the fibres.
    @inline(__always)
    /// Pixel y of the column is element `base + y * stride` of `e`, `v`, `inMask`, `outMask` and `work`.
    func extractColumn(_ x: Int, base: Int, stride: Int, e: UnsafePointer<Float>, v: UnsafePointer<Float>,
                       inMask: UnsafePointer<UInt8>, outMask: UnsafeMutablePointer<UInt8>,
                       work: UnsafeMutablePointer<UInt8>, traces: [FibreTrace], order: [Int], model: ColumnModel,
                       column: ColumnBuffers, floor: NoiseFloor, flagging: Bool, t: UnsafeBufferPointer<Double>) -> Int {
        let h = model.rows
        let cosmic = BadPixelMask.cosmicRay
        // Load the column.
        floor.fill(column: x, rows: h, column.floor)
        for y in 0..<h {
            let k = base + y * stride
            let ev = Double(e[k]), vv = Double(v[k])
            model.data[y] = ev
            column.usable[y] = inMask[k] == 0 && vv > 0 && ev.isFinite && vv.isFinite
            column.cosmic[y] = outMask[k] & cosmic != 0 && inMask[k] & cosmic == 0
            column.variance[y] = column.floor[y] + max(ev, 0)
        }
        // Profiles in row order.
        let xd = Double(x)
        model.fibres = order.count
        for (n, f) in order.enumerated() {
            let trace = traces[f]
            let centre = trace.row(at: xd)
            let shape = profiles.shape(column: xd, row: centre)
            let sigma = shape.coreSigma(traceSigma: trace.sigma(at: xd))
            let half = min(maximumHalfWidth, shape.reach(coreSigma: sigma, sigmas: profiles.reachSigmas))
            model.setProfile(n, centre: centre, sigma: sigma, halfWidth: half, shape: shape, t)
        }
        var added = 0
        let passes = flagging ? rejectionPasses : 1
        let tolerance = profileTolerance * profileTolerance
        // Weights from the current variance, leaving out unusable and flagged pixels.
        @inline(__always) func weigh() {
            for y in 0..<h { model.weight[y] = column.keep[y] / column.variance[y] }
        }
        // The pixel's own shot noise replaced by the model's, on the smooth noise floor.
        @inline(__always) func modelVariance() {
            for y in 0..<h { column.variance[y] = column.floor[y] + max(model.model[y], 0) }
        }
        for y in 0..<h { column.keep[y] = column.usable[y] && !column.cosmic[y] ? 1 : 0 }
        weigh()
        // The data-weighted solve, then refits with the model's variance.
        for iteration in 0...varianceIterations {
            model.solve(variances: iteration == varianceIterations)
            model.computeModel()
            modelVariance()
            weigh()
        }
        if flagging {
            for pass in 0..<passes {
                for y in 0..<h {
                    let m = model.model[y]
                    column.z[y] = column.keep[y] > 0 ? (model.data[y] - m) / (column.variance[y] + tolerance * m * m).squareRoot() : 0
                }
                var found = 0
                for y in 0..<h where column.z[y] > (work[base + y * stride] & 1 != 0 ? kappaPrior : kappa) {
                    column.cosmic[y] = true
                    found += 1
                }
                if found == 0 { found = absorbedCandidates(base: base, stride: stride, work: work, model: model, column: column) }
                if found > 0 {
                    // Grow along the column.
                    for y in 0..<h where column.cosmic[y] && column.keep[y] > 0 {
                        var yy = y + 1
                        while yy < h, !column.cosmic[yy], column.z[yy] > kappaGrow { column.cosmic[yy] = true; found += 1; yy += 1 }
                        yy = y - 1
                        while yy >= 0, !column.cosmic[yy], column.z[yy] > kappaGrow { column.cosmic[yy] = true; found += 1; yy -= 1 }
                    }
                    for y in 0..<h where column.cosmic[y] { column.keep[y] = 0 }
                    added += found
                }
                if found == 0 || pass == passes - 1 {
                    for y in 0..<h where column.z[y] > kappaGrow && !column.cosmic[y] { work[base + y * stride] |= 2 }
                }
                guard found > 0 else { break }
                // Refit without the flagged pixels.
                weigh()
                model.solve(variances: true)
                model.computeModel()
                if pass == passes - 1 { break }
                modelVariance()
                weigh()
            }
        }
        for y in 0..<h where column.cosmic[y] { outMask[base + y * stride] |= cosmic }
        // Quality per fibre: a left-out pixel where the profile holds more than 1% of the light.
        for n in 0..<model.fibres {
            var bits: UInt8 = model.dead[n] ? ExtractedSpectra.noData : 0
            let lo = model.lo[n], p = model.profile + n * model.window
            for k in 0..<model.count[n] where p[k] > 0.01 && (!column.usable[lo + k] || column.cosmic[lo + k]) {
                bits |= ExtractedSpectra.maskedPixel
                break
            }
            column.fibreBits[n] = bits
        }
        return added
    }
}

extension ProfileExtraction {
    /// Prior candidates a fibre's fit has absorbed (seed 9.1.7, the a-posteriori step): a short track along the
    /// core of a fibre in one column can be fitted by raising the flux, which leaves it no residual but
    /// overshoots the fibre's other pixels. Where a fit overshoots a pixel by more than ``kappa`` σ and the
    /// unflagged candidates carry less than 95% of the fibre's weight (flagged pixels included), the candidates are left out and tested
    /// against the refit without them; those above ``kappaPrior`` σ are flagged, the rest restored. An emission
    /// line fits the profile and overshoots nothing. Returns the pixels flagged; leaves the model consistent
    /// with the flags.
    @inline(__always)
    func absorbedCandidates(base: Int, stride: Int, work: UnsafeMutablePointer<UInt8>, model: ColumnModel,
                            column: ColumnBuffers) -> Int {
        let h = model.rows
        var trials = 0
        for n in 0..<model.fibres {
            let lo = model.lo[n], p = model.profile + n * model.window
            var lowest = 0.0, candidate = 0.0, total = 0.0
            for k in 0..<model.count[n] {
                let y = lo + k
                // The fibre's whole weight counts, flagged pixels too: after a long track is flagged, what is left
                // of it must not pass for the fibre.
                guard column.usable[y] else { continue }
                let pw = p[k] * p[k] / column.variance[y]
                total += pw
                guard column.keep[y] > 0 else { continue }
                if work[base + y * stride] & 1 != 0 && column.z[y] > 0 { candidate += pw } else if p[k] > 0.01 { lowest = min(lowest, column.z[y]) }
            }
            guard lowest < -kappa, candidate > 0, candidate < 0.95 * total else { continue }
            for k in 0..<model.count[n] {
                let y = lo + k
                if column.keep[y] > 0 && work[base + y * stride] & 1 != 0 && column.z[y] > 0 && !column.trial[y] {
                    column.trial[y] = true
                    column.keep[y] = 0
                    trials += 1
                }
            }
        }
        guard trials > 0 else { return 0 }
        for y in 0..<h { model.weight[y] = column.keep[y] / column.variance[y] }
        model.solve(variances: false)
        model.computeModel()
        let tolerance = profileTolerance * profileTolerance
        var found = 0
        for y in 0..<h where column.trial[y] {
            column.trial[y] = false
            let m = model.model[y], v = column.floor[y] + max(m, 0)
            let z = (model.data[y] - m) / (v + tolerance * m * m).squareRoot()
            column.z[y] = z
            if z > kappaPrior {
                column.cosmic[y] = true
                found += 1
            } else {
                column.keep[y] = 1
            }
        }
        if found == 0 {
            // Nothing confirmed: back to the fit with every candidate.
            for y in 0..<h { model.weight[y] = column.keep[y] / column.variance[y] }
            model.solve(variances: true)
            model.computeModel()
        }
        return found
    }
}

/// Per-row scratch of one column beside the model's.
final class ColumnBuffers {
    /// The signal-independent variance along the column.
    let floor: UnsafeMutablePointer<Double>
    let variance: UnsafeMutablePointer<Double>
    let z: UnsafeMutablePointer<Double>
    let usable: UnsafeMutablePointer<Bool>
    let cosmic: UnsafeMutablePointer<Bool>
    /// 1 for a pixel the fit uses, 0 for one it leaves out.
    let keep: UnsafeMutablePointer<Double>
    /// Candidates left out on trial.
    let trial: UnsafeMutablePointer<Bool>
    var fibreBits: [UInt8]

    init(rows: Int, fibres: Int) {
        fibreBits = [UInt8](repeating: 0, count: fibres)
        floor = .allocate(capacity: rows)
        variance = .allocate(capacity: rows)
        z = .allocate(capacity: rows)
        usable = .allocate(capacity: rows)
        cosmic = .allocate(capacity: rows)
        keep = .allocate(capacity: rows)
        trial = .allocate(capacity: rows)
        trial.initialize(repeating: false, count: rows)
    }

    func release() {
        floor.deallocate()
        variance.deallocate()
        z.deallocate()
        usable.deallocate()
        cosmic.deallocate()
        keep.deallocate()
        trial.deallocate()
    }
}
