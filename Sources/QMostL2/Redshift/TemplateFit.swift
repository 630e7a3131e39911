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
        var rows = [SIMD8<Double>](repeating: .zero, count: PCATemplate.lanes)
        var cross = [SIMD8<Double>](repeating: .zero, count: nc)
        var right = SIMD8<Double>.zero
        var covered = 0
        let stride = PCATemplate.lanes * MemoryLayout<Double>.stride
        t.interleaved.withUnsafeBytes { samples in
            (logarithmic ? log10Wavelength : wavelength).withUnsafeBufferPointer { xs in
                weight.withUnsafeBufferPointer { w in
                    weightedFlux.withUnsafeBufferPointer { wy in
                        weightedChebyshev.withUnsafeBufferPointer { wc in
                            rows.withUnsafeMutableBufferPointer { g in
                                cross.withUnsafeMutableBufferPointer { h in
                                    for q in 0..<count {
                                        let x = a * xs[q] + b
                                        guard x >= 0, x < last else { continue }
                                        let i = Int(x)
                                        let f = x - Double(i)
                                        let lo = samples.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Double>.self)
                                        let hi = samples.loadUnaligned(fromByteOffset: (i + 1) * stride, as: SIMD8<Double>.self)
                                        let v = lo + f * (hi - lo)
                                        let wv = w[q] * v
                                        for r in 0..<nb { g[r] += wv[r] * v }
                                        for k in 0..<nc { h[k] += wc[q * nc + k] * v }
                                        right += wy[q] * v
                                        covered += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
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
