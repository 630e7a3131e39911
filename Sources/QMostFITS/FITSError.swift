/// A failure reported by cfitsio or by this wrapper's own checks.
///
/// cfitsio keeps its detailed error messages on a process-global stack; the wrapper drains
/// that stack into ``message`` right after the failing call, so the text belongs to this
/// error and a later failure does not inherit stale messages.
public struct FITSError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The cfitsio status code (see fitsio.h). Errors detected by the wrapper itself reuse
    /// the closest cfitsio code, e.g. 320 (`BAD_DIMEN`) for a pixel count that does not
    /// match the shape.
    public let status: Int32
    /// cfitsio's short status text followed by the drained error-message stack.
    public let message: String
    /// The file the failing call worked on, or nil for data that has no path.
    public let path: String?
    /// The cfitsio routine (or wrapper operation) that failed, e.g. `ffopen` or `ffgcno`.
    public let call: String

    /// Creates an error; the wrapper builds these, callers normally only read them.
    public init(status: Int32, message: String, path: String?, call: String) {
        self.status = status
        self.message = message
        self.path = path
        self.call = call
    }

    /// One line naming the call, the file and cfitsio's explanation.
    public var description: String {
        "\(call) failed on \(path ?? "in-memory FITS data") (status \(status)): \(message)"
    }
}
