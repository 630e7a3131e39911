import Foundation

/// Byte-level edits on test files: the validator must judge files as they are on disk.
enum FileSurgery {
    static func bytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    static func size(_ url: URL) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? -1
    }

    /// Copies the first `length` bytes of `source` to `destination`.
    static func truncatedCopy(of source: URL, to destination: URL, length: Int) throws {
        try bytes(source).prefix(length).write(to: destination)
    }

    /// Copies `source` to `destination` with the byte at `offset` inverted.
    static func flippedCopy(of source: URL, to destination: URL, at offset: Int) throws {
        var data = try bytes(source)
        data[offset] ^= 0xFF
        try data.write(to: destination)
    }

    /// Copies `source` with `extra` appended.
    static func appendedCopy(of source: URL, to destination: URL, extra: Data) throws {
        try (bytes(source) + extra).write(to: destination)
    }

    /// gzips a copy of `source` into `destination` with the system gzip.
    static func gzip(_ source: URL, to destination: URL) throws {
        let tool = ["/bin/gzip", "/usr/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tool else { throw SurgeryError.noGzip }
        _ = FileManager.default.createFile(atPath: destination.path, contents: nil)
        let output = try FileHandle(forWritingTo: destination)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-c", "-6", source.path]
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SurgeryError.gzipFailed(process.terminationStatus) }
    }

    /// Writes `source` in Unix compress (.Z) format.
    ///
    /// No compress tool is installed, so this writes a valid LZW stream by hand: every
    /// byte becomes a 9-bit literal code and a CLEAR code after each 255 literals stops
    /// the decoder's table from growing into 10-bit codes. (255 literals + CLEAR = 256
    /// codes = exactly 32 of the format's 9-byte code groups, so no group padding.)
    static func unixCompress(_ source: URL, to destination: URL) throws {
        let input = try bytes(source)
        var output = Data([0x1F, 0x9D, 0x90])  // magic, block mode, 16-bit maximum
        var accumulator: UInt32 = 0
        var bits = 0
        func emit(_ code: UInt32) {
            accumulator |= code << UInt32(bits)
            bits += 9
            while bits >= 8 {
                output.append(UInt8(accumulator & 0xFF))
                accumulator >>= 8
                bits -= 8
            }
        }
        var sinceClear = 0
        for byte in input {
            emit(UInt32(byte))
            sinceClear += 1
            if sinceClear == 255 {
                emit(256)
                sinceClear = 0
            }
        }
        if bits > 0 { output.append(UInt8(accumulator & 0xFF)) }
        try output.write(to: destination)
    }

    /// `count` pseudo-random bytes from a fixed seed.
    static func randomBytes(_ count: Int, seed: UInt64 = 0x5EED) -> Data {
        var state = seed
        return Data((0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        })
    }

    enum SurgeryError: Error {
        case noGzip
        case gzipFailed(Int32)
    }
}
