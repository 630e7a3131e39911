import Crypto
import Foundation
import QMostCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 of a file's bytes, the file's identity in the repository.
public enum ContentHasher {
    /// Reads the file in 1 MiB chunks straight into the hasher; memory stays flat for any file size.
    public static func sha256(path: String) throws(IngestError) -> (hex: String, bytes: Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IngestError.io(path: path, operation: "open for hashing", errno: errno) }
        defer { close(fd) }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        let buffer = ReadBuffers.shared.take()
        defer { ReadBuffers.shared.give(buffer) }
        var hasher = SHA256()
        var total: Int64 = 0
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += Int64(n)
        }
        return (hexString(hasher.finalize()), total)
    }
}

/// Reusable read buffers. Allocating a large buffer per file maps and unmaps fresh pages every time, and the
/// unmapping interrupts every core to flush its TLB: measured at three times the cost of hashing 1 MB itself.
final class ReadBuffers: Sendable {
    static let shared = ReadBuffers()
    static let size = 1 << 20
    private let free = Mutex<[UnsafeMutableRawBufferPointer]>([])

    func take() -> UnsafeMutableRawBufferPointer {
        free.withLock { $0.popLast() } ?? UnsafeMutableRawBufferPointer.allocate(byteCount: Self.size, alignment: 4096)
    }

    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        free.withLock { pool in
            if pool.count < 16 { pool.append(buffer) } else { buffer.deallocate() }
        }
    }
}

// The pool hands each buffer to one caller at a time; the pointers themselves are plain addresses.
extension UnsafeMutableRawBufferPointer: @retroactive @unchecked Sendable {}
