import Foundation
import QMostIngest
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A crash at any point leaves the spool copy; ingesting it again completes or recognises the earlier attempt.
@Suite struct CrashRecoveryTests {
    /// Crash after the hard link into the repository, before the database commit.
    @Test func linkedButNotRecordedIsAcceptedOnceWithoutSuffix() throws {
        let site = try Installation()
        let spec = Frames.spec()
        let name = "frame.fits"
        let spoolPath = site.spool(name)
        try Frames.synthetic(spec, at: spoolPath)
        let destination = site.repoPath(night: spec.night.iso, name: name)
        try FileManager.default.createDirectory(atPath: site.absolute((destination as NSString).deletingLastPathComponent),
                                                withIntermediateDirectories: true)
        #expect(link(spoolPath, site.absolute(destination)) == 0)

        let accepted = try site.accept(spoolPath)
        #expect(accepted.repoPath == destination)
        #expect(!Files.exists(spoolPath))
        #expect(site.regularFiles(under: "repo") == [destination])
        #expect(try site.count("files") == 1)
        #expect(try site.files().first?.repoPath == destination)
    }

    /// Crash after the commit, before the spool copy was removed.
    @Test func recordedButStillInTheSpoolIsCompleted() throws {
        let site = try Installation()
        let name = "frame.fits"
        let spoolPath = site.spool(name)
        try Frames.synthetic(Frames.spec(), at: spoolPath)
        let accepted = try site.accept(spoolPath)
        #expect(!Files.exists(spoolPath))

        // Put the spool name back as it was: another name of the repository's bytes.
        #expect(link(site.absolute(accepted.repoPath), spoolPath) == 0)
        let again = try #require(try site.ingest(spoolPath).duplicate)
        #expect(again.sha256 == accepted.sha256)
        #expect(again.existingRepoPath == accepted.repoPath)
        #expect(!Files.exists(spoolPath))
        #expect(Files.exists(site.absolute(accepted.repoPath)))
        #expect(site.regularFiles(under: "repo") == [accepted.repoPath])
        #expect(try site.count("files") == 1)
        #expect(try site.events(kind: "ingest.completed").count == 1)
        #expect(try site.events(kind: "duplicate").isEmpty)
    }

    /// Crash after linking under a clash-suffixed name: the retry finds its own earlier link.
    @Test func linkedUnderASuffixButNotRecordedIsAcceptedOnce() throws {
        let site = try Installation()
        let name = "frame.fits"
        let spoolPath = site.spool(name)
        try Frames.synthetic(Frames.spec(index: 1), at: spoolPath)
        let first = try site.accept(spoolPath)

        try Frames.synthetic(Frames.spec(index: 2), at: spoolPath)
        let sha = try Files.sha256sum(spoolPath)
        let suffixed = site.repoPath(night: first.night.iso, name: "frame.\(sha.prefix(8)).fits")
        #expect(link(spoolPath, site.absolute(suffixed)) == 0)

        let second = try site.accept(spoolPath)
        #expect(second.repoPath == suffixed)
        #expect(site.regularFiles(under: "repo") == [suffixed, first.repoPath].sorted())
        #expect(try site.count("files") == 2)
    }
}
