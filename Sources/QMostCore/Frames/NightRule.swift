import Foundation

/// How a frame is assigned to its night.
///
/// ESO's convention (and the default) is the UTC date of `MJD-OBS` minus 12 hours, so a whole Chilean night,
/// evening to morning, falls on the date it began. An installation may instead trust a `NIGHT` keyword.
public struct NightRule: Sendable, Equatable, Codable {
    /// Header keyword holding the night (`YYYY-MM-DD` or `YYYYMMDD`); used first when present.
    public var keyword: String?
    /// Header keyword holding the observation's MJD.
    public var mjdKeyword: String
    /// Hours subtracted from the observation time before taking its UTC date.
    public var offsetHours: Double

    public init(keyword: String? = "NIGHT", mjdKeyword: String = "MJD-OBS", offsetHours: Double = 12) {
        self.keyword = keyword
        self.mjdKeyword = mjdKeyword
        self.offsetHours = offsetHours
    }

    /// The night for a frame, or a sentence saying why none can be assigned.
    public func night(for header: HeaderFacts) -> Result<Night, NightAssignmentError> {
        if let keyword, let text = header[keyword] {
            guard let night = Night(text) else { return .failure(.badKeyword(keyword, text)) }
            return .success(night)
        }
        guard let text = header[mjdKeyword] else { return .failure(.missing(keyword: keyword, mjdKeyword: mjdKeyword)) }
        guard let mjd = Double(text), mjd.isFinite, mjd > 0 else { return .failure(.badKeyword(mjdKeyword, text)) }
        return .success(Night(utcDateOf: MJD.date(mjd).addingTimeInterval(-offsetHours * 3600)))
    }
}

/// Why a frame has no night.
public enum NightAssignmentError: Error, Equatable, CustomStringConvertible {
    case missing(keyword: String?, mjdKeyword: String)
    case badKeyword(String, String)

    public var description: String {
        switch self {
        case .missing(let keyword, let mjd):
            return "no \(keyword.map { "\($0) or " } ?? "")\(mjd) keyword in the header, so no night can be assigned"
        case .badKeyword(let key, let value):
            return "keyword \(key) = '\(value)' is not a valid night or date"
        }
    }
}
