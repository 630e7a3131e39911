/// One binary-table column to write, or one read back with ``FITSFile/readColumn(_:hdu:)``.
///
/// Cells hold `repeatCount` elements each, stored flat row after row: a single-row
/// spectrum with 23201 wavelengths is `.double(wave)` with `repeatCount: 23201`.
public struct FITSColumn: Sendable, Equatable {
    /// The column's elements, flattened row after row.
    public enum Data: Sendable, Equatable {
        /// TFORM `D`.
        case double([Double])
        /// TFORM `E`.
        case float([Float])
        /// TFORM `K`.
        case int64([Int64])
        /// TFORM `J`.
        case int32([Int32])
        /// TFORM `I`.
        case int16([Int16])
        /// TFORM `B`.
        case uint8([UInt8])
        /// TFORM `A`: ASCII text, `repeatCount` strings per row, as wide as the longest
        /// string. Trailing blanks do not survive a round trip (FITS pads with them).
        case string([String])
        /// TFORM `L`.
        case bool([Bool])

        /// The number of elements over all rows.
        public var count: Int {
            switch self {
            case .double(let v): v.count
            case .float(let v): v.count
            case .int64(let v): v.count
            case .int32(let v): v.count
            case .int16(let v): v.count
            case .uint8(let v): v.count
            case .string(let v): v.count
            case .bool(let v): v.count
            }
        }
    }

    /// TTYPEn.
    public var name: String
    /// TUNITn, or nil for none.
    public var unit: String?
    /// The elements, row after row.
    public var data: Data
    /// Elements per row; 1 for scalar columns.
    public var repeatCount: Int

    /// Creates a column; `data.count` must be a multiple of `repeatCount`.
    public init(name: String, unit: String? = nil, data: Data, repeatCount: Int = 1) {
        self.name = name
        self.unit = unit
        self.data = data
        self.repeatCount = repeatCount
    }

    /// Rows the data fills (0 when the cells are empty).
    public var rowCount: Int { repeatCount > 0 ? data.count / repeatCount : 0 }
}

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

    /// Creates a description; ``FITSFile/columnDescriptions(hdu:)`` builds these.
    public init(name: String, unit: String?, format: String, repeatCount: Int) {
        self.name = name
        self.unit = unit
        self.format = format
        self.repeatCount = repeatCount
    }
}

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
