import Foundation

/// Names that encode a position in sexagesimal digits (seed §11.2): the CNAME `HHMMSSss±DDMMSSs` and the
/// IAU-registered `4MOST JHHMMSSss±DDMMSSs`.
///
/// Digits are truncated, never rounded, as IAU designations are (2MASS Explanatory Supplement §I.5): a name
/// must name the cell the object lies in, so RA 23h59m59.999s stays `23595999` rather than rolling over to
/// 24h, and the sign is always written, including `-00` just south of the equator.
public enum CoordinateName {
    /// The IAU-registered prefix of 4MOST object names.
    public static let iauPrefix = "4MOST J"

    /// `HHMMSSss±DDMMSSs` for an ICRS position (RA hours/minutes/seconds to 0.01 s, Dec to 0.1″).
    public static func cname(_ position: SkyPosition) -> String {
        digits(position)
    }

    /// `4MOST JHHMMSSss±DDMMSSs` for the position at the 2016.0 reference epoch, proper motion applied.
    public static func iauName(_ astrometry: Astrometry) -> String {
        iauPrefix + digits(astrometry.referencePosition)
    }

    /// `4MOST J…` for a position already at epoch 2016.0.
    public static func iauName(referencePosition: SkyPosition) -> String {
        iauPrefix + digits(referencePosition)
    }

    private static func digits(_ position: SkyPosition) -> String {
        var ra = position.ra.truncatingRemainder(dividingBy: 360)
        if ra < 0 { ra += 360 }
        // Whole hundredths of a second of time. The tiny allowance keeps a decimal input such as 314.1146°
        // (20h56m27.504s) from truncating one step low when its binary value falls a hair under.
        let raUnits = min(Int64((ra / 15 * 360_000).nextUp * (1 + 1e-13)), 24 * 360_000 - 1)
        let hh = raUnits / 360_000, mm = raUnits / 6_000 % 60, ss = raUnits % 6_000
        let dec = max(-90, min(90, position.dec))
        let decUnits = Int64((abs(dec) * 36_000).nextUp * (1 + 1e-13))
        let dd = decUnits / 36_000, dm = decUnits / 600 % 60, ds = decUnits % 600
        // Sixteen ASCII digits and a sign, written into one buffer: a million names are made per catalogue.
        var text = [UInt8](repeating: 0x30, count: 16)
        func put(_ value: Int64, at offset: Int, width: Int) {
            var v = value
            for k in stride(from: offset + width - 1, through: offset, by: -1) {
                text[k] = 0x30 + UInt8(v % 10)
                v /= 10
            }
        }
        put(hh, at: 0, width: 2)
        put(mm, at: 2, width: 2)
        put(ss, at: 4, width: 4)
        text[8] = dec < 0 ? 0x2D : 0x2B
        put(dd, at: 9, width: 2)
        put(dm, at: 11, width: 2)
        put(ds, at: 13, width: 3)
        return String(decoding: text, as: UTF8.self)
    }

    /// The name's digits as one integer (RA digits, then 1 for a southern sign, then Dec digits), for
    /// indexing: an integer index costs a fraction of a text one when a million names arrive at once.
    /// Accepts a canonical CNAME or IAU name; nil for anything else.
    public static func numericKey(_ name: String) -> Int64? {
        let digits = name.hasPrefix(iauPrefix) ? String(name.dropFirst(iauPrefix.count)) : name
        guard isDigitsAndSign(digits) else { return nil }
        let chars = Array(digits.utf8)
        var ra: Int64 = 0, dec: Int64 = 0
        for c in chars[0..<8] { ra = ra * 10 + Int64(c - 0x30) }
        for c in chars[9..<16] { dec = dec * 10 + Int64(c - 0x30) }
        return ra * 100_000_000 + (chars[8] == 0x2D ? 10_000_000 : 0) + dec
    }

    /// Recognises a CNAME, with or without the `QMOST` prefix and the doubled sign early QL1 files wrote
    /// (`QMOST20562750--4111450`), and returns it in canonical form; nil if `text` is not one.
    public static func canonicalCNAME(_ text: String) -> String? {
        var s = text.trimmingCharacters(in: .whitespaces)
        if s.uppercased().hasPrefix("QMOST") { s = String(s.dropFirst(5)) }
        s = s.replacingOccurrences(of: "--", with: "-").replacingOccurrences(of: "++", with: "+")
        return isDigitsAndSign(s) ? s : nil
    }

    /// Recognises an IAU name (`4MOST J…`, any spacing or case of the prefix) and returns it canonically.
    public static func canonicalIAUName(_ text: String) -> String? {
        let s = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard s.hasPrefix("4MOST") else { return nil }
        var rest = s.dropFirst(5).drop(while: { $0 == " " })
        guard rest.first == "J" else { return nil }
        rest = rest.dropFirst()
        return isDigitsAndSign(String(rest)) ? iauPrefix + rest : nil
    }

    private static func isDigitsAndSign(_ s: String) -> Bool {
        let chars = Array(s)
        guard chars.count == 16, chars[8] == "+" || chars[8] == "-" else { return false }
        return chars.enumerated().allSatisfy { $0.offset == 8 || $0.element.isASCII && $0.element.isNumber }
    }
}
