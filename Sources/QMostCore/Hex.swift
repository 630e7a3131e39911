/// Lower-case hexadecimal text of bytes, e.g. a SHA-256 digest.
///
/// Written out by hand: `String(format: "%02x")` per byte went through Foundation's formatter and cost more
/// than hashing a megabyte (measured in the ingest profile).
public func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
