/// CRC-32 (the gzip/zlib polynomial), used to check a .gz trailer against the bytes
/// cfitsio decompressed: cfitsio itself stops quietly at the end of a truncated stream.
enum CRC32 {
    // Eight 256-entry tables for slicing-by-8, which keeps the pass cheap next to inflate.
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = table[(k - 1) * 256 + i]
                table[k * 256 + i] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    /// The CRC-32 of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        let count = bytes.count
        var p = 0
        table.withUnsafeBufferPointer { t in
            while count - p >= 8 {
                let one = bytes.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian ^ crc
                let two = bytes.loadUnaligned(fromByteOffset: p + 4, as: UInt32.self).littleEndian
                crc =
                    t[7 * 256 + Int(one & 0xFF)] ^ t[6 * 256 + Int((one >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((one >> 16) & 0xFF)] ^ t[4 * 256 + Int(one >> 24)]
                    ^ t[3 * 256 + Int(two & 0xFF)] ^ t[2 * 256 + Int((two >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((two >> 16) & 0xFF)] ^ t[Int(two >> 24)]
                p += 8
            }
            while p < count {
                crc = t[Int((crc ^ UInt32(bytes[p])) & 0xFF)] ^ (crc >> 8)
                p += 1
            }
        }
        return ~crc
    }
}
