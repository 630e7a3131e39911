import Foundation

/// A static index of sky positions for fixed-radius neighbour searches: declination zones, each sorted by
/// right ascension (the zones algorithm of Gray, Nieto-Santisteban & Szalay 2007, MSR-TR-2006-52).
///
/// A query visits the zones its circle overlaps and, in each, binary-searches the RA window, so linking a
/// million targets costs about a million small searches rather than a million squared comparisons.
public struct SkyZoneIndex: Sendable {
    private let zoneHeight: Double
    private let zoneCount: Int
    /// Start of each zone in the sorted arrays; `zoneStart[z + 1]` ends it.
    private let zoneStart: [Int32]
    private let ra: [Double]
    private let x: [Double], y: [Double], z: [Double]
    /// The caller's index of each sorted entry.
    private let original: [Int32]

    /// Builds the index. `zoneHeightDegrees` should be about the radius of the searches to come.
    public init(_ positions: [SkyPosition], zoneHeightDegrees: Double) {
        precondition(positions.count < Int(Int32.max), "too many positions for one index")
        let height = max(zoneHeightDegrees, 1e-4)
        zoneHeight = height
        let zones = Int((180 / height).rounded(.up)) + 1
        zoneCount = zones
        let zoneOf = positions.map { Self.zone(of: $0.dec, height: height, count: zones) }
        let order = positions.indices.sorted { a, b in
            zoneOf[a] != zoneOf[b] ? zoneOf[a] < zoneOf[b] : positions[a].ra < positions[b].ra
        }
        var start = [Int32](repeating: 0, count: zones + 1)
        for index in order { start[zoneOf[index] + 1] += 1 }
        for zone in 0..<zones { start[zone + 1] += start[zone] }
        zoneStart = start
        ra = order.map { positions[$0].ra }
        let vectors = order.map { positions[$0].unitVector }
        x = vectors.map(\.x)
        y = vectors.map(\.y)
        z = vectors.map(\.z)
        original = order.map { Int32($0) }
    }

    /// The number of positions indexed.
    public var count: Int { original.count }

    private static func zone(of dec: Double, height: Double, count: Int) -> Int {
        min(count - 1, max(0, Int(((dec + 90) / height).rounded(.down))))
    }

    /// Calls `body` with the caller's index of every indexed position within `radiusDegrees` of `centre`.
    public func forEachNeighbour(of centre: SkyPosition, within radiusDegrees: Double, _ body: (Int) -> Void) {
        let u = centre.unitVector
        // Compare chord lengths: well conditioned at arcsecond radii, where 1 - cos r is not.
        let chord = 2 * sin(radiusDegrees * .pi / 360)
        let chord2 = chord * chord
        let low = Self.zone(of: centre.dec - radiusDegrees, height: zoneHeight, count: zoneCount)
        let high = Self.zone(of: centre.dec + radiusDegrees, height: zoneHeight, count: zoneCount)
        let window = raHalfWidth(dec: centre.dec, radius: radiusDegrees)
        for zone in low...high {
            let first = Int(zoneStart[zone]), end = Int(zoneStart[zone + 1])
            guard first < end else { continue }
            // Up to two RA runs per zone: the window, split in two where it crosses RA 0.
            var first1 = first, end1 = end, first2 = 0, end2 = 0
            if window < 180 {
                let lo = centre.ra - window, hi = centre.ra + window
                if lo < 0 {
                    (first1, end1) = (lowerBound(lo + 360, first, end), end)
                    (first2, end2) = (first, lowerBound(hi.nextUp, first, end))
                } else if hi >= 360 {
                    (first1, end1) = (lowerBound(lo, first, end), end)
                    (first2, end2) = (first, lowerBound((hi - 360).nextUp, first, end))
                } else {
                    (first1, end1) = (lowerBound(lo, first, end), lowerBound(hi.nextUp, first, end))
                }
            }
            for (from, to) in [(first1, end1), (first2, end2)] where from < to {
                var k = from
                while k < to {
                    let dx = x[k] - u.x, dy = y[k] - u.y, dz = z[k] - u.z
                    if dx * dx + dy * dy + dz * dz <= chord2 { body(Int(original[k])) }
                    k += 1
                }
            }
        }
    }

    /// Half-width in RA of the circle's bounding box, padded; 180 (the whole zone) near the poles.
    private func raHalfWidth(dec: Double, radius: Double) -> Double {
        let edge = abs(dec) + radius
        guard edge < 89.9 else { return 180 }
        let s = sin(radius * .pi / 180) / cos(dec * .pi / 180)
        guard s < 1 else { return 180 }
        return asin(s) * 180 / .pi * 1.000001 + 1e-9
    }

    /// First sorted position in `first..<end` whose RA is not below `value`.
    private func lowerBound(_ value: Double, _ first: Int, _ end: Int) -> Int {
        var lo = first, hi = end
        while lo < hi {
            let mid = (lo + hi) / 2
            if ra[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
