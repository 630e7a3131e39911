import Foundation

/// The parametric spatial profile of a fibre (seed 9.1.11, ψₙ): a Gaussian core of σ = `coreScale` × the trace's
/// pixel-deconvolved width, plus a halo Gaussian holding `haloFraction` of the light at `haloRatio` × the core σ.
/// The profile integrates to one over the rows.
public struct ProfileShape: Sendable, Equatable {
    /// Core σ over the width the tracer measured (with the pixel's 1/12 row² removed).
    public var coreScale: Double
    /// Share of the light in the halo.
    public var haloFraction: Double
    /// Halo σ over core σ.
    public var haloRatio: Double

    public init(coreScale: Double, haloFraction: Double, haloRatio: Double) {
        self.coreScale = coreScale
        self.haloFraction = haloFraction
        self.haloRatio = haloRatio
    }

    /// This shape changed by `p`: the core scale times e^p₀, the halo fraction's logit (of twice the fraction, which
    /// stays below ½) plus p₁, and the halo's excess width over 1.2 core σ times e^p₂ (the fitter's parameters).
    func adjusted(by p: [Double]) -> ProfileShape {
        let f = min(max(haloFraction, 1e-6), 0.5 - 1e-6)
        return ProfileShape(coreScale: coreScale * exp(p[0]), haloFraction: 0.5 / (1 + exp(-(log(f / (0.5 - f)) + p[1]))),
                            haloRatio: 1.2 + max(haloRatio - 1.2, 0.05) * exp(p[2]))
    }

    /// Core σ (rows) for a tracer width `traceSigma` (the σ of a three-row fit, which includes the pixel).
    @inline(__always)
    public func coreSigma(traceSigma: Double) -> Double {
        coreScale * max(traceSigma * traceSigma - 1.0 / 12, 0.09).squareRoot()
    }

    /// Rows either side of the centre that hold all but ~2 × 10⁻⁴ of the halo's light (`sigmas` halo σ).
    @inline(__always)
    public func reach(coreSigma: Double, sigmas: Double) -> Int {
        Int((sigmas * coreSigma * max(haloRatio, 1)).rounded(.up)) + 1
    }
}

/// The standard normal CDF tabulated on a fine grid for the pixel-integrated profiles: each pixel's share of a
/// Gaussian is the difference of the CDF at its two edges (the erf difference), linearly interpolated in a
/// table of step 1/256 σ (error < 10⁻⁶).
enum NormalCDF {
    static let limit = 12.0
    static let stepsPerSigma = 256.0
    static let table: [Double] = {
        let n = Int(2 * limit * stepsPerSigma) + 2
        return (0..<n).map { i in 0.5 * erfc(-(Double(i) / stepsPerSigma - limit) / 2.0.squareRoot()) }
    }()

    @inline(__always)
    static func phi(_ z: Double, _ t: UnsafeBufferPointer<Double>) -> Double {
        let u = (z + limit) * stepsPerSigma
        if u <= 0 { return 0 }
        if u >= Double(t.count - 2) { return 1 }
        let i = Int(u), f = u - Double(i)
        return t[i] + f * (t[i + 1] - t[i])
    }

    /// Fills `out[0..<count]` with the shares of rows lo, lo+1, … of a profile centred on `centre` (rows;
    /// pixel y spans y ± ½) with core σ `sigma` and `shape`'s halo.
    @inline(__always)
    static func fill(_ out: UnsafeMutablePointer<Double>, lo: Int, count: Int, centre: Double, sigma: Double,
                     haloFraction f: Double, haloRatio r: Double, _ t: UnsafeBufferPointer<Double>) {
        let invCore = 1 / sigma, invHalo = 1 / (sigma * r), wCore = 1 - f
        var edge = Double(lo) - 0.5 - centre
        var pc = phi(edge * invCore, t), ph = phi(edge * invHalo, t)
        for k in 0..<count {
            edge += 1
            let nc = phi(edge * invCore, t), nh = phi(edge * invHalo, t)
            out[k] = wCore * (nc - pc) + f * (nh - ph)
            pc = nc
            ph = nh
        }
    }
}
