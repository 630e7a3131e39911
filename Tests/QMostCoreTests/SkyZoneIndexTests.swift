import Foundation
import Testing
@testable import QMostCore
import QMostTesting

struct SkyZoneIndexTests {
    @Test(arguments: [
        ("whole sky", -90.0, 90.0, 0.0, 360.0),
        ("north pole cap", 89.0, 90.0, 0.0, 360.0),
        ("south pole cap", -90.0, -89.0, 0.0, 360.0),
        ("across RA 0", -5.0, 5.0, 359.0, 361.0),
    ])
    func findsExactlyWhatBruteForceFinds(region: String, decLow: Double, decHigh: Double, raLow: Double, raHigh: Double) {
        var rng = SplitMix64(seed: 42)
        let area = (raHigh - raLow) * (decHigh - decLow)
        let radius = max(0.02, (area / 2000).squareRoot())  // a few neighbours each
        let points = (0..<2000).map { _ in
            SkyPosition(ra: Double.random(in: raLow..<raHigh, using: &rng).truncatingRemainder(dividingBy: 360),
                        dec: Double.random(in: decLow...decHigh, using: &rng))
        }
        let index = SkyZoneIndex(points, zoneHeightDegrees: radius)
        for query in points.prefix(300) {
            var found: [Int] = []
            index.forEachNeighbour(of: query, within: radius) { found.append($0) }
            let expected = points.indices.filter { query.separation(to: points[$0]) <= radius }
            #expect(found.sorted() == expected, "\(region) around \(query)")
        }
    }

    @Test func arcsecondRadiusSeparatesCloseNeighbours() {
        let base = SkyPosition(ra: 150, dec: 2)
        let near = SkyPosition(ra: 150 + 0.9 / 3600 / cos(2 * Double.pi / 180), dec: 2)
        let far = SkyPosition(ra: 150, dec: 2 + 1.1 / 3600)
        let index = SkyZoneIndex([base, near, far], zoneHeightDegrees: 1.0 / 3600)
        var found: [Int] = []
        index.forEachNeighbour(of: base, within: 1.0 / 3600) { found.append($0) }
        #expect(found.sorted() == [0, 1])
    }
}
