import Foundation
import QMostWatch
import Testing

@Suite struct SpoolScannerTests {
    @Test(arguments: [
        ("exposure.fits", true), ("OB_123.fits.fz", true), ("a", true), ("data.tmpl", true),
        (".hidden.fits", false), (".x.part", false), ("x.fits.part", false), ("x.tmp", false),
        ("x.filepart", false), ("x.crdownload", false), ("x.fits~", false), ("", false), (".", false),
    ])
    func eligibility(name: String, eligible: Bool) {
        #expect(SpoolScanner.isEligible(name: name) == eligible)
    }

    @Test func walksTreeSkippingHiddenPartialAndLinkedDirectories() throws {
        let spool = try ScratchSpool()
        let fm = FileManager.default
        let expected = [
            try spool.write("a.fits"),
            try spool.write("b.fits", in: try spool.mkdir("night1")),
            try spool.write("c.fits", in: try spool.mkdir("night1/deep/deeper")),
        ]
        try spool.write(".hidden.fits")
        try spool.write("d.fits.part")
        try spool.write("e.tmp", in: spool.root + "/night1")
        try spool.write("f.fits", in: try spool.mkdir(".quarantine"))
        let outside = try spool.mkdir("outside", in: spool.base)
        try spool.write("g.fits", in: outside)
        try fm.createSymbolicLink(atPath: spool.root + "/linked-dir", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: spool.root + "/dangling.fits", withDestinationPath: spool.base + "/nowhere")
        let linkedFile = spool.root + "/linked.fits"
        try fm.createSymbolicLink(atPath: linkedFile, withDestinationPath: outside + "/g.fits")

        #expect(SpoolScanner.eligibleFiles(under: spool.root) == (expected + [linkedFile]).sorted())
    }

    @Test func missingRootYieldsNothing() {
        #expect(SpoolScanner.eligibleFiles(under: "/nonexistent/qmost/spool").isEmpty)
    }
}
