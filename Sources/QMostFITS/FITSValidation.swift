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
