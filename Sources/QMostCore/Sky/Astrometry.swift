import Foundation

/// Catalogue astrometry of one source: position at an epoch, proper motion and parallax.
public struct Astrometry: Sendable, Equatable {
    /// ICRS position at ``epoch``.
    public var position: SkyPosition
    /// Proper motion in right ascension, μα* = μα cos δ, in mas/yr (the Gaia and 4FS convention).
    public var pmRA: Double
    /// Proper motion in declination in mas/yr.
    public var pmDec: Double
    /// Epoch of ``position`` in Julian years (2000.0 is J2000.0, 2016.0 the Gaia DR3 reference epoch).
    public var epoch: Double
    /// Parallax in mas (kept for provenance; with no radial velocity it does not move the direction).
    public var parallax: Double

    /// The Gaia DR3 reference epoch, which the IAU names and the shared-target match use (seed §11.2).
    public static let referenceEpoch = 2016.0

    public init(position: SkyPosition, pmRA: Double = 0, pmDec: Double = 0, epoch: Double = 2016.0, parallax: Double = 0) {
        self.position = position
        self.pmRA = pmRA
        self.pmDec = pmDec
        self.epoch = epoch
        self.parallax = parallax
    }

    /// Whether the source moves at all.
    public var hasProperMotion: Bool { pmRA != 0 || pmDec != 0 }

    /// The position at `targetEpoch` (Julian years).
    ///
    /// Rigorous propagation along a straight line in space at constant velocity with zero radial velocity
    /// (Gaia DR3 documentation §4.1.7, Butkevich & Lindegren 2014, A&A 570, A62): the direction at time t is
    /// the normalised u₀ + t·(μα* p + μδ q), with p and q the local east and north unit vectors. The 4FS
    /// catalogue carries no radial velocity, and at zero radial velocity the parallax drops out; SIMBAD's
    /// epoch propagation of Gaia sources follows the same model.
    public func position(at targetEpoch: Double) -> SkyPosition {
        let t = targetEpoch - epoch
        guard t != 0, hasProperMotion else { return position }
        let a = position.ra * .pi / 180, d = position.dec * .pi / 180
        let masToRadians = Double.pi / (180 * 3_600_000)
        let ma = pmRA * masToRadians * t, md = pmDec * masToRadians * t
        // p = (-sin α, cos α, 0), q = (-sin δ cos α, -sin δ sin α, cos δ)
        let u = position.unitVector
        let moved = UnitVector(
            x: u.x - ma * sin(a) - md * sin(d) * cos(a),
            y: u.y + ma * cos(a) - md * sin(d) * sin(a),
            z: u.z + md * cos(d))
        return moved.position
    }

    /// The position at the 2016.0 reference epoch.
    public var referencePosition: SkyPosition { position(at: Self.referenceEpoch) }
}
