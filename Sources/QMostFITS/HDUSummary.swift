/// The layout of one HDU as its header declares it, with byte offsets in the
/// (uncompressed) file.
public struct HDUSummary: Sendable, Equatable {
    /// 0-based position, as in ``FITSFile/header(hdu:)``.
    public var index: Int
    /// The XTENSION value (`IMAGE`, `BINTABLE`, `TABLE`, ...), or `SIMPLE` for the
    /// primary HDU.
    public var xtension: String
    /// EXTNAME, trimmed, if present.
    public var extname: String?
    /// BITPIX.
    public var bitpix: Int
    /// NAXIS1, NAXIS2, ... (empty when NAXIS = 0).
    public var naxis: [Int64]
    /// Offset of the first header byte.
    public var headerStart: Int64
    /// Offset of the first data byte (the header's end, padded to 2880).
    public var dataStart: Int64
    /// Offset just past the data, including its padding to 2880.
    public var dataEnd: Int64
    /// Data bytes the header declares, without padding.
    public var dataBytes: Int64
    /// State of the CHECKSUM keyword (covers the whole HDU).
    public var checksum: FITSChecksumState
    /// State of the DATASUM keyword (covers the data unit).
    public var datasum: FITSChecksumState

    /// The 1-based number used in messages ("HDU 1" is the primary HDU, as in cfitsio).
    public var number: Int { index + 1 }

    /// EXTNAME, else `PRIMARY` for the first HDU, else the XTENSION type.
    public var name: String { extname ?? (index == 0 ? "PRIMARY" : xtension) }

    /// Creates a summary; the validator builds these.
    public init(
        index: Int, xtension: String, extname: String?, bitpix: Int, naxis: [Int64], headerStart: Int64,
        dataStart: Int64, dataEnd: Int64, dataBytes: Int64, checksum: FITSChecksumState, datasum: FITSChecksumState
    ) {
        self.index = index
        self.xtension = xtension
        self.extname = extname
        self.bitpix = bitpix
        self.naxis = naxis
        self.headerStart = headerStart
        self.dataStart = dataStart
        self.dataEnd = dataEnd
        self.dataBytes = dataBytes
        self.checksum = checksum
        self.datasum = datasum
    }
}
