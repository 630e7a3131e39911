import Foundation

/// A cone on the sky: every direction within `radius` degrees of `centre`.
public struct SkyCap: Sendable, Equatable {
    public var centre: SkyPosition
    public var radius: Double

    public init(centre: SkyPosition, radiusDegrees: Double) {
        self.centre = centre
        self.radius = radiusDegrees
    }

}
