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
    /// TNULLn: the stored value that marks an undefined element, for integer columns (`K`, `J`, `I`, `B`) only; nil
    /// for none. It must fit the column's type. Elements equal to it are written and read back as they are (the
    /// readers do not substitute anything); the keyword only tells other readers which value means "no data".
    public var null: Int64?

    /// Creates a column; `data.count` must be a multiple of `repeatCount`, and `null` (TNULLn) is only allowed for
    /// integer data and must fit its type.
    public init(name: String, unit: String? = nil, data: Data, repeatCount: Int = 1, null: Int64? = nil) {
        self.name = name
        self.unit = unit
        self.data = data
        self.repeatCount = repeatCount
        self.null = null
    }

    /// Rows the data fills (0 when the cells are empty).
    public var rowCount: Int { repeatCount > 0 ? data.count / repeatCount : 0 }
}
