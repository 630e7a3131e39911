#if canImport(Glibc)
import Glibc
#endif

/// A failure of ingest that is about the machine, not the file: worth retrying (the file itself is fine or
/// unknown). Problems with the file's content never throw; they quarantine it.
public enum IngestError: Error, CustomStringConvertible {
    case io(path: String, operation: String, errno: Int32)
    case database(String)

    public var description: String {
        switch self {
        case .io(let path, let op, let e): return "\(path): \(op) failed: \(String(cString: strerror(e)))"
        case .database(let m): return "database: \(m)"
        }
    }
}
