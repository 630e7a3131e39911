import CFITSIO

/// Status checking and message draining shared by every call into cfitsio.
enum FITSCalls {
    /// Empties cfitsio's process-global error-message stack and returns its lines, oldest
    /// first. Called right after a failing call so the messages land in that call's error
    /// and never leak into the next one.
    static func drainMessages() -> [String] {
        var lines: [String] = []
        var buffer = [CChar](repeating: 0, count: Int(FLEN_ERRMSG) + 1)
        while ffgmsg(&buffer) != 0 {
            let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !line.isEmpty { lines.append(line) }
        }
        return lines
    }

    /// cfitsio's short text for a status code, e.g. "could not open the named file".
    static func statusText(_ status: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(FLEN_STATUS) + 1)
        ffgerr(status, &buffer)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Builds the error for a failed call, draining the message stack into it.
    static func error(status: Int32, call: String, path: String?, detail: String? = nil) -> FITSError {
        var parts = [statusText(status)]
        if let detail { parts.append(detail) }
        parts.append(contentsOf: drainMessages())
        return FITSError(status: status, message: parts.joined(separator: "; "), path: path, call: call)
    }

    /// An error raised by the wrapper's own checks; still drains the stack in case an
    /// earlier cfitsio call left messages behind.
    static func wrapperError(status: Int32, call: String, path: String?, _ message: String) -> FITSError {
        _ = drainMessages()
        return FITSError(status: status, message: message, path: path, call: call)
    }

    /// Whether the linked cfitsio was built thread-safe (Debian's is).
    static var isReentrant: Bool { fits_is_reentrant() != 0 }

    /// The linked cfitsio version, e.g. 4.2.
    static var libraryVersion: Float {
        var version: Float = 0
        return ffvers(&version)
    }
}

/// C strings that live as long as the closure runs, for cfitsio's `char **` parameters.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { string in
        let utf8 = Array(string.utf8CString)
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        copy.initialize(from: utf8, count: utf8.count)
        return copy
    }
    defer { pointers.forEach { $0?.deallocate() } }
    // The trailing nil keeps the buffer non-empty (an empty array has no base address).
    var mutable = pointers + [nil]
    return mutable.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
