import CFITSIO

/// Owns one cfitsio `fitsfile *` and is the only type that passes it to C.
///
/// Not Sendable: a cfitsio handle carries a current-HDU cursor and I/O buffers that must
/// not be touched from two threads at once.
final class FITSHandle {
    private(set) var pointer: UnsafeMutablePointer<fitsfile>?
    /// The file name used in errors; nil for data without a path.
    let path: String?
    // Memory that an ffomem handle reads from; it must outlive the handle.
    private let backing: AnyObject?

    private init(pointer: UnsafeMutablePointer<fitsfile>, path: String?, backing: AnyObject?) {
        self.pointer = pointer
        self.path = path
        self.backing = backing
    }

    deinit {
        guard let pointer else { return }
        var status: Int32 = 0
        ffclos(pointer, &status)
        // Nobody can receive a close error from deinit; at least keep the global stack clean.
        if status > 0 { _ = FITSCalls.drainMessages() }
    }

    /// Opens a file by literal path. The disk-file variant is used so that names containing
    /// `[`, `(` or `:` (ESO file names do) are never taken as cfitsio's extended syntax;
    /// .gz and .Z files are still recognised by content and decompressed into memory.
    static func openDisk(_ path: String, writable: Bool) throws(FITSError) -> FITSHandle {
        var fptr: UnsafeMutablePointer<fitsfile>?
        var status: Int32 = 0
        qmost_fits_open_diskfile(&fptr, path, writable ? READWRITE : READONLY, &status)
        guard status <= 0, let fptr else {
            throw FITSCalls.error(status: status > 0 ? status : FITSCode.fileNotOpened, call: "ffdkopn", path: path)
        }
        return FITSHandle(pointer: fptr, path: path, backing: nil)
    }

    /// Creates a new, empty file by literal path; fails if it exists.
    static func createDisk(_ path: String) throws(FITSError) -> FITSHandle {
        var fptr: UnsafeMutablePointer<fitsfile>?
        var status: Int32 = 0
        qmost_fits_create_diskfile(&fptr, path, &status)
        guard status <= 0, let fptr else {
            throw FITSCalls.error(status: status > 0 ? status : FITSCode.fileNotOpened, call: "ffdkinit", path: path)
        }
        return FITSHandle(pointer: fptr, path: path, backing: nil)
    }

    /// Opens FITS bytes held in memory, read-only; `path` only names them in errors.
    static func openMemory(_ buffer: DecompressedBuffer, path: String?) throws(FITSError) -> FITSHandle {
        var fptr: UnsafeMutablePointer<fitsfile>?
        var status: Int32 = 0
        // A neutral name: ffomem parses it for extended syntax, which a real path could trip.
        ffomem(&fptr, "memory", READONLY, buffer.baseBox, buffer.sizeBox, 0, nil, &status)
        guard status <= 0, let fptr else {
            throw FITSCalls.error(status: status > 0 ? status : FITSCode.fileNotOpened, call: "ffomem", path: path)
        }
        return FITSHandle(pointer: fptr, path: path, backing: buffer)
    }

    var isOpen: Bool { pointer != nil }

    /// Runs one cfitsio call with a fresh status and turns a failure into a FITSError.
    /// Statuses in `tolerated` count as success (their messages are discarded).
    func call<R>(
        _ name: String, detail: String? = nil, tolerating tolerated: Set<Int32> = [],
        _ body: (UnsafeMutablePointer<fitsfile>, inout Int32) -> R
    ) throws(FITSError) -> R {
        guard let pointer else {
            throw FITSCalls.wrapperError(status: FITSCode.badFilePointer, call: name, path: path, "the file is already closed")
        }
        var status: Int32 = 0
        let result = body(pointer, &status)
        if status != 0, tolerated.contains(status) {
            _ = FITSCalls.drainMessages()
            return result
        }
        if status > 0 { throw FITSCalls.error(status: status, call: name, path: path, detail: detail) }
        return result
    }

