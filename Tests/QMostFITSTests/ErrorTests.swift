import Foundation
import QMostFITS
import Testing

@Suite("Errors")
struct ErrorTests {
    @Test func openingAMissingFileNamesThePathAndCfitsiosReason() {
        let path = "/nonexistent/dir/EFOSC.2022-01-26T19:02:38.210.fits"
        let error = #expect(throws: FITSError.self) { try FITSFile.open(path) }
        #expect(error?.status == 104)
        #expect(error?.path == path)
        #expect(error?.call == "ffdkopn")
        #expect(error?.message.contains("could not open the named file") == true)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("ffdkopn") == true)
    }

    @Test func openingANonFITSFileNamesThePath() throws {
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("notes.fits")
            try Data("just some text, not FITS at all".card(3000).utf8).write(to: url)
            let error = #expect(throws: FITSError.self) { try FITSFile.open(url.path) }
            #expect(error?.path == url.path)
            #expect(error?.description.contains(url.path) == true)
            #expect(error?.message.isEmpty == false)
        }
    }

    @Test func creatingInAMissingDirectoryFails() {
        let path = "/nonexistent/dir/new.fits"
        let error = #expect(throws: FITSError.self) { try FITSFile.create(path) }
        #expect(error?.path == path)
        #expect(error?.description.contains(path) == true)
    }

    @Test func writingToAReadOnlyFileFails() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("ro.fits"))
            try withFITSFile(url.path) { file throws in
                let error = #expect(throws: FITSError.self) {
                    try file.setCards([FITSCard(keyword: "NEW", value: 1)], hdu: 0)
                }
                #expect(error?.status == 112)
                #expect(error?.path == url.path)
                #expect(throws: FITSError.self) { try file.appendImage([UInt8](repeating: 0, count: 2), shape: [2]) }
                #expect(throws: FITSError.self) { try file.writeChecksums() }
            }
        }
    }
}
