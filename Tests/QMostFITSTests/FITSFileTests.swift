import Foundation
import Testing

@testable import QMostFITS

@Suite("FITSFile handle and navigation")
struct FITSFileTests {
    @Test func sampleFileHasThreeHDUsAndNavigates() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("sample.fits"))
            let file = try FITSFile.open(url.path)
            #expect(try file.hduCount == 3)
            #expect(try file.moveTo(extname: "spec") == 2)
            #expect(try file.currentHDU == 2)
            #expect(try file.hduType() == .binaryTable)
            #expect(try file.moveTo(hdu: 1) == .image)
            #expect(try file.header()["EXTNAME"] == .string("SCI"))
            #expect(try file.hduType(hdu: 0) == .image)
            try file.close()
            #expect(!file.isOpen)
            try file.close()
        }
    }

    @Test func callsAfterCloseFailNamingThePath() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("closed.fits"))
            let file = try FITSFile.open(url.path)
            try file.close()
            let error = #expect(throws: FITSError.self) { try file.header(hdu: 0) }
            #expect(error?.path == url.path)
            #expect(error?.message.contains("closed") == true)
        }
    }

    @Test func withFITSFileClosesAndReturnsTheResult() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("scoped.fits"))
            var escaped: FITSFile?
            let count = try withFITSFile(url.path) { file throws in
                escaped = file
                return try file.hduCount
            }
            #expect(count == 3)
            #expect(escaped?.isOpen == false)
        }
    }

    @Test func withFITSFileClosesWhenTheBodyThrows() throws {
        struct Boom: Error {}
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("throwing.fits"))
            var escaped: FITSFile?
            #expect(throws: Boom.self) {
                try withFITSFile(url.path) { file throws in
                    escaped = file
                    throw Boom()
                }
            }
            #expect(escaped?.isOpen == false)
        }
    }

    @Test func createRefusesAnExistingFileUnlessOverwriting() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("exists.fits"))
            let error = #expect(throws: FITSError.self) { try FITSFile.create(url.path) }
            #expect(error?.status == 105)
            #expect(error?.description.contains(url.path) == true)
            let file = try FITSFile.create(url.path, overwrite: true)
            #expect(try file.hduCount == 0)
            try file.appendEmptyPrimary()
            try file.close()
            #expect(try FileSurgery.size(url) == 2880)
        }
    }

    @Test func writableOpenAllowsAppendingAnHDU() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("append.fits"))
            try withFITSFile(url.path, writable: true) { file throws in
                try file.appendImage([UInt8](repeating: 7, count: 6), shape: [3, 2], cards: [FITSCard(keyword: "EXTNAME", value: "MASK")])
            }
            try withFITSFile(url.path) { file throws in
                #expect(try file.hduCount == 4)
                let index = try file.moveTo(extname: "MASK")
                #expect(try file.readImage(hdu: index, as: UInt8.self).pixels == [7, 7, 7, 7, 7, 7])
            }
        }
    }

    @Test func moveToAnUnknownHDUFails() throws {
        try withTemporaryDirectory { dir throws in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("nav.fits"))
            try withFITSFile(url.path) { file throws in
                #expect(throws: FITSError.self) { try file.moveTo(hdu: 7) }
                #expect(throws: FITSError.self) { try file.moveTo(hdu: -1) }
                let error = #expect(throws: FITSError.self) { try file.moveTo(extname: "NOPE") }
                #expect(error?.call == "ffmnhd")
            }
        }
    }

    @Test func pathsAreTakenLiterally() throws {
        // Brackets and colons would be cfitsio extended syntax (HDU and filter selectors).
        try withTemporaryDirectory { dir throws in
            let url = dir.appendingPathComponent("EFOSC.2022-01-26T19:02:38[1].fits")
            try Fixtures.writeSample(url)
            #expect(try withFITSFile(url.path) { try $0.hduCount } == 3)
            #expect(FITSValidator.inspect(path: url.path).validation?.hdus.count == 3)
        }
    }

    @Test func cfitsioIsThreadSafe() {
        // Several daemon tasks use their own FITSFile at once; that needs a reentrant cfitsio.
        #expect(FITSCalls.isReentrant)
        #expect(FITSCalls.libraryVersion >= 4.0)
    }
}

@Suite("Parallel use")
struct ParallelUseTests {
    @Test func separateHandlesOnOneFileReadInParallel() async throws {
        try await withTemporaryDirectoryAsync { dir in
            let url = try Fixtures.writeSample(dir.appendingPathComponent("shared.fits"))
            let path = url.path
            let results = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let pixels = try? withFITSFile(path) { try $0.readImage(hdu: 1, as: Float.self).pixels }
                        return pixels == Fixtures.sciPixels
                    }
                }
                var all: [Bool] = []
                for await ok in group { all.append(ok) }
                return all
            }
            #expect(results == [Bool](repeating: true, count: 8))
        }
    }
}
