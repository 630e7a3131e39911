import Foundation
import QMostCore

/// The spatial (cross-dispersion) profile of a fibre's image: a Gaussian core plus a faint, wider Gaussian
/// halo, whose width changes with column and slit position.
///
/// The core FWHM is the imaged fibre core (``FibreLayout/profileFWHM``, 3.3 px at full scale); it broadens by
/// ``edgeBroadening`` at the detector's ends and by ``slitEndBroadening`` for the outermost fibres (camera field
/// curvature). The halo (scattered light in the camera and the fibre's near-field wings) holds ``haloFraction``
/// of the light with ``haloWidthRatio`` × the core σ, so neighbouring fibres at 7 px overlap at the few-per-mille
/// level, which is what extraction must model (seed 9.1.11). ASSUMPTION: 8% in a 2.2× halo and 8%/5% broadening
/// (no 4MOST PSF measurements are public, datamodel §8).
public struct FibreProfile: Sendable, Equatable {
    /// Core FWHM in rows at the detector centre for a fibre at the slit centre.
    public var coreFWHM: Double
    /// Fractional FWHM increase at the first and last column (quadratic in between).
    public var edgeBroadening: Double
    /// Fractional FWHM increase for a fibre at either end of the slit (quadratic in the slit coordinate).
    public var slitEndBroadening: Double
    /// Share of the light in the halo.
    public var haloFraction: Double
    /// Halo σ over core σ.
    public var haloWidthRatio: Double

    public init(coreFWHM: Double, edgeBroadening: Double = 0.08, slitEndBroadening: Double = 0.05,
                haloFraction: Double = 0.08, haloWidthRatio: Double = 2.2) {
        self.coreFWHM = coreFWHM
        self.edgeBroadening = edgeBroadening
        self.slitEndBroadening = slitEndBroadening
        self.haloFraction = haloFraction
        self.haloWidthRatio = haloWidthRatio
    }

    /// Core σ in rows at normalised column t ∈ [−1, 1] and slit coordinate u ∈ [−1, 1].
    @inline(__always)
    public func coreSigma(t: Double, u: Double) -> Double {
        coreFWHM / 2.354_820_045 * (1 + edgeBroadening * t * t) * (1 + slitEndBroadening * u * u)
    }

    /// The fraction of the light falling in rows [lo, hi) (row centres at integers, edges at ±½) for a profile
    /// centred on `centre` with core σ `sigma`.
    public func fraction(rows lo: Int, _ hi: Int, centre: Double, sigma: Double) -> Double {
        NormalCDF.table.withUnsafeBufferPointer { t in
            let a = Double(lo) - 0.5 - centre, b = Double(hi) - 0.5 - centre
            let sh = sigma * haloWidthRatio
            let core = NormalCDF.phi(b / sigma, t) - NormalCDF.phi(a / sigma, t)
            let halo = NormalCDF.phi(b / sh, t) - NormalCDF.phi(a / sh, t)
            return (1 - haloFraction) * core + haloFraction * halo
        }
    }

    /// Rows either side of the centre that hold all but ~6e-5 of the light (4 halo σ).
    public func reach(sigma: Double) -> Int { Int((4 * sigma * haloWidthRatio).rounded(.up)) + 1 }
}
