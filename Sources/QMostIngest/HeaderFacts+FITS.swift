import Foundation
import QMostCore
import QMostFITS

extension HeaderFacts {
    /// Keywords of all HDUs as text; the primary header wins, extensions fill in what it lacks (4MOST-style
    /// raw frames may keep detector keywords in the image extension).
    ///
    /// A keyword with an empty value field (`NIGHT    =`, FITS's undefined value) carries no value and counts as
    /// absent, as in ``FITSHeader/string(_:)``: otherwise it would read as an empty string, so an undefined
    /// `NIGHT` would quarantine the frame instead of letting `MJD-OBS` decide, and would hide an extension's value.
    init(headers: [FITSHeader]) {
        self.init()
        for header in headers {
            for card in header.cards {
                guard let value = card.value, value != .undefined else { continue }
                add(card.keyword, value.text)
            }
        }
    }
}

extension FITSValue {
    /// The value as a plain string: strings unquoted, logicals `T`/`F`, numbers in their shortest form.
    var text: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : String(d)
        case .bool(let b): return b ? "T" : "F"
        default: return "\(self)"
        }
    }
}
