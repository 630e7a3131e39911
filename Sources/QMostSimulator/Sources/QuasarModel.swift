import Foundation
import QMostCore

/// Parameters of a quasar.
public struct QuasarParameters: Sendable, Equatable {
    /// Continuum slope α_ν in F_ν ∝ ν^α (−0.44, Vanden Berk et al. 2001, AJ 122, 549).
    public var alphaNu = -0.44
    /// FWHM of the broad lines, km/s.
    public var broadLineFWHM = 4000.0
    /// FWHM of the narrow lines, km/s.
    public var narrowLineFWHM = 500.0
    /// Multiplies every emission line's equivalent width (line-strength diversity, Baldwin effect).
    public var lineStrength = 1.0
    /// Whether to add intergalactic Lyman-α/β forest absorption blueward of Lyα.
    public var lymanForest = true

    public init() {}
}

/// A quasar: power-law continuum plus broad and narrow lines, and the Lyman forest.
public enum QuasarModel {
    /// Rest equivalent widths (Å) relative to the power-law continuum from Vanden Berk et al. (2001, Table 2;
    /// Lyα+N V 92.9 Å split 80/13), and whether the line is broad.
    static let lines: [(SpectralLine, ew: Double, broad: Bool)] = [
        (LineList.lyBeta, 9.0, true), (LineList.lyAlpha, 80.0, true), (LineList.nV, 13.0, true),
        (LineList.siIV, 8.1, true), (LineList.cIV, 23.8, true), (LineList.cIII, 21.2, true),
        (LineList.mgII, 32.3, true), (LineList.hGamma, 12.6, true), (LineList.hBeta, 46.2, true),
        (LineList.oiii4959, 13.2 / 2.98, false), (LineList.oiii5007, 13.2, false), (LineList.hAlpha, 194.5, true),
    ]

    /// The rest-frame quasar spectrum before intergalactic absorption (vacuum Å, arbitrary scale).
    public static func restFrame(_ lambda: [Double], _ p: QuasarParameters) -> [Double] {
        var flux = lambda.map { Continuum.powerLaw($0, alphaNu: p.alphaNu) }
        let fwhmToSigma = 1 / (8 * log(2.0)).squareRoot()
        for (line, ew, broad) in lines {
            let center = line.vacuumWavelength
            let sigma = LineProfile.sigma(at: center, velocity: (broad ? p.broadLineFWHM : p.narrowLineFWHM) * fwhmToSigma)
            let lineFlux = ew * p.lineStrength * Continuum.powerLaw(center, alphaNu: p.alphaNu)
            LineProfile.addGaussian(&flux, lambda, center: center, sigma: sigma, lineFlux: lineFlux)
        }
        return flux
    }

    /// The effective Lyman-α optical depth τ_eff = −ln⟨F⟩ at absorber redshift z: Becker et al. (2013,
    /// MNRAS 430, 2067) τ_eff = 0.751 ((1+z)/4.5)^2.90 − 0.132 for z ≥ 2; below z = 2 the (1+z)^3.92 evolution of
    /// Faucher-Giguère et al. (2008, ApJ 681, 831) joined continuously at z = 2.
    public static func effectiveOpticalDepth(z: Double) -> Double {
        func becker(_ z: Double) -> Double { 0.751 * pow((1 + z) / 4.5, 2.90) - 0.132 }
        if z >= 2 { return becker(z) }
        return becker(2) * pow((1 + max(z, 0)) / 3, 3.92)
    }

