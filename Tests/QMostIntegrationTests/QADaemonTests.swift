import Foundation
import GRDB
import QMostCore
import QMostFITS
import QMostTesting
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Quality assessment in a running daemon (seed 9.2): after L1, `qa` writes each exposure's tables and plots and
/// `qa_analyse` tests them. A clean night passes and its L2 runs; a night with an injected fault fails the test that
/// watches for it, mails one alert naming it, and holds its L2 until the failure is exempted.
@Suite(.serialized)
struct QADaemonTests {
    static func yaml(_ sink: SMTPSink, l1: String = "quiet_period_s: 4") -> String {
        """
        stages:
          l1: {\(l1)}
          l2: {parameters: {templates: "\(SharedData.directory ?? "..")/redrock-templates"}}
        alerts: {enabled: true, smtp_url: "\(sink.url)", to: [ops@example.org], from: qmostd@example.org, retry_s: 1, require_tls: false}
        """
    }

    func simulate(_ inst: TestInstallation, night: String, seed: Int = 5, faults: [String] = []) throws -> [String] {
        let folder = inst.dir.file("sim-\(night)")
        let child = try ChildProcess([TestInstallation.binary, "simulate", "--night", night, "--out", folder, "--truth", "\(inst.root)/truth/\(night)",
                                      "--scale", "small", "--spectrographs", "LRS-A", "--seed", "\(seed)"] + faults.flatMap { ["--fault", $0] },
                                     outputPath: inst.dir.file("simulate-\(night).log"))
        let status = child.wait(timeout: 240) ?? { child.signal(SIGKILL); return -1 }()
        #expect(status == 0, "\(child.output)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".fits") }.sorted()
        for n in names { try FileManager.default.moveItem(atPath: "\(folder)/\(n)", toPath: "\(inst.spoolRaw)/\(n)") }
        return names.map { "\(inst.spoolRaw)/\($0)" }
    }

    func validation(_ inst: TestInstallation, _ night: String) throws -> Int? {
        try inst.repository.pool.read { db in try Int.fetchOne(db, sql: "SELECT validation_state FROM nights WHERE night = ?", arguments: [night]) }
    }

    func l2Runs(_ inst: TestInstallation, _ night: String) throws -> Int {
        try inst.count("SELECT COUNT(*) FROM stage_runs WHERE stage = 'l2' AND subject = 'night:\(night)' AND outcome = 'ok'")
    }

