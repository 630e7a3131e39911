import Foundation

/// A least-squares fit of a group of emission lines to a short stretch of a 1D spectrum: each line a Gaussian
/// integrated over the pixels (``PixelGaussian``) with its own amplitude, all lines moving together by one
/// shift (their relative offsets are held, as for a Fabry–Pérot comb's neighbours or a resolved neighbour of an
/// arc line), widths either fixed or scaled by one common factor, on a constant or sloped background.
/// Levenberg–Marquardt on the pixels' inverse variances (Press et al., Numerical Recipes §15.5).
struct LineProfileFit {
    /// One line of the group: offset from the group's centre (pixels) and Gaussian σ (pixels).
    struct Component {
        var offset: Double
        var sigma: Double
    }

    struct Result {
        /// Fitted centre of the group (component 0 sits at `centre + components[0].offset`).
        var centre: Double
        /// 1σ error of the centre (pixels), scaled up by √χ²ᵣ when that exceeds one.
        var centreError: Double
        /// Total electrons of each component.
        var amplitudes: [Double]
        var amplitudeErrors: [Double]
        /// Factor on the components' σ (1 when not fitted) and its error.
        var sigmaScale: Double
        var sigmaScaleError: Double
        /// χ² and χ² per degree of freedom.
        var chiSquare: Double
        var reducedChiSquare: Double
    }

    /// Component `j`'s amplitude under parameters `q`.
    @inline(__always)
    private func amplitude(_ q: [Double], _ j: Int) -> Double {
        guard sharedAmplitude else { return q[j] }
        return components.count > 1 ? q[0] + q[1] * components[j].offset : q[0]
    }

    var components: [Component]
    var fitSigma = false
    var slopedBackground = false
    /// Whether the components' amplitudes follow one linear trend along their offsets (a comb under a smooth
    /// envelope, two parameters whatever the number of peaks) rather than each its own.
    var sharedAmplitude = false
    var maximumIterations = 20