    /// The transmission exp(−τ) of a statistical Lyman forest in front of a quasar at `redshift`, at observed
    /// vacuum wavelengths `observed` (sorted), deterministic for `seed`.
    ///
    /// Absorbers are a Poisson process in redshift with dN/dz = 100 ((1+z)/3.5)^2.5 (the order of the
    /// line counts for log N_HI ≥ 12.5 of Kim et al. 2002, MNRAS 335, 555), column densities from
    /// f(N) ∝ N^−1.5 between 10^12.5 and 10^17 cm⁻² (Petitjean et al. 1993), Doppler parameters
    /// b ~ N(30, 8) km/s ≥ 15 (Hui & Rutledge 1999), Gaussian cores of central depth
    /// τ₀ = 7.58×10⁻¹³ N / b for Lyα and 0.160 τ₀ at Lyβ (f λ ratio). The raw optical depth is then rescaled in
    /// 50 Å observed chunks so that the mean Lyα-region transmission of each chunk is exp(−τ_eff(z)) of
    /// ``effectiveOpticalDepth(z:)``. Redward of Lyα at the quasar's redshift the transmission is exactly 1.
    public static func forestTransmission(observed: [Double], redshift: Double, seed: UInt64) -> [Double] {
        var transmission = [Double](repeating: 1, count: observed.count)
        let lyA = LineList.lyAlpha.vacuumWavelength, lyB = LineList.lyBeta.vacuumWavelength
        let redEdge = lyA * (1 + redshift)
        guard redshift > 0, let first = observed.first, first < redEdge else { return transmission }
        let zMin = max(0, first / lyA - 1 - 0.01)
        // Absorbers.
        var rng = SplitMix64(seed: seed ^ 0x4C79_6D61_6E46_6F72)  // "LymanFor"
        var absorbers: [(z: Double, tau0: Double, b: Double)] = []
        let dz = 0.001
        var z = zMin
        while z < redshift {
            let density = 100 * pow((1 + z) / 3.5, 2.5)
            for _ in 0..<rng.poisson(mean: density * dz) {
                let zAbs = z + dz * rng.uniform()
                guard zAbs < redshift else { continue }
                // Inverse transform of f(N) ∝ N^-1.5 on [N1, N2].
                let n1 = pow(10, 12.5), n2 = pow(10, 17.0)
                let u = rng.uniform()
                let column = pow(pow(n1, -0.5) - u * (pow(n1, -0.5) - pow(n2, -0.5)), -2)
                let b = max(15, 30 + 8 * rng.normal())
                absorbers.append((zAbs, 7.58e-13 * column / b, b))
            }
            z += dz
        }
        // Raw optical depths (Lyα and Lyβ separately, for the rescaling).
        var tauA = [Double](repeating: 0, count: observed.count)
        var tauB = [Double](repeating: 0, count: observed.count)
        for absorber in absorbers {
            for (rest, strength) in [(lyA, 1.0), (lyB, 0.160)] {
                let center = rest * (1 + absorber.z)
                let sigma = center * absorber.b / speedOfLightKms / 2.squareRoot()
                for i in LineProfile.window(observed, center - 6 * sigma, center + 6 * sigma) where observed[i] < redEdge {
                    let u = (observed[i] - center) / sigma
                    let t = strength * absorber.tau0 * exp(-0.5 * u * u)
                    if rest == lyA { tauA[i] += t } else { tauB[i] += t }
                }
            }
        }
        // Rescale in chunks to the mean transmission, then apply.
        var start = 0
        while start < observed.count, observed[start] < redEdge {
            var end = start
            while end < observed.count, observed[end] < min(observed[start] + 50, redEdge) { end += 1 }
            let chunk = start..<max(end, start + 1)
            let midZ = 0.5 * (observed[chunk.lowerBound] + observed[chunk.upperBound - 1]) / lyA - 1
            let scale = meanTransmissionScale(Array(tauA[chunk]), target: exp(-effectiveOpticalDepth(z: midZ)))
            for i in chunk { transmission[i] = exp(-scale * (tauA[i] + tauB[i])) }
            start = chunk.upperBound
        }
        return transmission
    }

    /// The factor s with mean(exp(−s τ)) = target (bisection on log s; 1 if τ is all zero).
    static func meanTransmissionScale(_ tau: [Double], target: Double) -> Double {
        guard tau.contains(where: { $0 > 0 }), target < 1 else { return target < 1 ? 1 : 0 }
        func mean(_ s: Double) -> Double { tau.reduce(0) { $0 + exp(-s * $1) } / Double(tau.count) }
        // Pixels with no absorber cannot reach a mean below their share; clamp the target to what is reachable.
        let floor = Double(tau.filter { $0 == 0 }.count) / Double(tau.count)
        let goal = max(target, floor + 1e-6)
        var lo = -20.0, hi = 20.0
        for _ in 0..<80 {
            let mid = 0.5 * (lo + hi)
            if mean(exp(mid)) > goal { lo = mid } else { hi = mid }
        }
        return exp(0.5 * (lo + hi))
    }
}
