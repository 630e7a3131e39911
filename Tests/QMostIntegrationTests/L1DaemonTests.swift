import Foundation
import GRDB
import QMostCore
import QMostFITS
import QMostStore
import QMostTesting
import Testing

/// A simulated night dropped into a running daemon's spool comes out as masters, calibrated spectra and Phase 3
/// products with no manual step; `explain` names each master and its tier and walks a product down to the raw
/// frames; a better master arriving later re-reduces only the exposures it improves; a revisit of the same
/// targets on a later night makes deep stacks, recomputed when another exposure of them arrives.
@Suite(.serialized)
struct L1DaemonTests {
    /// Simulates one small LRS-A night into `folder`; returns the files it wrote, by kind, from the truth.
    func simulate(_ night: String, seed: Int, into folder: String, truth: String, revisit: String? = nil,
                  in inst: TestInstallation) throws -> [(name: String, kind: String)] {
        let child = try ChildProcess([TestInstallation.binary, "simulate", "--night", night, "--out", folder, "--truth", truth,
                                      "--scale", "small", "--spectrographs", "LRS-A", "--seed", "\(seed)"] + (revisit.map { ["--revisit", $0] } ?? []),
                                     outputPath: inst.dir.file("simulate-\(night).log"))
        let status = child.wait(timeout: 240) ?? { child.signal(SIGKILL); return -1 }()
        #expect(status == 0, "\(child.output)")
        return try String(contentsOfFile: "\(truth)/frames.tsv", encoding: .utf8).split(separator: "\n").dropFirst().map {
            let f = $0.split(separator: "\t").map(String.init)
            return (f[0], f[1])
        }
    }

    func move(_ names: [String], from folder: String, to spool: String) throws {
        for n in names { try FileManager.default.moveItem(atPath: "\(folder)/\(n)", toPath: "\(spool)/\(n)") }
    }

