import Foundation
import Testing
@testable import QMostCore
import QMostTesting

struct HEALPixTests {
    @Test(arguments: [0, 1, 2, 4])
    func everyCellCentreMapsBackToItsCell(order: Int) {
        let h = HEALPix(order: order)
        for pixel in 0..<h.pixelCount {
            #expect(h.pixel(h.centre(pixel)) == pixel, "order \(order) pixel \(pixel)")
        }
    }

    @Test func knownCells() {
        // Base cells: 0-3 around the north pole, 4-7 on the equator, 8-11 around the south pole.
        let h = HEALPix(order: 0)
        #expect(h.pixel(SkyPosition(ra: 45, dec: 60)) == 0)
        #expect(h.pixel(SkyPosition(ra: 0, dec: 0)) == 4)
        #expect(h.pixel(SkyPosition(ra: 315, dec: -60)) == 11)
        #expect(abs(h.centre(4).ra - 0) < 1e-12 && abs(h.centre(4).dec) < 1e-12)
        #expect(abs(h.centre(0).dec - asin(2.0 / 3) * 180 / .pi) < 1e-12)
        // Nested ids: a cell's four children are 4p...4p+3.
        let fine = HEALPix(order: 10), coarse = HEALPix(order: 9)
        let p = SkyPosition(ra: 123.456, dec: -33.3)
        #expect(fine.pixel(p) >> 2 == coarse.pixel(p))
    }

    @Test(arguments: [3, 8, 13, 20])
    func pointsLieWithinTheMaximumRadiusOfTheirCellCentre(order: Int) {
        var rng = SplitMix64(seed: UInt64(order))
        let h = HEALPix(order: order)
        for _ in 0..<20_000 {
            let p = SkyPosition(ra: .random(in: 0..<360, using: &rng), dec: asin(.random(in: -1...1, using: &rng)) * 180 / .pi)
            #expect(p.separation(to: h.centre(h.pixel(p))) <= h.maxPixelRadius)
        }
    }

    @Test(arguments: [(150.0, 2.0, 60.0), (0.001, -30.0, 3600.0), (359.99, 89.99, 120.0), (10.0, -89.95, 600.0), (45.0, 41.81, 30.0)])
    func coneCoverMissesNothing(ra: Double, dec: Double, radiusArcsec: Double) {
        let h = HEALPix(order: 11)
        let cap = SkyCap(centre: SkyPosition(ra: ra, dec: dec), radiusDegrees: radiusArcsec / 3600)
        let ranges = h.ranges(covering: cap)
        var rng = SplitMix64(seed: 99)
        // Points uniformly inside the cap must all fall in a covered cell.
        let u = cap.centre.unitVector
        for _ in 0..<5_000 {
            let distance = cap.radius * Double.random(in: 0...1, using: &rng).squareRoot()
            let bearing = Double.random(in: 0..<(2 * .pi), using: &rng)
            let p = Self.offset(u, centre: cap.centre, by: distance, bearing: bearing)
            let cell = h.pixel(p)
            #expect(ranges.contains { $0.contains(cell) }, "\(p) in cell \(cell)")
        }
        // And the cover stays proportionate: a 1° cone at order 11 (1.7' cells) has ~200 cells on its rim.
        #expect(ranges.count < 200)
        // The index's own cover, at an order chosen for the cone's size, covers the same points in a few ranges.
        let index = HEALPix.indexRanges(covering: cap)
        #expect(index.count <= 12)
        for _ in 0..<2_000 {
            let p = Self.offset(u, centre: cap.centre, by: cap.radius * Double.random(in: 0...1, using: &rng).squareRoot(),
                                bearing: Double.random(in: 0..<(2 * .pi), using: &rng))
            let cell = HEALPix.indexCell(p)
            #expect(index.contains { $0.contains(cell) })
        }
    }

    /// The point `distance` degrees from `centre` towards `bearing` (radians east of north).
    static func offset(_ u: UnitVector, centre: SkyPosition, by distance: Double, bearing: Double) -> SkyPosition {
        let a = centre.ra * .pi / 180, d = centre.dec * .pi / 180, r = distance * .pi / 180
        let east = (x: -sin(a), y: cos(a), z: 0.0)
        let north = (x: -sin(d) * cos(a), y: -sin(d) * sin(a), z: cos(d))
        let t = (x: east.x * sin(bearing) + north.x * cos(bearing), y: east.y * sin(bearing) + north.y * cos(bearing),
                 z: east.z * sin(bearing) + north.z * cos(bearing))
        return UnitVector(x: u.x * cos(r) + t.x * sin(r), y: u.y * cos(r) + t.y * sin(r), z: u.z * cos(r) + t.z * sin(r)).position
    }
}
