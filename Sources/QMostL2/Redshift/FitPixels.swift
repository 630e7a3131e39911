import Foundation
import QMostL1

/// A spectrum's usable pixels and everything the χ² fits of one spectrum share: fluxes scaled to order unity,
/// the Chebyshev terms weighted, and their part of the normal equations, which does not depend on the template
/// or the redshift.
struct FitPixels: Sendable {
    let count: Int
    /// Vacuum Å, and its log10, of each usable pixel.
    let wavelength: [Double]
    let log10Wavelength: [Double]
    /// Flux and inverse variance in units of `scale` (flux / scale).
    let flux: [Double]
    let weight: [Double]
    let scale: Double
    /// w·y per pixel.
    let weightedFlux: [Double]
    /// w·T_k per pixel, `chebyshevTerms` per pixel.
    let weightedChebyshev: [Double]
    let chebyshevTerms: Int
    /// Σ w y², Σ w T_k T_l and Σ w T_k y.
    let fluxNorm: Double
    let chebyshevNormal: [Double]
    let chebyshevRHS: [Double]
    /// The mean Lyman-α forest transmission at each pixel's wavelength, for templates that need it put back.
    let forestTransmission: [Double]

    /// Pixels the spectrum had, and of those the masked ones and the single-pixel outliers dropped.
    let totalPixels: Int
    let maskedPixels: Int
    let outlierPixels: Int

    /// Usable pixels of `s` with `chebyshevTerms` polynomial terms over its wavelength range; single-pixel
    /// outliers (seed 10.2.2: "statistical outliers most likely caused by cosmic rays") are dropped: a pixel more
    /// than `outlierSigma` from the median of its ±3 neighbours whose two neighbours are both within 2σ of it,
    /// i.e. narrower than any line the spectrograph resolves.
    init(_ s: L2Spectrum, chebyshevTerms: Int, outlierSigma: Double = 5) {
        let n = s.count
        var keep = [Bool](repeating: false, count: n)
        var masked = 0
        for i in 0..<n {
            if s.inverseVariance[i] > 0, s.inverseVariance[i].isFinite, s.flux[i].isFinite, s.wavelength[i].isFinite {
                keep[i] = true
            } else {
                masked += 1
            }
        }
        var outliers = 0
        var flagged = [Bool](repeating: false, count: n)
        var window: [Double] = []
        window.reserveCapacity(6)
        for i in 0..<n where keep[i] {
            window.removeAll(keepingCapacity: true)
            for j in max(0, i - 3)...min(n - 1, i + 3) where j != i && keep[j] { window.append(s.flux[j]) }
            guard window.count >= 4 else { continue }
            // Insertion sort: at most six values, where sort()'s overhead dominates.
            for a in 1..<window.count {
                let v = window[a]
                var b = a - 1
                while b >= 0 && window[b] > v { window[b + 1] = window[b]; b -= 1 }
                window[b + 1] = v
            }
            let median = window.count % 2 == 1 ? window[window.count / 2] : 0.5 * (window[window.count / 2 - 1] + window[window.count / 2])
            let sigma = 1 / s.inverseVariance[i].squareRoot()
            guard abs(s.flux[i] - median) > outlierSigma * sigma else { continue }
            func calm(_ j: Int) -> Bool {
                guard j >= 0, j < n, keep[j] else { return true }
                let sj = 1 / s.inverseVariance[j].squareRoot()
                return abs(s.flux[j] - median) < 2 * max(sj, sigma) || abs(s.flux[j] - median) < 0.2 * abs(s.flux[i] - median)
            }
            if calm(i - 1) && calm(i + 1) {
                flagged[i] = true
                outliers += 1
            }
        }
        var lambda: [Double] = [], y: [Double] = [], w: [Double] = []
        lambda.reserveCapacity(n); y.reserveCapacity(n); w.reserveCapacity(n)
        for i in 0..<n where keep[i] && !flagged[i] {
            lambda.append(s.wavelength[i]); y.append(s.flux[i]); w.append(s.inverseVariance[i])
        }
        // Flux in units of the median error keeps every normal-equation entry near unity.
        let medianWeight = RobustStatistics.median(w) ?? 1
        let scale = medianWeight > 0 ? 1 / medianWeight.squareRoot() : 1
        for i in y.indices { y[i] /= scale; w[i] *= scale * scale }

        count = y.count
        wavelength = lambda
        log10Wavelength = lambda.map { Foundation.log10($0) }
        flux = y
        weight = w
        self.scale = scale
        totalPixels = n
        maskedPixels = masked
        outlierPixels = outliers
        self.chebyshevTerms = chebyshevTerms
        weightedFlux = zip(w, y).map(*)
        let lo = lambda.first ?? 0, hi = lambda.last ?? 1
        var wc = [Double](repeating: 0, count: count * chebyshevTerms)
        var normal = [Double](repeating: 0, count: chebyshevTerms * chebyshevTerms), rhs = [Double](repeating: 0, count: chebyshevTerms)
        var terms = [Double](repeating: 0, count: chebyshevTerms)
        var norm = 0.0
        for p in 0..<count {
            let x = hi > lo ? 2 * (lambda[p] - lo) / (hi - lo) - 1 : 0
            Self.chebyshev(x, into: &terms)
            for k in 0..<chebyshevTerms {
                wc[p * chebyshevTerms + k] = w[p] * terms[k]
                rhs[k] += w[p] * terms[k] * y[p]
                for l in 0..<chebyshevTerms { normal[k * chebyshevTerms + l] += w[p] * terms[k] * terms[l] }
            }
            norm += w[p] * y[p] * y[p]
        }
        weightedChebyshev = wc
        chebyshevNormal = normal
        chebyshevRHS = rhs
        fluxNorm = norm
        forestTransmission = lambda.map { LymanForest.meanTransmission(observed: $0) }
    }

    /// The first pixel at or redward of `lambda` (binary search; `count` when none is).
    func firstPixel(atOrAbove lambda: Double) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if wavelength[mid] < lambda { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// T_0(x) … T_{n−1}(x).
    static func chebyshev(_ x: Double, into terms: inout [Double]) {
        guard !terms.isEmpty else { return }
        terms[0] = 1
        if terms.count > 1 { terms[1] = x }
        if terms.count > 2 { for k in 2..<terms.count { terms[k] = 2 * x * terms[k - 1] - terms[k - 2] } }
    }
}