    func reductions(_ inst: TestInstallation, night: String) throws -> [String: (tier: String, runs: Int)] {
        try inst.repository.pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT f.repo_path AS raw, pc.tier AS tier,
                       (SELECT COUNT(*) FROM stage_runs r WHERE r.subject = 'reduce:' || f.repo_path AND r.outcome = 'ok') AS runs
                FROM reduced_frames rf JOIN files f ON f.id = rf.file_id JOIN frames fr ON fr.file_id = f.id
                JOIN product_calibrations pc ON pc.product_id = rf.product_id AND pc.kind = 'bias'
                WHERE fr.night = ?
                """, arguments: [night])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["raw"] as String, ($0["tier"] as String, $0["runs"] as Int)) })
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func aNightInTheSpoolBecomesMastersAndSpectraAndABetterBiasReReducesOnlyWhatItImproves() throws {
        let inst = try TestInstallation(yaml: "stages:\n  l1: {quiet_period_s: 4}\n  l2: {parameters: {templates: \"\(SharedData.directory ?? "..")/redrock-templates\"}}",
                                        engine: TestInstallation.reductionEngine, label: "qmost-l1")
        let daemon = try inst.startDaemon()
        defer { daemon.signal(SIGTERM); _ = daemon.wait(timeout: 30) }

        // Night 1, whole, straight into the spool.
        let first = try simulate("2026-11-20", seed: 5, into: inst.spoolRaw, truth: "\(inst.root)/truth/n1", in: inst)
        let science1 = first.filter { $0.kind == "science" }.count
        #expect(science1 == 2)
        let done1 = try inst.waitUntil(timeout: 300) {
            try inst.count("SELECT COUNT(*) FROM products WHERE kind = 'l1_spectra' AND night = '2026-11-20'") == science1
        }
        #expect(done1, "night 1 reduced; daemon log: \(daemon.output.suffix(3000))")
        let masters = try inst.repository.pool.read { db in
            try String.fetchAll(db, sql: "SELECT kind FROM calibrations WHERE night = '2026-11-20' ORDER BY kind")
        }
        #expect(Set(masters) == ["bias", "dark", "detector_flat", "trace", "wave", "fibre_flat_field"], "masters: \(masters)")
        // Then, with no manual step, the OB's Phase 3 products and the night's container.
        let products1 = try inst.waitUntil(timeout: 300) {
            try inst.count("SELECT COUNT(*) FROM products WHERE kind = 'l1_night_spectra' AND night = '2026-11-20'") == 1
        }
        #expect(products1, "night 1 Phase 3 products; daemon log: \(daemon.output.suffix(3000))")
        // Every product is on disk and valid FITS: masters, traces, wavelength solutions, spectra.
        for path in try inst.repository.pool.read({ db in try String.fetchAll(db, sql: "SELECT path FROM products") }) {
            let full = "\(inst.root)/\(path)"
            #expect(FileManager.default.fileExists(atPath: full), "\(path) exists")
            let child = try ChildProcess(["/usr/bin/fitsverify", "-e", full], outputPath: inst.dir.file("fitsverify-\(UUID().uuidString.prefix(6)).txt"))
            let status = child.wait(timeout: 120)
            #expect(status == 0 && child.output.contains("Verification found 0 warning(s) and 0 error(s)"), "\(path):\n\(child.output)")
        }

        // explain on a science frame names every master, its file and tier.
        let raw1 = try #require(try reductions(inst, night: "2026-11-20").keys.sorted().first)
        let (status, text) = try inst.cli(["explain", "\(inst.root)/\(raw1)"])
        #expect(status == 0, "\(text)")
        print("measured: explain of a reduced science frame:\n\(text)")
        for kind in ["bias", "dark", "detector_flat", "trace", "wave", "fibre_flat_field"] {
            #expect(text.contains(kind) && text.contains("master/2026-11-20/LRS-A/\(kind)"), "explain shows the \(kind) master: \(text)")
        }
        #expect(text.contains("[same_night]"), "explain shows tiers: \(text)")
        let (jsonStatus, json) = try inst.cli(["explain", "--json", "\(inst.root)/\(raw1)"])
        #expect(jsonStatus == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let l1 = try #require(object?["l1"] as? [String: Any], "\(json)")
        #expect((l1["calibrations"] as? [[String: Any]])?.count == 6)
        // The spectra are flat-fielded and sky-subtracted, the un-subtracted ones kept beside them.
        let product = try #require(l1["product"] as? String)
        let hdus = try withFITSFile("\(inst.root)/\(product)") { file in try file.headers().compactMap { $0.string("EXTNAME") } }
        for arm in ["BLUE", "GREEN", "RED"] {
            #expect(hdus.contains("FLUX_\(arm)") && hdus.contains("FLUX_NOSS_\(arm)") && hdus.contains("SENS_\(arm)"), "\(hdus)")
        }
        // Flux-calibrated from the frame's standards: erg/s/cm²/Å throughout.
        let (fluxcal, bunit) = try withFITSFile("\(inst.root)/\(product)") { file in
            (try file.header(hdu: 0).string("FLUXCAL"), try file.header(hdu: try file.moveTo(extname: "FLUX_GREEN")).string("BUNIT"))
        }
        #expect(fluxcal == "ABSOLUTE" && bunit == "erg/s/cm2/Angstrom", "FLUXCAL \(fluxcal ?? "-"), BUNIT \(bunit ?? "-")")

        // explain on the product walks its lineage down to the raw frames: the science frame and, through each
        // master, the calibration frames it was combined from.
        let (productStatus, productText) = try inst.cli(["explain", "\(inst.root)/\(product)"])
        #expect(productStatus == 0, "\(productText)")
        print("measured: explain of an L1 product:\n\(productText)")
        #expect(productText.contains("[product]") && productText.contains("raw science") && productText.contains(raw1), "\(productText)")
        for (master, rawKind) in [("master_bias", "raw bias"), ("master_trace", "raw fibre_flat"), ("master_wave", "raw arc"), ("master_fibre_flat_field", "raw twilight_flat")] {
            #expect(productText.contains(master) && productText.contains(rawKind), "\(master) down to \(rawKind): \(productText)")
        }
        let (_, productJSON) = try inst.cli(["explain", "--json", "\(inst.root)/\(product)"])
        let lineage = try #require((try JSONSerialization.jsonObject(with: Data(productJSON.utf8)) as? [String: Any])?["lineage"] as? [String: Any])
        func raws(_ node: [String: Any]) -> Int {
            ((node["kind"] as? String)?.hasPrefix("raw ") == true ? 1 : 0) + ((node["inputs"] as? [[String: Any]]) ?? []).reduce(0) { $0 + raws($1) }
        }
        #expect(raws(lineage) >= 10, "raw frames reached: \(raws(lineage))")

        try checkPhase3Products(inst, night: "2026-11-20", raw: raw1)

        // Night 2 revisits night 1's targets, without its biases and one science exposure: reduced with night 1's
        // bias, one night away; its OB products and night 1's make deep stacks of every target.
        let staging = inst.dir.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let second = try simulate("2026-11-21", seed: 5, into: staging, truth: "\(inst.root)/truth/n2", revisit: "2026-11-20", in: inst)
        let lateScience = try #require(second.last { $0.kind == "science" }).name
        try move(second.filter { $0.kind != "bias" && $0.name != lateScience }.map(\.name), from: staging, to: inst.spoolRaw)
        let done2 = try inst.waitUntil(timeout: 300) {
            try reductions(inst, night: "2026-11-21").count == 1 && deepStacks(inst).values.contains { $0.combined == 3 }
        }
        #expect(done2, "night 2 reduced without its biases, deep stacks made; log: \(daemon.output.suffix(3000))")
        #expect(try reductions(inst, night: "2026-11-21").values.allSatisfy { $0.tier == "nearby" && $0.runs == 1 })
        let deep1 = try deepStacks(inst)
        let ob1 = try inst.count("SELECT COUNT(*) FROM phase3_products WHERE night = '2026-11-20' AND stack = 'OB' AND part = 'J'")
        #expect(deep1.filter { $0.key.hasSuffix("LJ1.fits") }.count == ob1, "a deep stack per target: \(deep1.count) for \(ob1) targets")

        // Once QA validates night 2, its L2 measures the container (L2 reruns on the later ones below).
        let firstL2 = try inst.waitUntil(timeout: 300) {
            try inst.count("SELECT COUNT(*) FROM l2_results WHERE night = '2026-11-21' AND module = '4XP'") > 0
        }
        #expect(firstL2, "night 2's first L2; log: \(daemon.output.suffix(3000))")

        // Its biases arrive late: night 2 is re-reduced with its own bias; night 1 is left alone.
        try move(second.filter { $0.kind == "bias" }.map(\.name), from: staging, to: inst.spoolRaw)
        let redone = try inst.waitUntil(timeout: 300) {
            try reductions(inst, night: "2026-11-21").values.allSatisfy { $0.tier == "same_night" && $0.runs == 2 }
        }
        let night2 = try reductions(inst, night: "2026-11-21"), night1 = try reductions(inst, night: "2026-11-20")
        #expect(redone, "night 2 re-reduced: \(night2); log: \(daemon.output.suffix(3000))")
        #expect(night1.count == 2 && night1.values.allSatisfy { $0.tier == "same_night" && $0.runs == 1 }, "night 1 untouched: \(night1)")

        // Another exposure of the targets arrives: its OB products and the deep stacks are made again with it.
        try move([lateScience], from: staging, to: inst.spoolRaw)
        let restacked = try inst.waitUntil(timeout: 300) {
            let deep = try deepStacks(inst)
            return !deep.isEmpty && deep.values.allSatisfy { $0.combined == 4 }
        }
        let deep2 = try deepStacks(inst)
        #expect(restacked, "deep stacks of 4 exposures: \(deep2.values.map(\.combined)); log: \(daemon.output.suffix(3000))")
        for (path, after) in deep2 {
            #expect(deep1[path].map { $0.sha256 != after.sha256 } ?? false, "\(path) was rewritten")
        }
        let deepPath = try #require(deep2.keys.sorted().first { $0.hasSuffix("LJ1.fits") })
        let header = try withFITSFile("\(inst.root)/\(deepPath)") { try $0.header(hdu: 0) }
        #expect(header.int("NCOMBINE") == 4 && header.string("PROV1")?.contains("_20261120_") == true
                && header.string("PROV2")?.contains("_20261121_") == true && header.string("PROV3") == nil, "deep stack provenance: \(header)")
        print("measured: deep stack \(deepPath): NCOMBINE \(header.int("NCOMBINE") ?? 0), SNR \(header.double("SNR") ?? 0), PROV1 \(header.string("PROV1") ?? "-"), PROV2 \(header.string("PROV2") ?? "-")")
        let (deepStatus, deepExplain) = try inst.cli(["explain", "\(inst.root)/\(deepPath)"])
        #expect(deepStatus == 0 && deepExplain.contains(lateScience) && deepExplain.contains(raw1), "deep stack lineage reaches both nights' raw frames: \(deepExplain)")
        #expect(try inst.count("SELECT COUNT(*) FROM phase3_products WHERE night = '2026-11-21' AND stack = 'OB' AND combined = 2") == ob1 * 4)
        // L2 follows L1: each container of night 2 (first reduction, re-reduction, the late exposure) was measured in
        // turn once QA validated it, the earlier results kept and marked superseded, the last ones current.
        let l2 = try inst.waitUntil(timeout: 300) {
            let container = try inst.repository.pool.read { db in
                try String.fetchOne(db, sql: "SELECT sha256 FROM products WHERE kind = 'l1_night_spectra' AND night = '2026-11-21'")
            }
            return try inst.count("SELECT COUNT(*) FROM l2_results WHERE night = '2026-11-21' AND superseded_at IS NULL AND input_sha256 = '\(container ?? "")'") > 0
        }
        let states = try inst.repository.pool.read { db in try Int.fetchOne(db, sql: "SELECT validation_state FROM nights WHERE night = '2026-11-21'") }
        #expect(l2, "night 2's L2 on its last container (validation \(states.map(String.init) ?? "none")); log: \(daemon.output.suffix(3000))")
        let inputs = try inst.count("SELECT COUNT(DISTINCT input_sha256) FROM l2_results WHERE night = '2026-11-21' AND module = '4XP'")
        let superseded = try inst.count("SELECT COUNT(*) FROM l2_results WHERE night = '2026-11-21' AND superseded_at IS NOT NULL")
        print("measured: night 2 L2 measured \(inputs) container version(s); \(superseded) result(s) superseded")
        #expect(inputs >= 2 && superseded > 0, "L2 reran on the replaced container: \(inputs) inputs, \(superseded) superseded")
        #expect(try inst.count("SELECT COUNT(*) FROM jobs WHERE state = 'dead'") == 0)
        // Only night 2 was ever re-reduced (how often depends on how the late biases' ingests fell into the quiet period).
        let rereduced2 = try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'l1.rereduced' AND night = '2026-11-21'")
        #expect(try inst.count("SELECT COUNT(*) FROM events WHERE kind = 'l1.rereduced' AND night = '2026-11-20'") == 0 && rereduced2 >= 1,
                "re-reductions of night 2: \(rereduced2); leases and re-reductions in the log: \(daemon.output.split(separator: "\n").filter { $0.contains("lease") || $0.contains("re-reduced") })")
    }

    /// The deep stacks by path: how many exposures each combines and its checksum.
    func deepStacks(_ inst: TestInstallation) throws -> [String: (combined: Int, sha256: String)] {
        try inst.repository.pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT p.path, p.sha256, q.combined FROM phase3_products q JOIN products p ON p.id = q.product_id WHERE q.stack = 'ALL'")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["path"] as String, ($0["combined"] as Int, $0["sha256"] as String)) })
        }
    }

    /// The night's Phase 3 files: four per target (LB1, LG1, LR1, LJ1) combining the OB's two exposures, with
    /// every keyword of the real QL1 sample, heliocentric, SPECUID_P parseable, lineage down to the raw frames;
    /// the night's container holds every joined spectrum.
    func checkPhase3Products(_ inst: TestInstallation, night: String, raw: String) throws {
        let joined = try inst.repository.pool.read { db in
            try String.fetchAll(db, sql: "SELECT p.path FROM phase3_products q JOIN products p ON p.id = q.product_id WHERE q.night = ? AND q.stack = 'OB' AND q.part = 'J' ORDER BY p.path",
                                arguments: [night])
        }
        #expect(joined.count >= 20, "joined spectra: \(joined.count)")
        #expect(try inst.count("SELECT COUNT(*) FROM products WHERE kind = 'l1_phase3' AND night = '\(night)'") == joined.count * 4)
        let sample = "\(try #require(SharedData.directory))/4most/qmost-L1-sample-LJ1.fits"
        let (samplePrimary, sampleTable) = try withFITSFile(sample) { f in (try f.header(hdu: 0), try f.header(hdu: 1)) }
        let path = try #require(joined.first)
        #expect(path.contains("/l1/\(night)/singlespec/qmost_") && path.hasSuffix("_LJ1.fits"), "\(path)")
        let (primary, table) = try withFITSFile("\(inst.root)/\(path)") { f in (try f.header(hdu: 0), try f.header(hdu: 1)) }
        // PROVi count the inputs: PROV1 must be there, the sample's PROV2 and PROV3 need not.
        func required(_ k: String) -> Bool { !k.isEmpty && k != "COMMENT" && !(k.hasPrefix("PROV") && k != "PROV1") }
        let missing = samplePrimary.cards.map(\.keyword).filter { required($0) && primary.card($0) == nil }
            + sampleTable.cards.map(\.keyword).filter { required($0) && table.card($0) == nil }
        #expect(missing.isEmpty, "keywords of the sample missing from \(path): \(missing)")
        for key in ["CNAME", "TARG_ID", "U_OBJ_ID", "SPECUID", "SPECUID_P"] { #expect(primary.card(key) != nil, "\(key) in \(path)") }
        #expect(abs(table.double("HELIOCR") ?? 0) > 0.1, "a heliocentric correction was applied: \(table)")
        #expect(primary.string("SPECSYS") == "HELIOCEN" && primary.int("NCOMBINE") == 2 && primary.string("FLUXCAL") == "ABSOLUTE", "\(primary)")
        #expect(primary.string("PROV1")?.hasSuffix("_LB1.fits") == true && primary.string("PROV3")?.hasSuffix("_LR1.fits") == true)
        let provenance = try #require(primary.string("SPECUID_P").flatMap(SpectrumProvenance.init(parsing:)), "SPECUID_P \(primary.string("SPECUID_P") ?? "-")")
        #expect(provenance.specuid == primary.int("SPECUID") && provenance.stack == .ob && provenance.arm == "J")
        print("measured: \(path): SNR \(primary.double("SNR") ?? 0), LAMRMS \(primary.double("LAMRMS") ?? 0) nm, LAMNLIN \(primary.int("LAMNLIN") ?? 0), SPEC_RES \(primary.double("SPEC_RES") ?? 0), HELIOCR \(table.double("HELIOCR") ?? .nan) km/s, SPECUID_P \(provenance.text)")
        let (status, text) = try inst.cli(["explain", "\(inst.root)/\(path)"])
        #expect(status == 0 && text.contains(raw) && text.contains("raw bias") && text.contains("raw arc"), "explain on a Phase 3 file: \(text)")
        let container = try #require(try inst.repository.pool.read { db in
            try String.fetchOne(db, sql: "SELECT path FROM products WHERE kind = 'l1_night_spectra' AND night = ?", arguments: [night])
        })
        #expect(container.hasSuffix("/l1/\(night)/qmost_\(night.replacingOccurrences(of: "-", with: ""))_nightspectra.fits"), "\(container)")
        let nspec = try withFITSFile("\(inst.root)/\(container)") { try $0.header(hdu: 0).int("NSPEC") }
        #expect(nspec == Int64(joined.count), "container NSPEC \(nspec ?? -1) for \(joined.count) joined spectra")
    }
}