    /// The night's L2: both DXUs valid FITS with a row per spectrum of the night's container and the exemptions it
    /// was released with, and the same rows in `l2_results`.
    func checkL2(_ inst: TestInstallation, night: String, exempted: [Int64]) throws {
        let compact = night.replacingOccurrences(of: "-", with: "")
        let container = try #require(try inst.repository.pool.read { db in
            try String.fetchOne(db, sql: "SELECT path FROM products WHERE kind = 'l1_night_spectra' AND night = ?", arguments: [night])
        })
        let spectra = try withFITSFile("\(inst.root)/\(container)") { try $0.rowCount(hdu: try $0.moveTo(extname: "SPECTAB")) }
        for module in ["4XP", "4GP"] {
            let path = "\(inst.root)/repo/l2/\(night)/QMOST_\(compact)_\(module).fits"
            let verify = try ChildProcess(["/usr/bin/fitsverify", "-e", path], outputPath: inst.dir.file("fitsverify-\(compact)-\(module).txt"))
            #expect(verify.wait(timeout: 60) == 0 && verify.output.contains("0 error(s)"), "\(path):\n\(verify.output)")
            let (rows, card) = try withFITSFile(path) { file in
                (try file.rowCount(hdu: try file.moveTo(extname: "PHASE3CATALOGUE")), try file.header(hdu: 0).string("QAEXEMPT") ?? "")
            }
            let recorded = try inst.count("SELECT COUNT(*) FROM l2_results WHERE night = '\(night)' AND module = '\(module)' AND superseded_at IS NULL")
            #expect(rows == recorded, "\(module): \(rows) DXU rows, \(recorded) recorded")
            if module == "4XP" { #expect(rows == spectra, "a redshift for each of the \(spectra) spectra: \(rows)") }
            #expect(card == exempted.map(String.init).joined(separator: ","), "\(module) QAEXEMPT '\(card)' for \(exempted)")
        }
        let stars = try inst.count("SELECT COUNT(*) FROM l2_results WHERE night = '\(night)' AND module = '4GP'")
        let measured = try inst.count("SELECT COUNT(*) FROM l2_results WHERE night = '\(night)' AND module = '4XP' AND value IS NOT NULL")
        print("measured: L2 of \(night): \(measured) of \(spectra) redshifts, \(stars) radial velocities")
    }

    func failedTests(_ inst: TestInstallation, _ night: String) throws -> [Int64: [String]] {
        let rows = try inst.repository.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT testid, info FROM qa WHERE nightobs = ? AND state = 0", arguments: [Int(night.replacingOccurrences(of: "-", with: ""))!])
        }
        return Dictionary(grouping: rows, by: { $0["testid"] as Int64 }).mapValues { $0.map { $0["info"] as String } }
    }

    @Test(.timeLimit(.minutes(12)))
    func aCleanNightPassesAndFaultyNightsFailTheirTestsMailOnceAndWaitForAnExemption() throws {
        let sink = try SMTPSink()
        try sink.start()
        let inst = try TestInstallation(yaml: Self.yaml(sink), engine: TestInstallation.reductionEngine, label: "qmost-qa")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }

        // A clean night: every test at state >= 1, its tables and plots written, its L2 run.
        let clean = "2026-11-20"
        _ = try simulate(inst, night: clean)
        let passed = try inst.waitUntil(timeout: 300) { try validation(inst, clean) != nil && l2Runs(inst, clean) == 1 }
        #expect(passed, "clean night validated and its L2 run; log: \(daemon.output.suffix(3000))")
        let cleanFailures = try failedTests(inst, clean)
        #expect(try validation(inst, clean) ?? 0 >= 1, "failed: \(cleanFailures)")
        let rows = try inst.count("SELECT COUNT(*) FROM qa WHERE nightobs = 20261120")
        #expect(rows >= 10, "qa rows: \(rows)")
        // Every Phase 3 spectrum, whatever its stack level, has its rows too, under its SPECUID.
        let stackRows = try inst.count("SELECT COUNT(*) FROM qa WHERE nightobs = 20261120 AND specid IS NOT NULL")
        let spectra = try inst.count("SELECT COUNT(*) FROM phase3_products WHERE night = '\(clean)'")
        #expect(spectra > 0 && stackRows == 2 * spectra, "two stack tests for each of \(spectra) spectra: \(stackRows)")
        let (status, text) = try inst.cli(["qa", "show", clean])
        #expect(status == 0 && text.contains("state ") && text.contains("1001"), "\(text)")
        print("measured: qa show of the clean night:\n\(text)")
        let plots = try inst.repository.pool.read { db in try String.fetchAll(db, sql: "SELECT path FROM products WHERE kind = 'qa_plot' AND night = ?", arguments: [clean]) }
        #expect(plots.count == 2 * 3 * 6, "six plots per arm of each of the two exposures: \(plots.count)")
        for p in plots.prefix(6) {
            let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: "\(inst.root)/\(p)")))
            #expect(parser.parse(), "\(p) is well-formed SVG")
        }
        #expect(sink.messages().isEmpty, "no alert for a clean night: \(sink.messages().map(\.subject))")
        try checkL2(inst, night: clean, exempted: [])

        // The same fields with a sky fibre seeing a star, and a night whose green arm drifted 0.3 Å after its arcs.
        let science = try #require(try inst.repository.pool.read { db in
            try String.fetchOne(db, sql: "SELECT f.repo_path FROM files f JOIN frames fr ON fr.file_id = f.id WHERE fr.night = ? AND fr.kind = 'science'",
                                arguments: [clean])
        })
        let sky = try withFITSFile("\(inst.root)/\(science)") { file -> Int in
            let hdu = try file.moveTo(extname: "FIBINFO")
            let use = try file.readColumn("FIB_USE", hdu: hdu, as: Int16.self).values
            let slit = try file.readColumn("SLIT_POS", hdu: hdu, as: Int32.self).values
            return Int(slit[use.firstIndex(of: 3)!])
        }
        let faults: [(night: String, fault: String, test: Int64, arm: String)] = [
            ("2026-11-21", "sky-star:\(sky)", 1003, ""), ("2026-11-22", "wavelength-shift:GREEN:0.3", 1001, "GREEN"),
        ]
        for f in faults {
            _ = try simulate(inst, night: f.night, faults: [f.fault])
            let done = try inst.waitUntil(timeout: 300) { try validation(inst, f.night) != nil }
            #expect(done, "\(f.night) validated; log: \(daemon.output.suffix(3000))")
            let failed = try failedTests(inst, f.night)
            let state = try validation(inst, f.night)
            print("measured: \(f.night) (\(f.fault)): failed tests \(failed)")
            #expect(state == 0 && failed[f.test] != nil, "\(f.fault) fails test \(f.test): \(failed)")
            if !f.arm.isEmpty { #expect(failed[f.test]!.allSatisfy { $0.contains(f.arm) }, "only the \(f.arm) arm: \(failed[f.test]!)") }
            // One mail for the night, naming the test.
            let mails = sink.waitForMessages(count: faults.firstIndex { $0.night == f.night }! + 1, timeout: 30).filter { $0.subject.contains(f.night) }
            #expect(mails.count == 1 && mails[0].subject.contains("failed QA") && mails[0].body.contains("test \(f.test)"), "\(mails.map(\.subject))")
            // L2 waits.
            usleep(3_000_000)
            #expect(try l2Runs(inst, f.night) == 0, "L2 of a failed night must wait")
            let blocked = try inst.count("SELECT COUNT(*) FROM jobs WHERE stage = 'l2' AND night = '\(f.night)' AND state = 'pending'")
            #expect(blocked == 1, "the night's L2 job waits: \(blocked)")
            // Exempt every failed test: the night validates with the exemption and its L2 runs.
            for test in failed.keys.sorted() {
                let (s, out) = try inst.cli(["qa", "exempt", "--night", f.night, "--test", "\(test)", "--reason", "injected fault \(f.fault)"])
                #expect(s == 0, "\(out)")
            }
            let released = try inst.waitUntil(timeout: 120) { try l2Runs(inst, f.night) == 1 }
            #expect(released, "L2 of \(f.night) after the exemption; log: \(daemon.output.suffix(2000))")
            try checkL2(inst, night: f.night, exempted: failed.keys.sorted())
            let (_, show) = try inst.cli(["qa", "show", f.night])
            #expect(show.contains("exempted: test \(f.test)") && show.contains("failed, exempted"), "\(show)")
        }
        usleep(3_000_000)
        let all = sink.messages()
        #expect(all.count == faults.count, "exactly one mail per failed night: \(all.map(\.subject))")

        // The offset test over the three nights, as text and a plot.
        let svg = inst.dir.file("trend.svg")
        let (trendStatus, trend) = try inst.cli(["qa", "trend", "1001", "--nights", "2026-11-20..2026-11-22", "--svg", svg])
        print("measured: qa trend 1001:\n\(trend)")
        #expect(trendStatus == 0 && trend.contains("20261120") && trend.contains("20261122"), "\(trend)")
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: svg)))
        #expect(parser.parse(), "the trend plot is well-formed SVG")
        let (jsonStatus, json) = try inst.cli(["qa", "show", "--json", faults[1].night])
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(jsonStatus == 0 && object?["state"] as? Int == 0 && (object?["exemptions"] as? [[String: Any]])?.isEmpty == false, "\(json.prefix(500))")
    }

    @Test(.timeLimit(.minutes(8)))
    func anArmLeftWithoutSkySubtractionFailsItsSkyTestsAndOnlyThatArms() throws {
        let sink = try SMTPSink()
        try sink.start()
        let inst = try TestInstallation(yaml: Self.yaml(sink, l1: "quiet_period_s: 4, parameters: {no_sky_subtraction: LRS-A/RED}"), engine: TestInstallation.reductionEngine, label: "qmost-qa-nosky")
        let daemon = try inst.startDaemon()
        defer { inst.stop(daemon) }
        let night = "2026-11-20"
        _ = try simulate(inst, night: night)
        let done = try inst.waitUntil(timeout: 300) { try validation(inst, night) != nil }
        #expect(done, "validated; log: \(daemon.output.suffix(3000))")
        let failed = try failedTests(inst, night)
        print("measured: red arm without sky subtraction: failed tests \(failed)")
        #expect(try validation(inst, night) == 0 && !failed.isEmpty)
        #expect(failed.values.joined().allSatisfy { $0.contains("RED") }, "only the red arm fails: \(failed)")
        #expect(failed[1003] != nil && failed[1009] != nil, "the residual-sky tests fail: \(failed)")
        let mails = sink.waitForMessages(count: 1, timeout: 30)
        #expect(mails.count == 1 && mails[0].subject.contains(night), "\(mails.map(\.subject))")
        usleep(3_000_000)
        #expect(try l2Runs(inst, night) == 0, "L2 waits")
    }
}
