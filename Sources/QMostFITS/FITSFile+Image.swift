extension FITSFile {
    /// Appends an image HDU; the first HDU written to a file becomes the primary one.
    ///
    /// `shape` lists NAXIS1 (the fastest-varying axis) first, so a 1030 x 1030 frame is
    /// `[1030, 1030]` and `pixels[y * 1030 + x]` is pixel (x, y). `UInt16` pixels are stored
    /// as BITPIX 16 with BZERO 32768, `UInt32` and `Int8` likewise with their offsets.
    /// Structural keywords in `cards` (BITPIX, NAXISn, BZERO, BSCALE, ...) are skipped.
    /// With `compression` the image is written tile-compressed (one tile per row), which
    /// is what a `.fits.fz` file holds; cfitsio then writes an empty primary HDU first if
    /// the file is empty. Floating-point pixels are compressed losslessly.
    public func appendImage<T: FITSPixel>(
        _ pixels: [T], shape: [Int], cards: [FITSCard] = [], compression: FITSTileCompression? = nil
    ) throws(FITSError) {
        try requireWritable("appendImage")
        let count = try Self.pixelCount(shape, path: path)
        guard count == pixels.count else {
            throw usageError(
                FITSCode.badDimension, "appendImage",
                "shape \(shape) holds \(count) pixels but \(pixels.count) were given")
        }
        if let compression {
            guard !shape.isEmpty else {
                throw usageError(FITSCode.badDimension, "appendImage", "an image without axes cannot be tile-compressed")
            }
            try handle.requestTileCompression(compression.code)
        }
        do throws(FITSError) {
            try handle.createImage(bitpix: T.fitsType.bitpix, shape: shape.map { Int64($0) })
            try handle.writeCards(cards)
            try pixels.withBytes { buffer throws(FITSError) in
                try handle.writePixels(datatype: T.fitsType.datatype, from: buffer, count: pixels.count)
            }
        } catch {
            if compression != nil { try? handle.clearTileCompression() }
            throw error
        }
        if compression != nil { try handle.clearTileCompression() }
    }

    /// Writes a primary HDU without data (NAXIS = 0), as files whose content lives in
    /// extensions start with. The file must still be empty.
    public func appendEmptyPrimary(cards: [FITSCard] = []) throws(FITSError) {
        try requireWritable("appendEmptyPrimary")
        let existing = try hduCount
        guard existing == 0 else {
            throw usageError(
                FITSCode.badHDUNumber, "appendEmptyPrimary",
                "the file already has \(existing) HDU(s); a primary HDU can only be the first")
        }
        try handle.createImage(bitpix: FITSCode.byteImage, shape: [])
        try handle.writeCards(cards)
    }

    /// NAXIS1, NAXIS2, ... of an image HDU (empty for NAXIS = 0).
    public func imageShape(hdu: Int? = nil) throws(FITSError) -> [Int] {
        try requireImage(hdu, "imageShape")
        return try handle.imageShape().map { Int($0) }
    }

    /// Reads a whole image converted to `T`, with `shape` as NAXIS1, NAXIS2, ...
    ///
    /// Reading as `Float` or `Double` converts from any BITPIX and applies BSCALE/BZERO;
    /// tile-compressed images are decompressed. Integer reads fail with status 412 if a
    /// value does not fit `T`.
    public func readImage<T: FITSPixel>(hdu: Int? = nil, as type: T.Type) throws(FITSError) -> (pixels: [T], shape: [Int]) {
        try requireImage(hdu, "readImage")
        let shape = try handle.imageShape().map { Int($0) }
        let count = shape.isEmpty ? 0 : try Self.pixelCount(shape, path: path)
        guard count > 0 else { return ([], shape) }
        var failure: FITSError?
        let pixels = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(FITSError) {
                try handle.readPixels(datatype: T.fitsType.datatype, into: UnsafeMutableRawPointer(buffer.baseAddress!), count: count)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return (pixels, shape)
    }

    /// Rows `rows` (0-based, along NAXIS2) of a 2-D image, row-major: a band of a large image without reading
    /// the rest.
    public func readImageRows<T: FITSPixel>(hdu: Int? = nil, rows: Range<Int>, as type: T.Type) throws(FITSError) -> [T] {
        try requireImage(hdu, "readImageRows")
        let shape = try handle.imageShape().map { Int($0) }
        guard shape.count == 2, rows.lowerBound >= 0, rows.upperBound <= shape[1] else {
            throw usageError(FITSCode.badDimension, "readImageRows", "rows \(rows) of an image of shape \(shape)")
        }
        let count = rows.count * shape[0]
        guard count > 0 else { return [] }
        var failure: FITSError?
        let pixels = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(FITSError) {
                try handle.readPixels(datatype: T.fitsType.datatype, into: UnsafeMutableRawPointer(buffer.baseAddress!), count: count,
                                      firstElement: rows.lowerBound * shape[0] + 1)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return pixels
    }

    private func requireImage(_ hdu: Int?, _ call: String) throws(FITSError) {
        guard try hduType(hdu: hdu) == .image else {
            throw usageError(FITSCode.notImage, call, "the HDU at index \(try currentHDU) is a table, not an image")
        }
    }

    /// The product of the axis lengths, rejecting negative lengths and overflow.
    static func pixelCount(_ shape: [Int], path: String) throws(FITSError) -> Int {
        guard shape.count <= 999 else {
            throw FITSCalls.wrapperError(status: FITSCode.badDimension, call: "appendImage", path: path, "FITS allows at most 999 axes")
        }
        var count = shape.isEmpty ? 0 : 1
        for axis in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: axis)
            guard axis >= 0, !overflow else {
                throw FITSCalls.wrapperError(
                    status: FITSCode.badDimension, call: "appendImage", path: path, "shape \(shape) is not a valid image size")
            }
            count = product
        }
        return count
    }
}
