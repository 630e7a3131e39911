import Foundation
import QMostCore
import QMostFITS
import QMostIngest
import QMostTesting
import Testing
@testable import QMostSimulator

/// The simulated night as files: valid FITS (fitsverify), the layout and keywords the pipeline reads, kinds the
/// core's rules recognise, FIBINFO the ingest reads, and truth beside the frames.
struct SimulatedFrameTests {
    let night = SimulatedNights.standard

    @Test func everyFramePassesFitsverifyWithoutErrorsOrWarnings() throws {
        let tool = "/usr/bin/fitsverify"
        try #require(FileManager.default.isExecutableFile(atPath: tool), "fitsverify is missing: `make deps` installs it")
        var paths = night.summary.frames.map(night.path)
        paths += try FileManager.default.contentsOfDirectory(atPath: night.truth).filter { $0.hasSuffix(".fits") }
            .map { "\(night.truth)/\($0)" }
        for path in paths {
            let log = night.directory.file("fitsverify-\((path as NSString).lastPathComponent).txt")
            let child = try ChildProcess([tool, "-e", path], outputPath: log)
            let status = child.wait(timeout: 60)
            // fitsverify prints "**** Verification found N warning(s) and M error(s). ****" or "0 errors".
            #expect(status == 0, "\(path):\n\(child.output)")
            #expect(child.output.contains("Verification found 0 warning(s) and 0 error(s)"), "\(path):\n\(child.output)")
        }
    }

    @Test func everyFrameIsClassifiedAsSimulatedByTheDefaultRules() throws {
        let classifier = Classifier()
        var seen = Set<FrameKind>()
        for frame in night.summary.frames {
            let headers = try withFITSFile(night.path(frame)) { try $0.headers() }
            var facts = HeaderFacts()
            for card in headers[0].cards { if let v = card.value { facts.add(card.keyword, v.description) } }
            let result = classifier.classify(facts)
            #expect(result.kind == frame.exposure.kind, "\(frame.fileName): \(result.rule)")
            seen.insert(result.kind)
            // Night by the core's rule: MJD-OBS − 12 h.
            #expect(try NightRule().night(for: facts).get() == Night("2026-11-20"), "\(frame.fileName)")
            #expect(headers[0].string("ARCFILE") == frame.fileName)
            #expect(frame.fileName.hasPrefix("QMOST.2026-11-2") && frame.fileName.hasSuffix(".fits"))
        }
        #expect(seen == [.bias, .dark, .detectorFlat, .fibreFlat, .arc, .fp, .twilightFlat, .science])
    }

    @Test func eachFileHoldsThreeArmsWithOverscanAndAFibinfoTable() throws {
        let geometry = night.simulator.instrument.detector
        for frame in night.summary.frames.prefix(20) {
            let inspection = FITSValidator.inspect(path: night.path(frame))
            let validation = try #require(inspection.validation, "\(frame.fileName): \(inspection.reason ?? "")")
            let names = validation.hdus.map { $0.extname ?? "" }
            #expect(names == ["", "BLUE", "GREEN", "RED", "FIBINFO"], "\(frame.fileName)")
            try withFITSFile(night.path(frame)) { file in
                #expect(try file.imageShape(hdu: 1) == [geometry.rawColumns, geometry.rawRows])
                let header = try file.header(hdu: 1)
                #expect(header.int("ESO DET OUT1 PRSCX") == Int64(geometry.prescanColumns))
                #expect(header.int("ESO DET OUT2 OVSCX") == Int64(geometry.overscanColumns))
                #expect(try file.verifyChecksums(hdu: 1).datasum == .valid)
            }
        }
    }

