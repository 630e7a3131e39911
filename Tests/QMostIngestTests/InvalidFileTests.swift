import Foundation
import QMostIngest
import Testing

/// Content that is not FITS, or whose checksums do not match, is quarantined at once: waiting cannot fix it.
@Suite struct InvalidFileTests {
    @Test func garbageIsQuarantinedAtOnce() throws {
        let site = try Installation()
        let path = site.spool("garbage.fits")
        try Files.write(Array("this is a log file, not an image\n".utf8) + [UInt8](repeating: 0x41, count: 6000), to: path)

        let quarantined = try #require(try site.ingest(path).quarantined)  // age ~0: no grace for bad content
        #expect(quarantined.reason.hasPrefix("not a valid FITS file"))
        #expect(!Files.exists(path))
        #expect(Files.exists(site.absolute(quarantined.quarantinePath)))
        let reasonText = try String(contentsOfFile: site.absolute(quarantined.quarantinePath) + ".reason.txt", encoding: .utf8)
        #expect(reasonText.contains("not a valid FITS file"))
        #expect(try site.count("quarantine") == 1)
        #expect(try site.count("alerts") == 1)
        #expect(try site.count("files") == 0)
    }

    /// A frame with CHECKSUM/DATASUM whose data changed afterwards.
    static func corruptedFrame(at path: String) throws {
        try Frames.synthetic(Frames.spec(), at: path)
        var bytes = try Files.bytes(path)
        let dataByte = 2880 + 101  // inside the first data block
        bytes[dataByte] ^= 0x5A
        try Files.write(bytes, to: path)
    }

    @Test func corruptedDataIsQuarantinedNamingDATASUM() throws {
        let site = try Installation()
        let path = site.spool("corrupt.fits")
        try Self.corruptedFrame(at: path)
        let quarantined = try #require(try site.ingest(path).quarantined)
        #expect(quarantined.reason.contains("DATASUM"))
        #expect(!Files.exists(path))
        #expect(try site.count("files") == 0)
        #expect(try site.quarantineRecords().first?.reason == quarantined.reason)
    }

    @Test func corruptedDataIsAcceptedWhenChecksumsAreNotVerified() throws {
        let site = try Installation { $0.ingest.verifyChecksums = false }
        let path = site.spool("corrupt.fits")
        try Self.corruptedFrame(at: path)
        let accepted = try site.accept(path)
        #expect(accepted.kind == .science)
        #expect(try site.frames().first?.checksum == "not verified")
        #expect(try site.count("quarantine") == 0)
    }

    @Test func frameWithoutChecksumsIsAcceptedAsAbsent() throws {
        let site = try Installation()
        let path = site.spool("plain.fits")
        try Frames.synthetic(Frames.spec(), at: path, checksums: false)
        _ = try site.accept(path)
        #expect(try site.frames().first?.checksum == "absent")
    }

    @Test func intactFrameWithChecksumsIsValid() throws {
        let site = try Installation()
        let path = site.spool("intact.fits")
        try Frames.synthetic(Frames.spec(), at: path)
        _ = try site.accept(path)
        #expect(try site.frames().first?.checksum == "valid")
    }

    @Test func directoryInTheSpoolIsNotARegularFile() throws {
        let site = try Installation()
        let path = site.spool("folder.fits")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let quarantined = try #require(try site.ingest(path).quarantined)
        #expect(quarantined.reason == "not a regular file")
    }

    @Test func vanishedFileIsReportedAsSuch() throws {
        let site = try Installation()
        #expect(try site.ingest(site.spool("never-there.fits")) == .vanished)
        #expect(try site.count("events") == 0)
    }
}