    /// Fits pixels `first...last` of `flux` (variance `variance`; pixels with non-positive variance or a
    /// non-zero `mask` are skipped) starting from centre `start`; nil when there are too few good pixels, the
    /// fit fails or moves the centre by more than `maximumMove` pixels.
    func fit(flux: UnsafeBufferPointer<Float>, variance: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<UInt8>,
             first: Int, last: Int, start: Double, maximumMove: Double) -> Result? {
        let lo = max(0, first), hi = min(flux.count - 1, last)
        guard hi > lo else { return nil }
        var xs: [Double] = [], ys: [Double] = [], ws: [Double] = []
        xs.reserveCapacity(hi - lo + 1); ys.reserveCapacity(hi - lo + 1); ws.reserveCapacity(hi - lo + 1)
        for x in lo...hi where mask[x] == 0 && variance[x] > 0 {
            xs.append(Double(x)); ys.append(Double(flux[x])); ws.append(1 / Double(variance[x]))
        }
        let k = components.count
        let nAmplitudes = sharedAmplitude ? min(2, k) : k
        let nLinear = nAmplitudes + (slopedBackground ? 2 : 1)
        let nParams = nLinear + 1 + (fitSigma ? 1 : 0)
        guard xs.count >= nParams + 2 else { return nil }
        let mid = 0.5 * Double(lo + hi)

        // Parameters: [amplitudes..., b0, (b1), centre, (sigma scale)].
        var p = [Double](repeating: 0, count: nParams)
        let iCentre = nLinear, iScale = nLinear + 1
        p[iCentre] = start
        if fitSigma { p[iScale] = 1 }
        // Starting amplitudes and background: the linear problem at the starting centre.
        guard let linear = linearSolve(xs, ys, ws, centre: start, scale: 1, mid: mid) else { return nil }
        for i in 0..<nLinear { p[i] = linear[i] }

        var jacobian = [Double](repeating: 0, count: nParams)
        func chiSquare(_ q: [Double], normal: inout [Double], gradient: inout [Double], accumulate: Bool) -> Double {
            var chi = 0.0
            let scale = fitSigma ? q[iScale] : 1
            for n in xs.indices {
                let b = nAmplitudes
                var m = q[b]
                jacobian[b] = 1
                if slopedBackground { m += q[b + 1] * (xs[n] - mid); jacobian[b + 1] = xs[n] - mid }
                var dc = 0.0, ds = 0.0
                for a in 0..<nAmplitudes { jacobian[a] = 0 }
                for j in 0..<k {
                    let s = components[j].sigma * scale
                    let g = PixelGaussian.evaluate(pixel: xs[n], centre: q[iCentre] + components[j].offset, sigma: s)
                    let amplitude = amplitude(q, j)
                    m += amplitude * g.value
                    if sharedAmplitude {
                        jacobian[0] += g.value
                        if nAmplitudes > 1 { jacobian[1] += components[j].offset * g.value }
                    } else {
                        jacobian[j] = g.value
                    }
                    dc += amplitude * g.dCentre
                    ds += amplitude * g.dSigma * components[j].sigma
                }
                jacobian[iCentre] = dc
                if fitSigma { jacobian[iScale] = ds }
                let r = ys[n] - m
                chi += ws[n] * r * r
                if accumulate {
                    for a in 0..<nParams {
                        gradient[a] += ws[n] * jacobian[a] * r
                        for b in 0...a { normal[a * nParams + b] += ws[n] * jacobian[a] * jacobian[b] }
                    }
                }
            }
            return chi
        }
        var lambda = 1e-3
        var normal = [Double](repeating: 0, count: nParams * nParams), gradient = [Double](repeating: 0, count: nParams)
        var chi = chiSquare(p, normal: &normal, gradient: &gradient, accumulate: true)
        for _ in 0..<maximumIterations {
            for a in 0..<nParams { for b in 0..<a { normal[b * nParams + a] = normal[a * nParams + b] } }
            var damped = normal
            for a in 0..<nParams { damped[a * nParams + a] *= 1 + lambda }
            guard let step = Polynomial.solve(damped, gradient, nParams) else { return nil }
            var trial = p
            for a in 0..<nParams { trial[a] += step[a] }
            if fitSigma { trial[iScale] = min(max(trial[iScale], 0.3), 3) }
            var n2 = [Double](repeating: 0, count: nParams * nParams), g2 = [Double](repeating: 0, count: nParams)
            let trialChi = chiSquare(trial, normal: &n2, gradient: &g2, accumulate: true)
            if trialChi <= chi {
                let small = abs(step[iCentre]) < 1e-5 && (!fitSigma || abs(step[iScale]) < 1e-5)
                p = trial; chi = trialChi; normal = n2; gradient = g2
                lambda = max(lambda / 10, 1e-7)
                if small { break }
            } else {
                lambda *= 10
                if lambda > 1e6 { break }
            }
        }
        guard abs(p[iCentre] - start) <= maximumMove, amplitude(p, 0) > 0 else { return nil }
        // Covariance from the undamped normal matrix at the solution.
        for a in 0..<nParams { for b in 0..<a { normal[b * nParams + a] = normal[a * nParams + b] } }
        guard let covariance = Self.invert(normal, nParams) else { return nil }
        let dof = Double(xs.count - nParams)
        let reduced = chi / dof
        let inflate = max(1, reduced)
        func error(_ i: Int) -> Double { (max(covariance[i * nParams + i], 0) * inflate).squareRoot() }
        return Result(centre: p[iCentre], centreError: error(iCentre), amplitudes: (0..<k).map { amplitude(p, $0) },
                      amplitudeErrors: (0..<k).map { sharedAmplitude ? error(0) : error($0) }, sigmaScale: fitSigma ? p[iScale] : 1,
                      sigmaScaleError: fitSigma ? error(iScale) : 0, chiSquare: chi, reducedChiSquare: reduced)
    }

    /// Amplitudes and background for fixed centre and σ scale (linear least squares).
    private func linearSolve(_ xs: [Double], _ ys: [Double], _ ws: [Double], centre: Double, scale: Double, mid: Double) -> [Double]? {
        let k = components.count, na = sharedAmplitude ? min(2, k) : k, n = na + (slopedBackground ? 2 : 1)
        var a = [Double](repeating: 0, count: n * n), b = [Double](repeating: 0, count: n)
        var row = [Double](repeating: 0, count: n)
        for i in xs.indices {
            for j in 0..<na { row[j] = 0 }
            for j in 0..<k {
                let g = PixelGaussian.evaluate(pixel: xs[i], centre: centre + components[j].offset, sigma: components[j].sigma * scale).value
                if sharedAmplitude {
                    row[0] += g
                    if na > 1 { row[1] += components[j].offset * g }
                } else {
                    row[j] = g
                }
            }
            row[na] = 1
            if slopedBackground { row[na + 1] = xs[i] - mid }
            for r in 0..<n {
                b[r] += ws[i] * row[r] * ys[i]
                for c in 0..<n { a[r * n + c] += ws[i] * row[r] * row[c] }
            }
        }
        return Polynomial.solve(a, b, n)
    }

    /// The inverse of a small symmetric positive-definite matrix, column by column.
    static func invert(_ m: [Double], _ n: Int) -> [Double]? {
        var inverse = [Double](repeating: 0, count: n * n)
        for c in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[c] = 1
            guard let column = Polynomial.solve(m, e, n) else { return nil }
            for r in 0..<n { inverse[r * n + c] = column[r] }
        }
        return inverse
    }
}
