import Foundation
import QMostCore
import QMostIngest
import Testing

/// Where a file came from decides what happens to the original and where the repository keeps it.
@Suite struct SourceTests {
    @Test func commandLineIngestLeavesTheOriginal() throws {
        let site = try Installation()
        let outside = site.directory.file("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let original = (outside as NSString).appendingPathComponent("frame.fits")
        try Frames.synthetic(Frames.spec(.bias), at: original)
        let bytes = try Files.bytes(original)

        let accepted = try site.accept(original, source: .cli)
        #expect(accepted.kind == .bias)
        #expect(accepted.repoPath == site.repoPath(night: "2024-03-10", name: "frame.fits"))
        #expect(try Files.bytes(original) == bytes)
        #expect(try Files.bytes(site.absolute(accepted.repoPath)) == bytes)
        // A copy, not another name: editing the original must not change the repository.
        #expect(!Files.sameInode(original, site.absolute(accepted.repoPath)))
        let file = try #require(try site.files().first)
        #expect(file.source == "cli")
        #expect(file.spoolPath == original)
    }

    @Test func dxuDropIsKindDXUUnderRepoDXU() throws {
        let site = try Installation()
        let path = site.spool("unit.fits", source: .dxu)
        try Frames.synthetic(Frames.spec(.science), at: path)
        let accepted = try site.accept(path, source: .dxu)
        #expect(accepted.kind == .dxu)
        #expect(accepted.repoPath == site.repoPath(night: "2024-03-10", name: "unit.fits", folder: "dxu"))
        #expect(site.regularFiles(under: "repo") == ["repo/dxu/2024-03-10/unit.fits"])
        #expect(!Files.exists(path))
        #expect(try site.files().first?.source == "spool/dxu")
        #expect(try site.frames().first?.kind == "dxu")
    }

    @Test func rawDropIsClassifiedByHeader() throws {
        let site = try Installation()
        for (i, kind) in [FrameKind.bias, .dark, .detectorFlat, .fibreFlat, .twilightFlat, .arc, .fp, .science, .standard,
                          .other].enumerated() {
            let path = site.spool("\(kind.rawValue).fits")
            try Frames.synthetic(Frames.spec(kind, index: i), at: path)
            #expect(try site.accept(path).kind == kind, "\(kind)")
        }
    }
}
