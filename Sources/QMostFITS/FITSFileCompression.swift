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
