import Foundation

/// An ICRS direction in degrees.
public struct SkyPosition: Sendable, Equatable, Hashable {
    /// Right ascension in degrees, [0, 360).
    public var ra: Double
    /// Declination in degrees, [-90, +90].
    public var dec: Double

    public init(ra: Double, dec: Double) {
        self.ra = ra
        self.dec = dec
    }

    /// The direction as a unit vector (x towards RA 0, z towards the north pole).
    public var unitVector: UnitVector {
        let a = ra * .pi / 180, d = dec * .pi / 180
        return UnitVector(x: cos(d) * cos(a), y: cos(d) * sin(a), z: sin(d))
    }

    /// The angle to `other` in degrees, accurate at all separations (Vincenty's formula).
    public func separation(to other: SkyPosition) -> Double {
        let d1 = dec * .pi / 180, d2 = other.dec * .pi / 180
        let dra = (other.ra - ra) * .pi / 180
        let y = hypot(cos(d2) * sin(dra), cos(d1) * sin(d2) - sin(d1) * cos(d2) * cos(dra))
        let x = sin(d1) * sin(d2) + cos(d1) * cos(d2) * cos(dra)
        return atan2(y, x) * 180 / .pi
    }
}

/// A direction in Cartesian form; the working representation for matching and propagation.
public struct UnitVector: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// Back to RA/Dec in degrees (normalising the length first).
    public var position: SkyPosition {
        let r = (x * x + y * y + z * z).squareRoot()
        var ra = atan2(y, x) * 180 / .pi
        if ra < 0 { ra += 360 }
        if ra >= 360 { ra -= 360 }
        let dec = asin(max(-1, min(1, z / r))) * 180 / .pi
        return SkyPosition(ra: ra, dec: dec)
    }
}

extension SkyPosition {
    /// Degrees per arcsecond, for radii given in arcseconds.
    public static let degreesPerArcsecond = 1.0 / 3600
}
