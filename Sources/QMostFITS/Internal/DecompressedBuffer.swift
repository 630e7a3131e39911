import CFITSIO

/// A whole .gz or .Z file decompressed into memory by cfitsio's own decoders.
///
/// The buffer address and size live in heap boxes because ffomem keeps pointers to them
/// for the lifetime of the fitsfile it opens.
final class DecompressedBuffer {
    let baseBox: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let sizeBox: UnsafeMutablePointer<Int>

    /// Decompresses `path`; `lzw` selects Unix compress (.Z) instead of gzip.
    /// `estimatedSize` sizes the first allocation (cfitsio grows it in small steps).
    init(path: String, lzw: Bool, estimatedSize: Int) throws(FITSError) {
        var buffer: UnsafeMutablePointer<CChar>?
        var size = 0
        var status: Int32 = 0
        qmost_fits_uncompress_file(path, lzw ? 1 : 0, max(estimatedSize, 0), &buffer, &size, &status)
        guard status <= 0, let buffer else {
            throw FITSCalls.error(
                status: status > 0 ? status : FITSCode.decompressionError,
                call: lzw ? "zuncompress2mem" : "uncompress2mem", path: path)
        }
        baseBox = .allocate(capacity: 1)
        baseBox.initialize(to: UnsafeMutableRawPointer(buffer))
        sizeBox = .allocate(capacity: 1)
        sizeBox.initialize(to: size)
    }

    deinit {
        qmost_fits_free_buffer(baseBox.pointee)
        baseBox.deallocate()
        sizeBox.deallocate()
    }

    /// The decompressed bytes (valid while the buffer lives; ffomem opens it read-only).
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: baseBox.pointee, count: sizeBox.pointee)
    }
}
