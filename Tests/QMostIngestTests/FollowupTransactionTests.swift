import Foundation
import GRDB
import QMostCore
import QMostIngest
import QMostStore
import Testing

/// Follow-up work commits in the same transaction as the file: both or neither.
@Suite struct FollowupTransactionTests {
    struct Refused: Error {}

    @Test func followupsSeeTheUncommittedFileAndCommitWithIt() throws {
        let site = try Installation()
        let path = site.spool("frame.fits")
        try Frames.synthetic(Frames.spec(.arc), at: path)
        let accepted = try #require(try site.ingest(path) { db, facts, now in
            let files = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM files") ?? -1
            try Repository.log(Event(at: now, kind: "followup", night: facts.night.iso,
                                     message: "files=\(files) kind=\(facts.kind.rawValue)"), in: db)
        }.accepted)
        let followup = try #require(try site.events(kind: "followup").first)
        #expect(followup.message == "files=1 kind=arc")
        #expect(followup.night == accepted.night.iso)
    }

    @Test func throwingFollowupRecordsNothingAndKeepsTheSpoolFile() throws {
        let site = try Installation()
        let path = site.spool("frame.fits")
        try Frames.synthetic(Frames.spec(), at: path)
        let bytes = try Files.bytes(path)

        do {
            _ = try site.ingester.ingest(path: path, source: .raw) { db, _, now in
                try Repository.log(Event(at: now, kind: "followup", message: "written before the failure"), in: db)
                throw Refused()
            }
            Issue.record("ingest returned although its follow-ups threw")
        } catch {
            guard case .database = error else { Issue.record("expected IngestError.database, got \(error)"); return }
        }

        #expect(try Files.bytes(path) == bytes)
        for table in ["files", "frames", "nights", "events", "quarantine", "alerts"] {
            #expect(try site.count(table) == 0, "\(table)")
        }
        // The repository name made before the transaction may stay (removing it could race with another worker
        // that recorded the same bytes under it); it can only be another name of this spool file's bytes.
        #expect(site.regularFiles(under: "repo").allSatisfy { Files.sameInode(site.absolute($0), path) })

        // The retry (the job runs again) records the file once, under its own name.
        let accepted = try site.accept(path)
        #expect(accepted.repoPath == site.repoPath(night: "2024-03-10", name: "frame.fits"))
        #expect(site.regularFiles(under: "repo") == [accepted.repoPath])
        #expect(try site.count("files") == 1)
        #expect(!Files.exists(path))
    }
}
