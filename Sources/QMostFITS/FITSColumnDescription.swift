/// A column's layout as the table header declares it.
public struct FITSColumnDescription: Sendable, Equatable {
    /// TTYPEn.
    public var name: String
    /// TUNITn, nil when absent or blank.
    public var unit: String?
    /// TFORMn as written, e.g. `23201E`.
    public var format: String
    /// Elements per row (strings per row for character columns).
    public var repeatCount: Int
    /// TNULLn: the integer value that marks an undefined element, nil when the header declares none.
    public var null: Int64?

    /// Creates a description; ``FITSFile/columnDescriptions(hdu:)`` builds these.
    public init(name: String, unit: String?, format: String, repeatCount: Int, null: Int64? = nil) {
        self.name = name
        self.unit = unit
        self.format = format
        self.repeatCount = repeatCount
        self.null = null
    }
}
