import Foundation
import QMostIngest
import Testing

/// The SHA-256 of the content is a file's identity: the same bytes under another name are not stored twice.
@Suite struct DuplicateTests {
    @Test func sameBytesUnderAnotherNameAreADuplicate() throws {
        let site = try Installation()
        let first = site.spool("first.fits")
        try Frames.synthetic(Frames.spec(), at: first)
        let second = site.spool("second.fits")
        try Files.copy(first, to: second)

        let accepted = try site.accept(first)
        let duplicate = try #require(try site.ingest(second).duplicate)

        #expect(duplicate.sha256 == accepted.sha256)
        #expect(duplicate.existingRepoPath == accepted.repoPath)
        #expect(!Files.exists(second))
        #expect(site.regularFiles(under: "spool") == [])
        #expect(site.regularFiles(under: "repo") == [accepted.repoPath])
        #expect(try site.count("files") == 1)
        #expect(try site.count("frames") == 1)

        let events = try site.events(kind: "duplicate")
        #expect(events.count == 1)
        #expect(events.first?.sha256 == accepted.sha256)
        #expect(events.first?.path == second)
        #expect(events.first?.message.contains(accepted.repoPath) == true)
        #expect(try site.events(kind: "ingested").count == 1)
    }

    @Test func differentBytesAreNotADuplicate() throws {
        let site = try Installation()
        let first = site.spool("first.fits"), second = site.spool("second.fits")
        try Frames.synthetic(Frames.spec(index: 1), at: first)
        try Frames.synthetic(Frames.spec(index: 2), at: second)
        _ = try site.accept(first)
        _ = try site.accept(second)
        #expect(try site.count("files") == 2)
        #expect(try site.events(kind: "duplicate").isEmpty)
    }

    @Test func duplicateFromTheCommandLineIsLeftInPlace() throws {
        let site = try Installation()
        let first = site.spool("first.fits")
        try Frames.synthetic(Frames.spec(), at: first)
        let elsewhere = site.directory.file("elsewhere.fits")
        try Files.copy(first, to: elsewhere)
        _ = try site.accept(first)
        #expect(try site.ingest(elsewhere, source: .cli).duplicate != nil)
        #expect(Files.exists(elsewhere))
        #expect(try site.count("files") == 1)
    }
}
