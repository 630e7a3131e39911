#if canImport(Glibc)
import Glibc
#endif

/// Device, inode, size and modification time: enough to tell whether a file changed under us.
struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var isRegular: Bool

    static func == (a: FileIdentity, b: FileIdentity) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
    }

    /// Seconds since the last modification.
    func age(now: Double) -> Double {
        now - (Double(modified.tv_sec) + Double(modified.tv_nsec) / 1e9)
    }

    static func of(_ path: String) -> FileIdentity? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                            modified: st.st_mtim, isRegular: (st.st_mode & S_IFMT) == S_IFREG)
    }

    /// Whether a writer holds the file open.
    enum WriterState { case writing, none, unknown }

    /// Asks the kernel whether some process holds the file open for writing.
    ///
    /// A read lease (`F_SETLEASE`, `F_RDLCK`) is refused with EAGAIN exactly when the file is open for writing
    /// anywhere, so a writer that keeps its descriptor open is seen even between its writes. Where leases are
    /// not permitted (not the owner, no CAP_LEASE, a file system without leases) the answer is `unknown`.
    static func writerState(_ path: String) -> WriterState {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .unknown }
        defer { close(fd) }
        let F_SETLEASE: Int32 = 1024  // F_LINUX_SPECIFIC_BASE + 0; not exported by Swift's Glibc module
        if fcntl(fd, F_SETLEASE, Int32(F_RDLCK)) == 0 {
            _ = fcntl(fd, F_SETLEASE, Int32(F_UNLCK))
            return .none
        }
        return errno == EAGAIN ? .writing : .unknown
    }
}
