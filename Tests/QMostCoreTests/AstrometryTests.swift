import Foundation
import Testing
@testable import QMostCore

struct AstrometryTests {
    /// Reference positions from ERFA's eraPmsafe (Reference/propagation_references.py prints these rows).
    static let erfaReferences: [(String, Double, Double, Double, Double, Double, Double, Double, Double, Double)] = [
        ("Barnard Gaia DR3 -> J2000", 269.44850252543836, 4.739420051112412, -801.551, 10362.394, 546.9759, 2016.0, 2000.0, 269.4520769587153, 4.693364967494517),
        ("Barnard Gaia DR3 -> 2050", 269.44850252543836, 4.739420051112412, -801.551, 10362.394, 546.9759, 2016.0, 2050.0, 269.4409052726838, 4.837286968054859),
        ("fast star near the pole", 123.4, 89.98, 5000.0, -3000.0, 100.0, 2000.0, 2016.0, 157.09006849262207, 89.95993832100899),
        ("fast star across RA 0", 359.999, -30.0, 8000.0, 1000.0, 200.0, 2000.0, 2016.0, 0.04005417349798519, -29.995549187261194),
        ("southern fast star", 77.9, -45.0, 6500.0, -5730.0, 254.0, 1991.25, 2016.0, 77.96324112437968, -45.03937629295723),
    ]

    private func milliarcseconds(_ a: SkyPosition, _ b: SkyPosition) -> Double {
        a.separation(to: b) * 3_600_000
    }

    @Test func agreesWithERFA() {
        for (name, ra, dec, pmra, pmdec, plx, from, to, raRef, decRef) in Self.erfaReferences {
            let star = Astrometry(position: SkyPosition(ra: ra, dec: dec), pmRA: pmra, pmDec: pmdec, epoch: from, parallax: plx)
            let offset = milliarcseconds(star.position(at: to), SkyPosition(ra: raRef, dec: decRef))
            #expect(offset < 1, "\(name): \(offset) mas from ERFA")
        }
    }

    @Test func barnardsStarMatchesSIMBADsJ2000Position() {
        // Gaia DR3 4472832130942575872 at epoch 2016.0; SIMBAD lists its J2000 position, propagated from
        // these values, as 17 57 48.49847 +04 41 36.1139.
        let barnard = Astrometry(
            position: SkyPosition(ra: 269.44850252543836, dec: 4.739420051112412),
            pmRA: -801.551, pmDec: 10362.394, epoch: 2016.0, parallax: 546.9759)
        let simbad = SkyPosition(ra: (17 + 57.0 / 60 + 48.49847 / 3600) * 15, dec: 4 + 41.0 / 60 + 36.1139 / 3600)
        #expect(milliarcseconds(barnard.position(at: 2000), simbad) < 1)
        // Round trip: back from J2000 with the same motion lands on the Gaia position within a mas.
        let j2000 = Astrometry(position: simbad, pmRA: -801.551, pmDec: 10362.394, epoch: 2000, parallax: 546.9759)
        #expect(milliarcseconds(j2000.referencePosition, barnard.position) < 1)
        #expect(CoordinateName.iauName(j2000) == "4MOST J17574764+0444219")
        #expect(CoordinateName.cname(j2000.position) == "17574849+0441361")
    }

    @Test func noMotionMeansNoChange() {
        let still = Astrometry(position: SkyPosition(ra: 10, dec: -20), epoch: 2000)
        #expect(still.position(at: 2016) == still.position)
    }
}
