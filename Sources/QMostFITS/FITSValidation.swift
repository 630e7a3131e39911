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

/// How a file on disk is compressed as a whole (tile compression inside a .fits.fz is
/// not whole-file compression: such a file is `.none`).
public enum FITSFileCompression: Sendable, Equatable {
    /// A plain FITS file.
    case none
    /// gzip (.fits.gz).
    case gzip
    /// Unix compress (.fits.Z).
    case unixCompress
}

/// Everything learned about a complete FITS file.
public struct FITSValidation: Sendable {
    /// Every HDU in order.
    public var hdus: [HDUSummary]
    /// Bytes the headers say the uncompressed file needs, padding included.
    public var declaredBytes: Int64
    /// Uncompressed bytes present (equal to `declaredBytes` for a complete file).
    public var actualBytes: Int64
    /// Size of the file on disk (differs from `actualBytes` for .gz and .Z files).
    public var fileBytes: Int64
    /// Whole-file compression found from the file's first bytes, not its name.
    public var compression: FITSFileCompression
    /// Each HDU's header as stored (for a tile-compressed image: the table header, which
    /// also carries the image's keywords).
    public var headers: [FITSHeader]

    /// Creates a validation result; the validator builds these.
    public init(
        hdus: [HDUSummary], declaredBytes: Int64, actualBytes: Int64, fileBytes: Int64,
        compression: FITSFileCompression, headers: [FITSHeader]
    ) {
        self.hdus = hdus
        self.declaredBytes = declaredBytes
        self.actualBytes = actualBytes
        self.fileBytes = fileBytes
        self.compression = compression
        self.headers = headers
    }
}

/// The verdict on a file that may still be being written.
public enum FITSInspection: Sendable {
    /// A structurally complete FITS file whose checksums (if any, and if verified) match.
    case complete(FITSValidation)
    /// A FITS file that is not all there yet (or cannot be read right now); `missingBytes`
    /// is how many more bytes the headers read so far need, when that is known. For a
    /// header cut short it is a lower bound: the rest of the header block plus the data
    /// the cards present declare.
    case incomplete(reason: String, missingBytes: Int64?)
    /// Not FITS, or FITS that is damaged: more bytes will not fix it.
    case invalid(reason: String)

    /// The validation when complete.
    public var validation: FITSValidation? {
        if case .complete(let validation) = self { return validation }
        return nil
    }

    /// The reason when incomplete or invalid.
    public var reason: String? {
        switch self {
        case .complete: nil
        case .incomplete(let reason, _), .invalid(let reason): reason
        }
    }
}
