/// One `struct inotify_event` record, decoded.
package struct RawInotifyEvent: Sendable, Equatable {
    /// The watch descriptor; -1 for IN_Q_OVERFLOW, which belongs to no watch.
    package var wd: Int32
    package var mask: InotifyMask
    package var cookie: UInt32
    /// The entry name inside the watched directory; nil for events about the directory itself.
    package var name: String?

    package init(wd: Int32, mask: InotifyMask, cookie: UInt32 = 0, name: String? = nil) {
        self.wd = wd
        self.mask = mask
        self.cookie = cookie
        self.name = name
    }

    /// The kernel's overflow marker: events were lost and only a rescan can recover them.
    package var isOverflow: Bool { wd == -1 || mask.contains(.queueOverflow) }
}

/// Decodes the byte stream read from an inotify descriptor. Pure, so the record layout — and in
/// particular the overflow record — can be tested on hand-built buffers.
package enum InotifyEventParser {
    /// `struct inotify_event { int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[]; }`
    package static let headerSize = 16

    /// Decodes every whole record in `buffer`. `len` counts the name's NUL padding, so the name
    /// is cut at its first NUL. A truncated trailing record (which the kernel never produces)
    /// is ignored rather than trusted.
    package static func parse(_ buffer: UnsafeRawBufferPointer) -> [RawInotifyEvent] {
        var events: [RawInotifyEvent] = []
        var offset = 0
        while buffer.count - offset >= headerSize {
            let wd = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard length <= buffer.count - nameStart else { break }
            var name: String?
            if length > 0 {
                let field = UnsafeRawBufferPointer(rebasing: buffer[nameStart..<nameStart + length])
                let end = field.firstIndex(of: 0) ?? field.endIndex
                if end > field.startIndex {
                    name = String(decoding: field[field.startIndex..<end], as: UTF8.self)
                }
            }
            events.append(RawInotifyEvent(wd: wd, mask: InotifyMask(rawValue: mask), cookie: cookie, name: name))
            offset = nameStart + length
        }
        return events
    }

    package static func parse(_ bytes: [UInt8]) -> [RawInotifyEvent] {
        bytes.withUnsafeBytes { parse($0) }
    }

    /// Encodes records exactly as the kernel lays them out (name NUL-padded to a multiple of 4);
    /// used to push synthetic events through the same decoding path as real ones.
    package static func encode(_ events: [RawInotifyEvent]) -> [UInt8] {
        var bytes: [UInt8] = []
        for event in events {
            var name = Array((event.name ?? "").utf8)
            if !name.isEmpty {
                name.append(0)
                while name.count % 4 != 0 { name.append(0) }
            }
            append(event.wd, to: &bytes)
            append(event.mask.rawValue, to: &bytes)
            append(event.cookie, to: &bytes)
            append(UInt32(name.count), to: &bytes)
            bytes += name
        }
        return bytes
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
