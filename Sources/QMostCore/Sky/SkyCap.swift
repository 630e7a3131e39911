import Foundation

/// A cone on the sky: every direction within `radius` degrees of `centre`.
public struct SkyCap: Sendable, Equatable {
    public var centre: SkyPosition
    public var radius: Double

    public init(centre: SkyPosition, radiusDegrees: Double) {
        self.centre = centre
        self.radius = radiusDegrees
    }

    /// Whether `p` lies in the cap.
    public func contains(_ p: SkyPosition) -> Bool { centre.separation(to: p) <= radius }

    /// The exact axis-aligned box around the cap's unit vectors, padded by `pad` on every side. On each axis
    /// the angle to the axis ranges over the centre's angle ± the radius (clamped to [0°, 180°]), so the
    /// coordinate ranges over the cosines of those limits; poles and RA 0 need no special cases.
    public func boundingBox(pad: Double = 1e-7) -> (low: UnitVector, high: UnitVector) {
        let c = centre.unitVector
        let r = radius * .pi / 180
        func range(_ component: Double) -> (Double, Double) {
            let angle = acos(max(-1, min(1, component)))
            let low = cos(min(.pi, angle + r)), high = cos(max(0, angle - r))
            return (low - pad, high + pad)
        }
        let (x0, x1) = range(c.x), (y0, y1) = range(c.y), (z0, z1) = range(c.z)
        return (UnitVector(x: x0, y: y0, z: z0), UnitVector(x: x1, y: y1, z: z1))
    }
}