    @Test func fibinfoNamesTheTargetsThatTheTruthSays() throws {
        let layout = night.simulator.instrument.fibreLayout
        let science = try #require(night.frames(.science, .lrsA).first)
        let records = try #require(try FibinfoReader.read(path: night.path(science)))
        #expect(records.count == layout.fibres.count)
        let block = night.simulator.plan.blocks[science.exposure.block!]
        let allocations = try #require(block.allocations[.lrsA])
        let bySlit = Dictionary(uniqueKeysWithValues: records.map { ($0.slitPosition!, $0) })
        var objects = 0, sky = 0
        for a in allocations {
            let r = try #require(bySlit[a.slitPosition])
            #expect(r.spectrograph == "LRSA")
            #expect(r.fibreUse == a.use.rawValue)
            if let t = a.target {
                objects += 1
                #expect(r.targID == t.targID && r.uObjID == t.uObjID && r.cname == t.cname)
                #expect(IdentifierSpace.classify(t.targID)?.kind == .target)
                #expect(abs(r.ra! - t.position.ra) < 1e-9 && abs(r.dec! - t.position.dec) < 1e-9)
                #expect(CoordinateName.cname(SkyPosition(ra: r.ra!, dec: r.dec!)) == r.cname)
            } else {
                #expect(r.targID == nil)
            }
            if a.use == .sky { sky += 1 }
        }
        #expect(objects >= 20)
        // At least 5% sky fibres (seed 9.1.14).
        #expect(Double(sky) >= 0.05 * Double(layout.scienceFibres.count))
        // A calibration frame lists the fibres without targets.
        let bias = try #require(night.frames(.bias, .lrsA).first)
        let calib = try #require(try FibinfoReader.read(path: night.path(bias)))
        #expect(calib.count == layout.fibres.count && calib.allSatisfy { $0.targID == nil })
    }

    @Test func truthLiesBesideTheFramesAndListsEveryFile() throws {
        let lines = try String(contentsOfFile: "\(night.truth)/frames.tsv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == night.summary.frames.count + 1)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: night.frames))
        #expect(files == Set(night.summary.frames.map(\.fileName)), "only raw frames in the frames folder")
        for line in lines.dropFirst() {
            let fields = line.split(separator: "\t")
            #expect(files.contains(String(fields[0])))
        }
        for s in ["LRS-A", "HRS"] {
            #expect(FileManager.default.fileExists(atPath: "\(night.truth)/instrument_\(s).fits"))
        }
        for block in night.simulator.plan.blocks {
            #expect(FileManager.default.fileExists(atPath: "\(night.truth)/ob_\(block.obID)_LRS-A.fits"))
        }
        // A truth folder inside the frames folder is refused, so a spool never ingests it.
        let inside = NightSimulator(night: Night("2026-11-20")!, scale: .small, seed: 1, spectrographs: [.lrsA])
        #expect(throws: SimulationError.self) {
            try inside.run(frames: night.directory.file("spool"), truth: night.directory.file("spool/truth"))
        }
    }

    @Test func theSameSeedGivesTheSameFramesAndAnotherSeedOthers() throws {
        let counts = NightPlan.Counts(biases: 0, darks: 0, ledLevels: [], fibreFlats: 0, arcs: 1, fabryPerots: 0,
                                      twilightFlats: 0, blockExposures: [], scienceExposureTime: 900, darkTime: 900)
        let a = try Simulated(night: Night("2026-11-20")!, seed: 11, spectrographs: [.lrsB], counts: counts)
        let b = try Simulated(night: Night("2026-11-20")!, seed: 11, spectrographs: [.lrsB], counts: counts)
        let c = try Simulated(night: Night("2026-11-20")!, seed: 12, spectrographs: [.lrsB], counts: counts)
        // Everything but CHECKSUM and DATASUM's comment, which cfitsio stamps with the time of writing (and
        // CHECKSUM covers the header, so it changes with it).
        func content(_ s: Simulated) throws -> (cards: [[FITSCard]], data: [[Double]]) {
            try withFITSFile(s.path(s.summary.frames[0])) { file in
                let cards = try file.headers().map { header in
                    header.cards.filter { $0.keyword != "CHECKSUM" }.map { c in
                        c.keyword == "DATASUM" ? FITSCard(keyword: c.keyword, value: c.value) : c
                    }
                }
                let data = try (1...3).map { try file.readImage(hdu: $0, as: Double.self).pixels }
                return (cards, data)
            }
        }
        let (ca, cb, cc) = (try content(a), try content(b), try content(c))
        #expect(ca.cards == cb.cards)
        #expect(ca.data == cb.data)
        #expect(ca.data != cc.data)
    }
}
