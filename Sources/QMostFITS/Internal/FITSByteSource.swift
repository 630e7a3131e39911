import Foundation

/// Random read access to the bytes being validated, limited to a size fixed when the
/// source is made: a file still growing is judged by one consistent snapshot.
protocol FITSByteSource {
    /// The number of bytes judged.
    var size: Int64 { get }
    /// Up to `count` bytes from `offset`; fewer at the end.
    func read(at offset: Int64, count: Int) throws -> [UInt8]
}

/// A file on disk, read with positioned reads so only headers are ever fetched.
final class FileByteSource: FITSByteSource {
    let size: Int64
    private let handle: FileHandle

    init(path: String, size: Int64) throws {
        self.handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        self.size = size
    }

    deinit { try? handle.close() }

    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        let available = Int(min(Int64(count), max(0, size - offset)))
        guard available > 0 else { return [] }
        try handle.seek(toOffset: UInt64(offset))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(available)
        // A read may return less than asked; a file shrinking under us ends the loop early.
        while bytes.count < available {
            guard let data = try handle.read(upToCount: available - bytes.count), !data.isEmpty else { break }
            bytes.append(contentsOf: data)
        }
        return bytes
    }
}

/// Bytes already in memory (a decompressed .gz or .Z file).
struct MemoryByteSource: FITSByteSource {
    let buffer: DecompressedBuffer

    var size: Int64 { Int64(buffer.bytes.count) }

    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        let bytes = buffer.bytes
        guard offset >= 0, offset < Int64(bytes.count) else { return [] }
        let start = Int(offset)
        let end = min(bytes.count, start + count)
        return [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
    }
}
