import Foundation
import QMostIngest
import Testing

/// Whole-file compressed frames are validated through the compression and stored as they came.
@Suite struct CompressedFileTests {
    @Test func gzippedFrameIsStoredCompressed() throws {
        let site = try Installation()
        let plain = site.directory.file("frame.fits")
        try Frames.synthetic(Frames.spec(.arc), at: plain)
        let gz = site.spool("frame.fits.gz")
        _ = try Files.run("/bin/gzip", ["-9", "-c", plain], stdout: gz)
        let compressed = try Files.bytes(gz)
        #expect(compressed.prefix(2) == [0x1F, 0x8B])

        let accepted = try site.accept(gz)
        #expect(accepted.kind == .arc)
        #expect(accepted.night.iso == "2024-03-10")
        #expect(accepted.repoPath == site.repoPath(night: "2024-03-10", name: "frame.fits.gz"))
        // The identity is the bytes as stored: the compressed ones.
        #expect(accepted.sha256 == (try Files.sha256sum(site.absolute(accepted.repoPath))))
        #expect(accepted.sha256 != (try Files.sha256sum(plain)))
        #expect(try Files.bytes(site.absolute(accepted.repoPath)) == compressed)
        #expect(!Files.exists(gz))
        let file = try #require(try site.files().first)
        #expect(file.size == Int64(compressed.count))
        #expect(try site.frames().first?.checksum == "valid")
    }

    @Test func truncatedGzipWaits() throws {
        let site = try Installation()
        let plain = site.directory.file("frame.fits")
        try Frames.synthetic(Frames.spec(), at: plain)
        let gz = site.spool("frame.fits.gz")
        _ = try Files.run("/bin/gzip", ["-c", plain], stdout: gz)
        let bytes = try Files.bytes(gz)
        try Files.write(Array(bytes.prefix(bytes.count / 2)), to: gz)
        #expect(try site.ingest(gz).waiting != nil)
        #expect(Files.exists(gz))
    }

    @Test func plainAndGzippedCopiesAreDifferentFiles() throws {
        let site = try Installation()
        let plain = site.spool("frame.fits")
        try Frames.synthetic(Frames.spec(), at: plain)
        _ = try Files.run("/bin/gzip", ["-c", plain], stdout: site.spool("frame.fits.gz"))
        _ = try site.accept(plain)
        _ = try site.accept(site.spool("frame.fits.gz"))
        #expect(try site.count("files") == 2)
    }
}
