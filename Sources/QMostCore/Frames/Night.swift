import Foundation

/// An observing night, named by the calendar date (UTC) on which it began: `YYYY-MM-DD`.
///
/// "Processing is based on chunks that correspond to one night" (seed 11.1), so the night is the unit of
/// scheduling, blocking and release for everything downstream of ingest.
public struct Night: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The ISO date, e.g. `2022-01-26`.
    public let iso: String

    /// Creates a night from `YYYY-MM-DD` or `YYYYMMDD`; returns nil for anything else or an impossible date.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.replacingOccurrences(of: "-", with: "")
        guard digits.count == 8, digits.allSatisfy(\.isNumber),
              trimmed.count == 8 || (trimmed.count == 10 && trimmed.dropFirst(4).first == "-"
                                     && trimmed.dropFirst(7).first == "-")
        else { return nil }
        let y = Int(digits.prefix(4))!, m = Int(digits.dropFirst(4).prefix(2))!, d = Int(digits.suffix(2))!
        guard (1...12).contains(m), (1...Night.daysIn(month: m, year: y)).contains(d) else { return nil }
        iso = String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// The night whose UTC date is that of the given instant.
    public init(utcDateOf date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        iso = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// `YYYYMMDD`, the compact form used in 4MOST file names.
    public var compact: String { iso.replacingOccurrences(of: "-", with: "") }
    public var description: String { iso }
    public static func < (a: Night, b: Night) -> Bool { a.iso < b.iso }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let night = Night(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a night: \(text)"))
        }
        self = night
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Modified Julian Date helpers.
public enum MJD {
    /// MJD 0 is 1858-11-17T00:00:00 UTC.
    public static let epoch = Date(timeIntervalSince1970: -3_506_716_800)

    /// The instant of a Modified Julian Date.
    public static func date(_ mjd: Double) -> Date { epoch.addingTimeInterval(mjd * 86_400) }
    /// The Modified Julian Date of an instant.
    public static func mjd(_ date: Date) -> Double { date.timeIntervalSince(epoch) / 86_400 }
}

extension Night {
    /// Whole days from `other` to this night (negative when this one is earlier).
    public func days(since other: Night) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func date(_ n: Night) -> Date {
            let p = n.iso.split(separator: "-").map { Int($0)! }
            return calendar.date(from: DateComponents(year: p[0], month: p[1], day: p[2], hour: 12))!
        }
        return calendar.dateComponents([.day], from: date(other), to: date(self)).day!
    }
}
