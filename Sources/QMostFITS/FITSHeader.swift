/// All cards of one HDU, in file order, with case-insensitive keyword lookup.
///
/// Lookups ignore case and runs of blanks and accept hierarchical keywords with or without
/// their `HIERARCH` prefix: `"ESO DPR CATG"`, `"HIERARCH ESO DPR CATG"` and
/// `"eso  dpr catg"` find the same card. When a keyword repeats, the first card wins, as in
/// cfitsio.
public struct FITSHeader: Sendable, Equatable {
    /// The cards in file order (long strings already joined from their `CONTINUE` records).
    public var cards: [FITSCard] {
        didSet { index = Self.buildIndex(cards) }
    }

    // The index maps a normalised keyword to the first valued card; it is rebuilt on every
    // change of `cards` so lookups stay O(1) for the 200+ card ESO headers the daemon reads.
    private var index: [String: Int]

    /// Creates a header from cards in file order.
    public init(cards: [FITSCard] = []) {
        self.cards = cards
        self.index = Self.buildIndex(cards)
    }

    /// Two headers are equal when their cards are.
    public static func == (lhs: FITSHeader, rhs: FITSHeader) -> Bool {
        lhs.cards == rhs.cards
    }

    /// The value of the first card with this keyword, or nil when there is none.
    public subscript(_ key: String) -> FITSValue? {
        card(key)?.value
    }

    /// The first valued card with this keyword.
    public func card(_ key: String) -> FITSCard? {
        index[Self.lookupKey(key)].map { cards[$0] }
    }

    /// Whether a valued card with this keyword exists.
    public func contains(_ key: String) -> Bool {
        index[Self.lookupKey(key)] != nil
    }

    /// The value as text with surrounding blanks trimmed. Numbers and logicals are rendered
    /// as text too (`T`/`F` for logicals); complex and undefined values give nil.
    public func string(_ key: String) -> String? {
        switch self[key] {
        case .string(let s): s.trimmingFITSBlanks()
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "T" : "F"
        case .complex, .undefined, nil: nil
        }
    }

    /// The value as a Double; integers convert and numeric strings (also with a `D`
    /// exponent, as some archives write) are parsed.
    public func double(_ key: String) -> Double? {
        switch self[key] {
        case .double(let d): d
        case .int(let i): Double(i)
        case .string(let s): Self.parseDouble(s)
        case .bool, .complex, .undefined, nil: nil
        }
    }

    /// The value as an Int64; floating-point values and numeric strings convert only when
    /// they hold an exact integer.
    public func int(_ key: String) -> Int64? {
        switch self[key] {
        case .int(let i): i
        case .double(let d): Self.exactInteger(d)
        case .string(let s):
            Int64(s.trimmingFITSBlanks()) ?? Self.parseDouble(s).flatMap(Self.exactInteger)
        case .bool, .complex, .undefined, nil: nil
        }
    }

    /// The value as a Bool; besides logicals, the strings `T`/`F` (any case) are accepted.
    public func bool(_ key: String) -> Bool? {
        switch self[key] {
        case .bool(let b): b
        case .string(let s):
            switch s.trimmingFITSBlanks().uppercased() {
            case "T", "TRUE": true
            case "F", "FALSE": false
            default: nil
            }
        default: nil
        }
    }

    /// The normalised form used for lookups: upper case, single blanks, no `HIERARCH`.
    static func lookupKey(_ keyword: String) -> String {
        var words = keyword.uppercased().split(separator: " ", omittingEmptySubsequences: true)[...]
        if words.first == "HIERARCH" { words = words.dropFirst() }
        return words.joined(separator: " ")
    }

    private static func buildIndex(_ cards: [FITSCard]) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(cards.count)
        for (position, card) in cards.enumerated() where card.value != nil {
            let key = lookupKey(card.keyword)
            if index[key] == nil { index[key] = position }
        }
        return index
    }

    private static func parseDouble(_ text: String) -> Double? {
        let trimmed = text.trimmingFITSBlanks()
        if let d = Double(trimmed) { return d }
        // Fortran-style exponents ("1.5D+03") are legal in FITS but not in Swift's parser.
        return Double(String(trimmed.map { $0 == "D" || $0 == "d" ? "E" : $0 }))
    }

    private static func exactInteger(_ d: Double) -> Int64? {
        guard d.rounded() == d, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else { return nil }
        return Int64(d)
    }
}

extension StringProtocol {
    /// The text without leading and trailing blanks (FITS pads values with spaces).
    func trimmingFITSBlanks() -> String {
        var s = self[...]
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
