import Foundation
import QMostIngest
import QMostTesting
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite struct ContentHasherTests {
    @Test func knownDigests() throws {
        let dir = try TemporaryDirectory("qmost-hash")
        let abc = dir.file("abc"), empty = dir.file("empty")
        try Files.write(Array("abc".utf8), to: abc)
        try Files.write([], to: empty)
        let hashed = try ContentHasher.sha256(path: abc)
        #expect(hashed.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hashed.bytes == 3)
        let none = try ContentHasher.sha256(path: empty)
        #expect(none.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(none.bytes == 0)
    }

    /// Larger than the 4 MiB read chunk and not a multiple of it.
    @Test func multiChunkFileMatchesSha256sum() throws {
        let dir = try TemporaryDirectory("qmost-hash")
        let path = dir.file("big")
        let size = 9 * 1024 * 1024 + 12345
        try Files.write((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 13) }, to: path)
        let hashed = try ContentHasher.sha256(path: path)
        #expect(hashed.bytes == Int64(size))
        #expect(hashed.hex == (try Files.sha256sum(path)))
    }

    @Test(.enabled(if: !SharedData.esoRawFrames.isEmpty, "shared data (../shared/data/eso-raw) not found"))
    func esoFrameMatchesSha256sum() throws {
        let frame = try #require(SharedData.esoRawFrames.first)
        let hashed = try ContentHasher.sha256(path: frame)
        #expect(hashed.hex == (try Files.sha256sum(frame)))
        #expect(hashed.bytes == 2_165_760)
    }

    @Test func missingFileThrowsAnIOError() {
        do {
            _ = try ContentHasher.sha256(path: "/nonexistent/qmost/\(UUID())")
            Issue.record("hashing a missing file succeeded")
        } catch {
            guard case .io(_, _, let e) = error else { Issue.record("expected .io, got \(error)"); return }
            #expect(e == ENOENT)
        }
    }
}
