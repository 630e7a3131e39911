import CFITSIO

extension FITSHandle {
    /// Appends an image HDU (the primary one when the file is empty).
    func createImage(bitpix: Int32, shape: [Int64]) throws(FITSError) {
        var axes = shape.map { LONGLONG($0) }
        try call("ffcrimll") { f, status in
            axes.withUnsafeMutableBufferPointer { _ = ffcrimll(f, bitpix, Int32($0.count), $0.baseAddress, &status) }
        }
    }

    /// Writes `count` pixels of cfitsio type `datatype` from the start of the current image.
    func writePixels(datatype: Int32, from buffer: UnsafeRawBufferPointer, count: Int) throws(FITSError) {
        guard count > 0, let base = buffer.baseAddress else { return }
        try call("ffppr") { f, status in
            _ = ffppr(f, datatype, 1, LONGLONG(count), UnsafeMutableRawPointer(mutating: base), &status)
        }
    }

    /// NAXIS1, NAXIS2, ... of the current image (of the image inside a tile-compressed HDU).
    func imageShape() throws(FITSError) -> [Int64] {
        var naxis: Int32 = 0
        try call("ffgidm") { f, status in _ = ffgidm(f, &naxis, &status) }
        guard naxis > 0 else { return [] }
        var axes = [LONGLONG](repeating: 0, count: Int(naxis))
        try call("ffgiszll") { f, status in _ = ffgiszll(f, naxis, &axes, &status) }
        return axes.map { Int64($0) }
    }

    /// Reads `count` pixels converted to `datatype`; cfitsio applies BSCALE/BZERO.
    func readPixels(datatype: Int32, into buffer: UnsafeMutableRawPointer, count: Int, firstElement: Int = 1) throws(FITSError) {
        guard count > 0 else { return }
        var anyNull: Int32 = 0
        try call("ffgpv") { f, status in
            _ = ffgpv(f, datatype, LONGLONG(firstElement), LONGLONG(count), nil, buffer, &anyNull, &status)
        }
    }

    /// Makes the next created image tile-compressed with `algorithm`; floating-point pixels
    /// are stored without quantisation so that compression is lossless.
    func requestTileCompression(_ algorithm: Int32) throws(FITSError) {
        try call("fits_set_compression_type") { f, status in _ = fits_set_compression_type(f, algorithm, &status) }
        try call("fits_set_quantize_level") { f, status in _ = fits_set_quantize_level(f, 0, &status) }
    }

    /// Stops compressing images created from now on.
    func clearTileCompression() throws(FITSError) {
        try call("fits_set_compression_type") { f, status in _ = fits_set_compression_type(f, 0, &status) }
    }
}
