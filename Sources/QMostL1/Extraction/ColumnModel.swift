import Foundation

/// Scratch space and the inner loops of the profile model of one detector column (seed 9.1.11):
/// d(y) = Σₙ Sₙ ψₙ(y), the pixel-integrated profiles ψₙ tabulated over each fibre's window of rows, the weighted
/// overlap matrix Cₙₘ = Σ ψₙψₘ/σ² and Dₙ = Σ ψₙd/σ² in a band of half-width `band`, and the model.
/// One per thread; allocated once, reused for every column.
final class ColumnModel {
    let rows: Int
    let capacity: Int
    let band: Int
    let window: Int
    /// Per row: data, weight (1/σ², 0 = left out), model.
    let data: UnsafeMutablePointer<Double>
    let weight: UnsafeMutablePointer<Double>
    let model: UnsafeMutablePointer<Double>
    /// Per fibre: first row and row count of its window, its profile over the window (`window` per fibre).
    let lo: UnsafeMutablePointer<Int>
    let count: UnsafeMutablePointer<Int>
    let profile: UnsafeMutablePointer<Double>
    /// Band system, right-hand side → flux, inverse band and flux variance; fibres without data.
    let matrix: UnsafeMutablePointer<Double>
    let flux: UnsafeMutablePointer<Double>
    let inverse: UnsafeMutablePointer<Double>
    let fluxVariance: UnsafeMutablePointer<Double>
    let dead: UnsafeMutablePointer<Bool>
    /// Fibres in the current column.
    var fibres = 0

    init(rows: Int, fibres: Int, band: Int, window: Int) {
        self.rows = rows
        self.capacity = max(fibres, 1)
        self.band = band
        self.window = window
        data = .allocate(capacity: rows)
        weight = .allocate(capacity: rows)
        model = .allocate(capacity: rows)
        lo = .allocate(capacity: capacity)
        count = .allocate(capacity: capacity)
        profile = .allocate(capacity: capacity * window)
        matrix = .allocate(capacity: capacity * (band + 1))
        flux = .allocate(capacity: capacity)
        inverse = .allocate(capacity: capacity * (band + 1))
        fluxVariance = .allocate(capacity: capacity)
        dead = .allocate(capacity: capacity)
        model.initialize(repeating: 0, count: rows)
    }

    deinit {
        for p in [data, weight, model, profile, matrix, flux, inverse, fluxVariance] { p.deallocate() }
        lo.deallocate()
        count.deallocate()
        dead.deallocate()
    }

    /// Tabulates fibre `n`'s profile over rows centre ± `halfWidth` (clipped to the detector).
    @inline(__always)
    func setProfile(_ n: Int, centre: Double, sigma: Double, halfWidth: Int, shape: ProfileShape, _ t: UnsafeBufferPointer<Double>) {
        let h = min(halfWidth, (window - 1) / 2)
        let c = Int(centre.rounded())
        let first = max(0, c - h), last = min(rows - 1, c + h)
        lo[n] = first
        count[n] = max(0, last - first + 1)
        if count[n] > 0 {
            NormalCDF.fill(profile + n * window, lo: first, count: count[n], centre: centre, sigma: sigma,
                           haloFraction: shape.haloFraction, haloRatio: shape.haloRatio, t)
        }
    }

    /// Least-squares fluxes for the current profiles, data and weights; with `variances`, also the diagonal of
    /// C⁻¹. Fibres without any weighted pixel get flux 0 and `dead`.
    func solve(variances: Bool) {
        let n = fibres, p = band, s = p + 1
        for i in 0..<(n * s) { matrix[i] = 0 }
        for i in 0..<n {
            let li = lo[i], ci = count[i], pi = profile + i * window
            // Four partial sums each, so the reductions pipeline.
            var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0, d0 = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0
            let wi = weight + li, xi = data + li
            var k = 0
            while k + 4 <= ci {
                let p0 = pi[k] * wi[k], p1 = pi[k + 1] * wi[k + 1], p2 = pi[k + 2] * wi[k + 2], p3 = pi[k + 3] * wi[k + 3]
                c0 += pi[k] * p0; c1 += pi[k + 1] * p1; c2 += pi[k + 2] * p2; c3 += pi[k + 3] * p3
                d0 += p0 * xi[k]; d1 += p1 * xi[k + 1]; d2 += p2 * xi[k + 2]; d3 += p3 * xi[k + 3]
                k += 4
            }
            while k < ci {
                let pw = pi[k] * wi[k]
                c0 += pi[k] * pw
                d0 += pw * xi[k]
                k += 1
            }
            matrix[i * s] = (c0 + c1) + (c2 + c3)
            flux[i] = (d0 + d1) + (d2 + d3)
            if p > 0 {
                for q in 1...p where i + q < n {
                    let j = i + q, lj = lo[j]
                    let a = max(li, lj), b = min(li + ci, lj + count[j])
                    guard b > a else { continue }
                    let pa = pi + (a - li), pb = profile + j * window + (a - lj), wa = weight + a, m = b - a
                    var s0 = 0.0, s1 = 0.0
                    var y = 0
                    while y + 2 <= m {
                        s0 += pa[y] * pb[y] * wa[y]
                        s1 += pa[y + 1] * pb[y + 1] * wa[y + 1]
                        y += 2
                    }
                    if y < m { s0 += pa[y] * pb[y] * wa[y] }
                    matrix[i * s + q] = s0 + s1
                }
            }
        }
        BandSolver.factorise(matrix, n: n, p: p, dead: dead)
        BandSolver.solve(matrix, n: n, p: p, flux)
        for i in 0..<n where dead[i] { flux[i] = 0 }
        if variances {
            BandSolver.inverseDiagonal(matrix, n: n, p: p, z: inverse, fluxVariance)
            for i in 0..<n where dead[i] { fluxVariance[i] = 0 }
        }
    }

    /// model(y) = Σₙ Sₙ ψₙ(y) over all rows.
    func computeModel() {
        for y in 0..<rows { model[y] = 0 }
        for i in 0..<fibres {
            let li = lo[i], pi = profile + i * window, f = flux[i]
            for k in 0..<count[i] { model[li + k] += f * pi[k] }
        }
    }
}
