/// Values read from one column, flattened row after row.
public struct FITSColumnValues<Element: Sendable>: Sendable {
    /// All elements, row after row.
    public var values: [Element]
    /// Elements per row.
    public var repeatCount: Int
    /// Rows in the table.
    public var rowCount: Int

    /// Creates a value set; the reader builds these.
    public init(values: [Element], repeatCount: Int, rowCount: Int) {
        self.values = values
        self.repeatCount = repeatCount
        self.rowCount = rowCount
    }

    /// The elements of one row (0-based).
    public func row(_ index: Int) -> ArraySlice<Element> {
        values[(index * repeatCount)..<((index + 1) * repeatCount)]
    }
}

extension FITSColumnValues: Equatable where Element: Equatable {}
