// The only place the module talks to inotify and poll(2); everything above works with
// Swift values so it can be reasoned about (and tested) without a kernel.
import Foundation
import Glibc

/// The inotify mask bits the watcher uses, named so that the rest of the module needs no C constants.
package struct InotifyMask: OptionSet, Sendable, Hashable {
    package let rawValue: UInt32
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    package static let create = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_CREATE))
    package static let closeWrite = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_CLOSE_WRITE))
    package static let movedFrom = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_MOVED_FROM))
    package static let movedTo = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_MOVED_TO))
    package static let deleteSelf = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_DELETE_SELF))
    package static let moveSelf = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_MOVE_SELF))
    package static let unmount = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_UNMOUNT))
    package static let queueOverflow = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_Q_OVERFLOW))
    package static let ignored = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_IGNORED))
    package static let isDirectory = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_ISDIR))
    package static let onlyDirectory = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_ONLYDIR))
    package static let dontFollow = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_DONT_FOLLOW))
    package static let excludeUnlinked = InotifyMask(rawValue: UInt32(truncatingIfNeeded: IN_EXCL_UNLINK))

    /// What every watched directory subscribes to. IN_CREATE is only acted on for directories:
    /// a file is announced when it is closed or renamed in, never while it is still being written.
    static let spoolDirectory: InotifyMask = [
        .closeWrite, .movedTo, .create, .deleteSelf, .moveSelf, .onlyDirectory, .excludeUnlinked,
    ]
}

/// A failed system call, kept with its errno so callers can tell "vanished" from "limit reached".
struct SystemCallError: Error, CustomStringConvertible {
    let call: String
    let code: Int32

    /// `inotify_add_watch` reports the per-user watch limit as ENOSPC.
    var isWatchLimit: Bool { code == ENOSPC }
    /// The path went away between being listed and being watched or opened: a normal race in a spool.
    var isVanished: Bool { code == ENOENT || code == ENOTDIR }

    var description: String { "\(call): \(String(cString: strerror(code))) (errno \(code))" }
}

/// Owns one inotify descriptor. Only the watcher's reader thread touches it, so it is deliberately
/// not Sendable and holds no lock.
final class Inotify {
    private(set) var descriptor: Int32

    init() throws(SystemCallError) {
        // Non-blocking so a read after a spurious poll wake-up cannot stall the reader thread;
        // close-on-exec so child processes never inherit the watch.
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw SystemCallError(call: "inotify_init1", code: errno) }
        descriptor = fd
    }

    deinit { close() }

    /// Adds (or, for an inode already watched, replaces) a watch and returns its descriptor.
    func addWatch(path: String, mask: InotifyMask) -> Result<Int32, SystemCallError> {
        let wd = inotify_add_watch(descriptor, path, mask.rawValue)
        return wd >= 0 ? .success(wd) : .failure(SystemCallError(call: "inotify_add_watch(\(path))", code: errno))
    }

    /// Errors are ignored: the kernel may already have dropped the watch (its IN_IGNORED is on the way).
    func removeWatch(_ wd: Int32) {
        _ = inotify_rm_watch(descriptor, wd)
    }

    enum ReadResult {
        case bytes(Int)
        case nothing
        case failed(SystemCallError)
    }

    /// Reads as many whole event records as fit; the kernel never splits a record across reads.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> ReadResult {
        let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .nothing }
        let code = errno
        if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return .nothing }
        return .failed(SystemCallError(call: "read(inotify)", code: code))
    }

    /// Waits at most `timeoutMilliseconds` for events; the bounded wait is what lets the reader
    /// thread notice stop and rescan requests without a second wake-up descriptor.
    func waitReadable(timeoutMilliseconds: Int32) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, timeoutMilliseconds) > 0 && request.revents & Int16(POLLIN) != 0
    }

    func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }

    /// Sleeps without a descriptor; used when inotify could not be set up and scans are all there is.
    static func sleep(milliseconds: Int32) {
        _ = poll(nil, 0, milliseconds)
    }
}

/// The kernel limits that explain an overflow or a failed watch, read for log messages only.
enum InotifyLimits {
    static var maxUserWatches: Int? { read("/proc/sys/fs/inotify/max_user_watches") }
    static var maxQueuedEvents: Int? { read("/proc/sys/fs/inotify/max_queued_events") }

    private static func read(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
