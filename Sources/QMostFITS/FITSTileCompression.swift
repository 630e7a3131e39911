/// Tile-compression algorithms for ``FITSFile/appendImage(_:shape:cards:compression:)``,
/// producing the HDUs fpack writes into .fits.fz files.
public enum FITSTileCompression: Sendable, Equatable {
    /// RICE_1, the fpack default; best for integer images.
    case rice
    /// GZIP_1.
    case gzip
    /// GZIP_2 (bytes shuffled before gzip; often better for floating point).
    case gzipShuffled
    /// HCOMPRESS_1; needs a 2-D image at least 4 pixels on a side.
    case hcompress
    /// PLIO_1; only for integer images with values in 0...2^24.
    case plio

    var code: Int32 {
        switch self {
        case .rice: FITSCode.rice
        case .gzip: FITSCode.gzip1
        case .gzipShuffled: FITSCode.gzip2
        case .hcompress: FITSCode.hcompress
        case .plio: FITSCode.plio
        }
    }
}
