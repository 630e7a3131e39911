import Foundation
import Testing
@testable import QMostCore

struct CoordinateNameTests {
    private func cname(_ ra: Double, _ dec: Double) -> String {
        CoordinateName.cname(SkyPosition(ra: ra, dec: dec))
    }

    @Test func issueExampleTruncates() {
        // 20h56m27.504s, -41°11'44.988": truncation gives 44.9", where rounding would give 45.0".
        #expect(cname(314.1146, -41.19583) == "20562750-4111449")
    }

    @Test func seedIAUExample() {
        // 12h29m05.685s +05°12'03.528" at epoch 2016.0.
        let star = Astrometry(position: SkyPosition(ra: 187.2736875, dec: 5.20098), epoch: 2016.0)
        #expect(CoordinateName.iauName(star) == "4MOST J12290568+0512035")
    }

    @Test func iauNameAppliesProperMotionTo2016() {
        // The same star catalogued at J2000 with 1"/yr eastward and 0.5"/yr northward motion.
        let t = 16.0
        let dec2016 = 5.20098
        let ra2000 = 187.2736875 - 1.0 * t / 3600 / cos(dec2016 * .pi / 180)
        let moving = Astrometry(
            position: SkyPosition(ra: ra2000, dec: dec2016 - 0.5 * t / 3600), pmRA: 1000, pmDec: 500, epoch: 2000)
        #expect(CoordinateName.iauName(moving) == "4MOST J12290568+0512035")
        // The CNAME encodes the catalogue position as given.
        #expect(CoordinateName.cname(moving.position) != "12290568+0512035")
    }

    @Test func raJustBelow24hNeverRollsOver() {
        #expect(cname(359.99999999, 10) == "23595999+1000000")
        #expect(cname(360 - 1e-12, 0) == "23595999+0000000")
        #expect(cname(360, 0) == "00000000+0000000")
        #expect(cname(-15.0 / 3600, 0) == "23595900+0000000")  // -1 s of time wraps to 23h59m59s
    }

    @Test func poles() {
        #expect(cname(0, 90) == "00000000+9000000")
        #expect(cname(180, -90) == "12000000-9000000")
        #expect(cname(12.5, 89.99999999) == "00500000+8959599")
    }

    @Test func decBetweenMinusOneAndZeroKeepsItsSign() {
        #expect(cname(10, -0.5) == "00400000-0030000")
        #expect(cname(10, -0.99999) == "00400000-0059599")
        #expect(cname(10, -0.00001) == "00400000-0000000")
        #expect(cname(10, 0) == "00400000+0000000")
        #expect(cname(10, 0.00001) == "00400000+0000000")
    }

    @Test func secondsThatWouldRoundTo60AreTruncated() {
        // 12h59m59.999s and -10°59'59.99"
        let ra = (12 + 59.0 / 60 + 59.999 / 3600) * 15
        let dec = -(10 + 59.0 / 60 + 59.99 / 3600)
        #expect(cname(ra, dec) == "12595999-1059599")
    }

    @Test func exactDecimalValuesDoNotTruncateOneStepLow() {
        // 0h00m01.00s and +00°00'01.0" are not exactly representable in binary degrees.
        #expect(cname(15.0 / 3600, 1.0 / 3600) == "00000100+0000010")
        #expect(cname((20 + 56.0 / 60 + 27.5 / 3600) * 15, -(41 + 11.0 / 60 + 45.0 / 3600)) == "20562750-4111450")
    }

    @Test func canonicalFormsAreRecognised() {
        #expect(CoordinateName.canonicalCNAME("QMOST20562750--4111450") == "20562750-4111450")
        #expect(CoordinateName.canonicalCNAME("20562750-4111449") == "20562750-4111449")
        #expect(CoordinateName.canonicalCNAME("2056275-4111449") == nil)
        #expect(CoordinateName.canonicalCNAME("1000000000042") == nil)
        #expect(CoordinateName.canonicalIAUName("4most j12290568+0512035") == "4MOST J12290568+0512035")
        #expect(CoordinateName.canonicalIAUName("4MOST  J12290568+0512035") == "4MOST J12290568+0512035")
        #expect(CoordinateName.canonicalIAUName("J12290568+0512035") == nil)
    }
}

struct CoordinateNameKeyTests {
    @Test func numericKeysAreOneToOneWithNames() {
        #expect(CoordinateName.numericKey("20562750-4111449") == 20_562_750_14_111_449)
        #expect(CoordinateName.numericKey("20562750+4111449") == 20_562_750_04_111_449)
        #expect(CoordinateName.numericKey("4MOST J20562750-4111449") == CoordinateName.numericKey("20562750-4111449"))
        #expect(CoordinateName.numericKey("00000000-0000000") != CoordinateName.numericKey("00000000+0000000"))
        #expect(CoordinateName.numericKey("nonsense") == nil)
    }
}