    /// Flushes and closes; the handle is unusable afterwards even when closing fails.
    func close() throws(FITSError) {
        guard let pointer else { return }
        // cfitsio reports an error when closing a new file nothing was written to (it
        // tries to finish a header that does not exist). Nothing is lost then, so that
        // close succeeds and leaves the empty file.
        let isEmpty = (try? hduCount()) == 0
        self.pointer = nil
        var status: Int32 = 0
        ffclos(pointer, &status)
        if status > 0 {
            if isEmpty {
                _ = FITSCalls.drainMessages()
                return
            }
            throw FITSCalls.error(status: status, call: "ffclos", path: path)
        }
    }

    /// Whether the file was opened (or created) for writing.
    func isWritable() throws(FITSError) -> Bool {
        var mode: Int32 = 0
        try call("ffflmd") { f, status in _ = ffflmd(f, &mode, &status) }
        return mode == READWRITE
    }

    // MARK: HDUs

    func hduCount() throws(FITSError) -> Int {
        var count: Int32 = 0
        try call("ffthdu") { f, status in _ = ffthdu(f, &count, &status) }
        return Int(count)
    }

    /// The current HDU, 1-based as in cfitsio.
    func currentHDUNumber() throws(FITSError) -> Int {
        var number: Int32 = 0
        try call("ffghdn") { f, _ in _ = ffghdn(f, &number) }
        return Int(number)
    }

    /// Moves to a 1-based HDU and returns its cfitsio type.
    @discardableResult
    func moveAbsolute(_ number: Int) throws(FITSError) -> Int32 {
        guard number >= 1, number <= Int(Int32.max) else {
            throw FITSCalls.wrapperError(status: FITSCode.badHDUNumber, call: "ffmahd", path: path, "HDU index \(number - 1) is out of range")
        }
        var type: Int32 = 0
        try call("ffmahd") { f, status in _ = ffmahd(f, Int32(number), &type, &status) }
        return type
    }

    /// Moves to the HDU with this EXTNAME (or HDUNAME); version 0 matches any EXTVER.
    func moveNamed(_ extname: String, version: Int) throws(FITSError) {
        var name = Array(extname.utf8CString)
        try call("ffmnhd") { f, status in _ = ffmnhd(f, Int32(ANY_HDU), &name, Int32(version), &status) }
    }

    func hduType() throws(FITSError) -> Int32 {
        var type: Int32 = 0
        try call("ffghdt") { f, status in _ = ffghdt(f, &type, &status) }
        return type
    }

    /// Byte offsets of the current HDU's header start, data start and data end (the end
    /// includes the padding to 2880 bytes).
    func hduAddresses() throws(FITSError) -> (header: Int64, data: Int64, end: Int64) {
        var header: LONGLONG = 0, data: LONGLONG = 0, end: LONGLONG = 0
        try call("ffghadll") { f, status in _ = ffghadll(f, &header, &data, &end, &status) }
        return (Int64(header), Int64(data), Int64(end))
    }

    /// The current header's records, 80 bytes each. A tile-compressed image is shown as
    /// the image it holds, which is what readers want; the stored table header is what the
    /// validator reports.
    func headerRecords() throws(FITSError) -> [UInt8] {
        var text: UnsafeMutablePointer<CChar>?
        var keys: Int32 = 0
        try call("ffcnvthdr2str") { f, status in _ = ffcnvthdr2str(f, 0, nil, 0, &text, &keys, &status) }
        guard let text else { return [] }
        defer {
            var status: Int32 = 0
            fffree(text, &status)
        }
        var length = 0
        while text[length] != 0 { length += 1 }
        return [UInt8](UnsafeRawBufferPointer(start: text, count: length))
    }

    // MARK: Checksums

    /// Writes CHECKSUM and DATASUM into the current HDU.
    func writeChecksum() throws(FITSError) {
        try call("ffpcks") { f, status in _ = ffpcks(f, &status) }
    }

    /// Verifies the current HDU: each result is 1 (correct), 0 (keyword absent) or -1 (wrong).
    func verifyChecksum() throws(FITSError) -> (data: Int32, hdu: Int32) {
        var data: Int32 = 0, hdu: Int32 = 0
        try call("ffvcks") { f, status in _ = ffvcks(f, &data, &hdu, &status) }
        return (data, hdu)
    }

    func flush() throws(FITSError) {
        try call("ffflus") { f, status in _ = ffflus(f, &status) }
    }
}
