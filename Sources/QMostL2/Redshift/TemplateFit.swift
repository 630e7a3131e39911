import Foundation

/// The best linear combination of a template's components and the Chebyshev terms at one redshift.
struct TemplateFit: Sendable {
    /// χ² of the fit.
    var chiSquare: Double
    /// Component amplitudes, then Chebyshev coefficients (in the pixels' flux scale).
    var coefficients: [Double]
}

extension FitPixels {
    /// Fits `t` redshifted by `z` plus the Chebyshev terms to the pixels by weighted linear least squares
    /// (seed 10.2.1.2.3: "on the original target spectrum on the linear wavelength grid"); nil when the normal
    /// equations are singular (the fit did not converge) or the template does not reach the pixels.
    func fit(_ t: PCATemplate, redshift z: Double) -> TemplateFit? {
        let nb = t.componentCount, nc = chebyshevTerms, p = nb + nc
        // Fractional sample index = a·X + b with X = λ (linear templates) or log10 λ (log templates).
        let a: Double, b: Double, logarithmic: Bool
        switch t.sampling {
        case .linear(let start, let step):
            a = 1 / ((1 + z) * step); b = -start / step; logarithmic = false
        case .log10(let start, let step):
            a = 1 / step; b = -(Foundation.log10(1 + z) + start) / step; logarithmic = true
        }
        let last = Double(t.count - 1)
        // Pixels between Lyβ and Lyα in the rest frame get the mean forest back (wavelengths are sorted).
        var forest = 0..<0
        if t.forestCorrected {
            let lo = LymanForest.lymanBeta * (1 + z), hi = LymanForest.lymanAlpha * (1 + z)
            let first = firstPixel(atOrAbove: lo), end = firstPixel(atOrAbove: hi)
            forest = first..<max(first, end)
        }
        precondition(nc <= 4, "the χ² fit takes at most 4 Chebyshev terms")
        // The sums live in registers: up to eight rows of the components' normal matrix (rows past the template's
        // components are not summed and stay zero), the Chebyshev cross terms and the right-hand side.
        var g0 = SIMD8<Double>.zero, g1 = g0, g2 = g0, g3 = g0, g4 = g0, g5 = g0, g6 = g0, g7 = g0
        var h0 = SIMD8<Double>.zero, h1 = h0, h2 = h0, h3 = h0
        var right = SIMD8<Double>.zero
        var covered = 0
        let stride = PCATemplate.lanes * MemoryLayout<Float>.stride
        t.interleaved.withUnsafeBytes { samples in
            (logarithmic ? log10Wavelength : wavelength).withUnsafeBufferPointer { xs in
                weight.withUnsafeBufferPointer { w in
                    weightedFlux.withUnsafeBufferPointer { wy in
                        weightedChebyshev.withUnsafeBufferPointer { wc in
                            forestTransmission.withUnsafeBufferPointer { transmission in
                                for q in 0..<count {
                                    let x = a * xs[q] + b
                                    guard x >= 0, x < last else { continue }
                                    let i = Int(x)
                                    let f = x - Double(i)
                                    let lo = SIMD8<Double>(samples.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self))
                                    let hi = SIMD8<Double>(samples.loadUnaligned(fromByteOffset: (i + 1) * stride, as: SIMD8<Float>.self))
                                    var v = lo + f * (hi - lo)
                                    if forest.contains(q) { v *= transmission[q] }
                                    let wv = w[q] * v
                                    g0 += wv[0] * v; g1 += wv[1] * v; g2 += wv[2] * v; g3 += wv[3] * v
                                    if nb > 4 { g4 += wv[4] * v }
                                    if nb > 5 { g5 += wv[5] * v; g6 += wv[6] * v; g7 += wv[7] * v }
                                    let k = q * nc
                                    h0 += wc[k] * v
                                    if nc > 1 { h1 += wc[k + 1] * v }
                                    if nc > 2 { h2 += wc[k + 2] * v }
                                    if nc > 3 { h3 += wc[k + 3] * v }
                                    right += wy[q] * v
                                    covered += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        let rows = [g0, g1, g2, g3, g4, g5, g6, g7], cross = [h0, h1, h2, h3]
        guard covered > p else { return nil }
        var normal = [Double](repeating: 0, count: p * p), rhs = [Double](repeating: 0, count: p)
        for r in 0..<nb {
            for c in 0..<nb { normal[r * p + c] = rows[r][c] }
            for k in 0..<nc {
                normal[r * p + nb + k] = cross[k][r]
                normal[(nb + k) * p + r] = cross[k][r]
            }
            rhs[r] = right[r]
        }
        for k in 0..<nc {
            for l in 0..<nc { normal[(nb + k) * p + nb + l] = chebyshevNormal[k * nc + l] }
            rhs[nb + k] = chebyshevRHS[k]
        }
        guard let x = LinearSolve.symmetricPositiveDefinite(normal, rhs, size: p) else { return nil }
        var explained = 0.0
        for i in 0..<p { explained += x[i] * rhs[i] }
        let chi2 = fluxNorm - explained
        guard chi2.isFinite else { return nil }
        return TemplateFit(chiSquare: max(chi2, 0), coefficients: x)
    }
}

/// Small dense solves for the normal equations.
enum LinearSolve {
    /// Solves A x = b for symmetric positive-definite A (n×n, row-major) by Cholesky factorisation after scaling
    /// A to unit diagonal (so components of very different amplitude do not spoil it); nil if A is not
    /// positive definite.
    static func symmetricPositiveDefinite(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
        var d = [Double](repeating: 0, count: n)
        for i in 0..<n {
            guard a[i * n + i] > 0, a[i * n + i].isFinite else { return nil }
            d[i] = 1 / a[i * n + i].squareRoot()
        }
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j] * d[i] * d[j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    // A pivot this small relative to the unit diagonal means two columns are (nearly) the same.
                    guard sum > 1e-12 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i] * d[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return (0..<n).map { x[$0] * d[$0] }
    }
}
