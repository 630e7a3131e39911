import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One daemon per installation: an exclusive `flock` on `qmostd.lock`.
///
/// The kernel drops the lock when the process dies however it dies, so a killed daemon never leaves a stale
/// lock (unlike SDSS SOS's lock symlinks, which operators had to delete by hand). The file holds the PID.
public final class InstanceLock: Sendable {
    private let fd: Int32
    public let path: String

    public init(path: String) throws(DaemonError) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .lock("\(path): cannot open: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw .lock("another qmostd is running on this installation (\(path) is locked by pid \(holder ?? "?"))")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// The PID of the daemon holding the lock, or nil when none does.
    public static func holder(path: String) -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { flock(fd, LOCK_UN); return nil }
        return (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    deinit { close(fd) }
}

/// Why the daemon cannot start or run.
public enum DaemonError: Error, CustomStringConvertible {
    case lock(String)
    case setup(String)
    public var description: String {
        switch self {
        case .lock(let m), .setup(let m): return m
        }
    }
}
