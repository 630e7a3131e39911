/// One header record: a keyword with an optional value and comment.
///
/// `keyword` keeps the spelling of the file: ESO hierarchical keywords include their
/// `HIERARCH ` prefix (`"HIERARCH ESO DPR CATG"`); ``FITSHeader`` lookups accept either
/// form. Commentary records (`COMMENT`, `HISTORY`, blank keywords) have a nil value and
/// carry their text in `comment`.
public struct FITSCard: Sendable, Equatable, Hashable {
    /// The keyword as written, e.g. `"EXPTIME"` or `"HIERARCH ESO DPR TYPE"`.
    public var keyword: String
    /// The value, or nil for commentary records.
    public var value: FITSValue?
    /// The comment after `/`, or the text of a commentary record; nil when empty.
    public var comment: String?

    /// Creates a card. Writing normalises plain keywords of up to eight characters to upper
    /// case and writes longer or spaced keywords with the HIERARCH convention.
    public init(keyword: String, value: FITSValue?, comment: String? = nil) {
        self.keyword = keyword
        self.value = value
        self.comment = comment
    }

    /// A `COMMENT` record.
    public static func comment(_ text: String) -> FITSCard {
        FITSCard(keyword: "COMMENT", value: nil, comment: text)
    }

    /// A `HISTORY` record.
    public static func history(_ text: String) -> FITSCard {
        FITSCard(keyword: "HISTORY", value: nil, comment: text)
    }

    /// True for records that carry text rather than a value (`COMMENT`, `HISTORY`, blank).
    public var isCommentary: Bool { value == nil }
}
