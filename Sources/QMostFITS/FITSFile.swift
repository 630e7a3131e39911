import Foundation

/// An open FITS file: a cfitsio handle owned by this object and closed in `deinit` (call
/// ``close()`` to see flush errors when writing).
///
/// HDU indices are 0-based (0 is the primary HDU); the cfitsio-style messages of
/// ``FITSValidator`` count from 1. Methods that take `hdu: Int?` move to that HDU first and
/// work on the current HDU when it is nil.
///
/// Not Sendable: cfitsio keeps a current-HDU cursor and buffers per handle. Use one
/// instance per task; separate instances may work in parallel, even on the same path
/// (Debian builds cfitsio reentrant, and disk-file opens never share cfitsio's file
/// object). cfitsio's error-message stack is shared by the whole process, so under heavy
/// parallel failure an error's `message` may carry a line from another thread's failure;
/// `status`, `call` and `path` are always exact.
public final class FITSFile {
    /// The path the file was opened or created with.
    public let path: String
    let handle: FITSHandle

    init(handle: FITSHandle, path: String) {
        self.handle = handle
        self.path = path
    }

    /// Opens an existing file. The path is taken literally (no cfitsio extended syntax
    /// such as `file.fits[1]`), and `.fits.gz` / `.fits.Z` files are decompressed into
    /// memory by cfitsio (read-only). Tile-compressed images (`.fits.fz`) read like
    /// ordinary images.
    public static func open(_ path: String, writable: Bool = false) throws(FITSError) -> FITSFile {
        FITSFile(handle: try FITSHandle.openDisk(path, writable: writable), path: path)
    }

    /// Creates a new, empty file; with `overwrite` an existing file is replaced, otherwise
    /// its presence is an error (status 105).
    public static func create(_ path: String, overwrite: Bool = false) throws(FITSError) -> FITSFile {
        if overwrite, FileManager.default.fileExists(atPath: path) {
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw FITSError(
                    status: 105, message: "cannot remove the existing file: \(error.localizedDescription)",
                    path: path, call: "create")
            }
        }
        return FITSFile(handle: try FITSHandle.createDisk(path), path: path)
    }

    /// Whether ``close()`` has not been called yet.
    public var isOpen: Bool { handle.isOpen }

    /// Flushes and closes the file. Later calls on this object fail with status 114;
    /// closing twice is harmless.
    public func close() throws(FITSError) {
        try handle.close()
    }

    /// The number of HDUs (cfitsio reads every header to count them).
    public var hduCount: Int {
        get throws(FITSError) { try handle.hduCount() }
    }

    /// The 0-based index of the current HDU.
    public var currentHDU: Int {
        get throws(FITSError) { try handle.currentHDUNumber() - 1 }
    }

    /// Makes a 0-based HDU current and returns its type.
    @discardableResult
    public func moveTo(hdu: Int) throws(FITSError) -> FITSHDUType {
        try handle.moveAbsolute(hdu + 1)
        return FITSHDUType(code: try handle.hduType())
    }

    /// Makes the HDU with this EXTNAME (or HDUNAME) current, matching case-insensitively;
    /// `version` 0 accepts any EXTVER. Returns the HDU's 0-based index.
    @discardableResult
    public func moveTo(extname: String, version: Int = 0) throws(FITSError) -> Int {
        try handle.moveNamed(extname, version: version)
        return try currentHDU
    }

    /// The type of an HDU (the current one when `hdu` is nil).
    public func hduType(hdu: Int? = nil) throws(FITSError) -> FITSHDUType {
        try select(hdu)
        return FITSHDUType(code: try handle.hduType())
    }

    /// Moves to `hdu` unless it is nil.
    func select(_ hdu: Int?) throws(FITSError) {
        if let hdu { try moveTo(hdu: hdu) }
    }

    /// Fails with status 112 on a read-only file. cfitsio buffers writes and would only
    /// report this when the file is flushed or closed, far from the call that caused it.
    func requireWritable(_ call: String) throws(FITSError) {
        guard try handle.isWritable() else {
            throw usageError(FITSCode.readOnlyFile, call, "the file is open read-only")
        }
    }

    /// An error raised by the wrapper's own argument checks.
    func usageError(_ status: Int32, _ call: String, _ message: String) -> FITSError {
        FITSCalls.wrapperError(status: status, call: call, path: path, message)
    }
}

@available(*, unavailable)
extension FITSFile: Sendable {}

/// Opens `path`, runs `body`, and closes the file even when `body` throws. A close error is
/// thrown only when `body` succeeded.
public func withFITSFile<R>(_ path: String, writable: Bool = false, _ body: (FITSFile) throws -> R) throws -> R {
    try withClosing(try FITSFile.open(path, writable: writable), body)
}

/// Creates `path`, runs `body` to fill it, and closes (flushes) it; a flush failure is
/// thrown, so a nil error means the file is on disk.
public func withNewFITSFile<R>(_ path: String, overwrite: Bool = false, _ body: (FITSFile) throws -> R) throws -> R {
    try withClosing(try FITSFile.create(path, overwrite: overwrite), body)
}

private func withClosing<R>(_ file: FITSFile, _ body: (FITSFile) throws -> R) throws -> R {
    let result: R
    do {
        result = try body(file)
    } catch {
        try? file.close()
        throw error
    }
    try file.close()
    return result
}
