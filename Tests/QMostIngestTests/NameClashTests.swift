import Foundation
import QMostIngest
import Testing

/// Spool names are kept in the repository; a name already taken by other bytes gets a content-hash suffix.
@Suite struct NameClashTests {
    @Test func sameNameDifferentContentGetsAHashSuffix() throws {
        let site = try Installation()
        let spoolPath = site.spool("frame.fits")
        try Frames.synthetic(Frames.spec(index: 1), at: spoolPath)
        let first = try site.accept(spoolPath)
        #expect(first.repoPath == site.repoPath(night: "2024-03-10", name: "frame.fits"))

        try Frames.synthetic(Frames.spec(index: 2), at: spoolPath)
        let second = try site.accept(spoolPath)
        #expect(second.sha256 != first.sha256)
        #expect(second.repoPath == site.repoPath(night: "2024-03-10", name: "frame.\(second.sha256.prefix(8)).fits"))

        // Both recorded, each name holding its own bytes.
        let files = try site.files()
        #expect(files.map(\.repoPath) == [first.repoPath, second.repoPath])
        #expect(files.map(\.originalName) == ["frame.fits", "frame.fits"])
        #expect(try Files.sha256sum(site.absolute(first.repoPath)) == first.sha256)
        #expect(try Files.sha256sum(site.absolute(second.repoPath)) == second.sha256)
        #expect(site.regularFiles(under: "spool") == [])
    }

    @Test func compressedNameKeepsItsWholeExtensionAfterTheSuffix() throws {
        let site = try Installation()
        let plain = site.directory.file("plain.fits")
        let spoolPath = site.spool("frame.fits.gz")
        try Frames.synthetic(Frames.spec(index: 1), at: plain)
        _ = try Files.run("/bin/gzip", ["-c", plain], stdout: spoolPath)
        let first = try site.accept(spoolPath)

        try Frames.synthetic(Frames.spec(index: 2), at: plain)
        _ = try Files.run("/bin/gzip", ["-c", plain], stdout: spoolPath)
        let second = try site.accept(spoolPath)
        #expect(first.repoPath.hasSuffix("/frame.fits.gz"))
        #expect(second.repoPath.hasSuffix("/frame.\(second.sha256.prefix(8)).fits.gz"))
    }
}
