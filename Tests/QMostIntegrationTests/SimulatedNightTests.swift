import Foundation
import GRDB
import QMostCore
import QMostStore
import QMostTesting
import Testing

/// `qmostd simulate` writing a small night straight into a running installation's spool: every frame is
/// ingested (none quarantined), classified as the simulation meant it, assigned to the night, and its FIBINFO
/// recorded; the truth stays outside the spool.
@Suite(.serialized)
struct SimulatedNightTests {
    func run(_ arguments: [String], in inst: TestInstallation, timeout: Double) throws -> (Int32, String) {
        let child = try ChildProcess([TestInstallation.binary] + arguments, outputPath: inst.dir.file("simulate-\(UUID().uuidString.prefix(6)).log"))
        let status = child.wait(timeout: timeout) ?? { child.signal(SIGKILL); return -1 }()
        return (status, child.output)
    }

    @Test(.timeLimit(.minutes(5)))
    func aSimulatedNightIsIngestedAndClassifiedAsTheTruthSays() throws {
        let inst = try TestInstallation(label: "qmost-simnight")
        let truth = "\(inst.root)/truth/2026-11-20"
        let (status, output) = try run(["simulate", "--night", "2026-11-20", "--out", inst.spoolRaw, "--truth", truth,
                                        "--scale", "small", "--spectrographs", "LRS-A,HRS", "--seed", "3"], in: inst, timeout: 240)
        #expect(status == 0, "\(output)")
        #expect(output.contains("simulated 32 files"), "\(output)")
        #expect(output.contains("simulate [1/32] bias"), "progress is shown: \(output)")

        let (runStatus, runOutput) = try inst.cli(["run", "--until-idle"], timeout: 240)
        #expect(runStatus == 0, "\(runOutput)")
        #expect(try inst.count("SELECT COUNT(*) FROM files") == 32, "\(runOutput)")
        #expect(try inst.count("SELECT COUNT(*) FROM quarantine") == 0)
        #expect(inst.files(under: inst.spoolRaw).isEmpty, "spool drained")

        let lines = try String(contentsOfFile: "\(truth)/frames.tsv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(lines.count == 32)
        for line in lines {
            let f = line.split(separator: "\t").map(String.init)
            let row = try inst.repository.pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT frames.kind, frames.night, frames.ob_id, frames.spectrograph, frames.hdus FROM frames
                    JOIN files ON files.id = frames.file_id WHERE files.original_name = ?
                    """, arguments: [f[0]])
            }
            let r = try #require(row, "\(f[0]) not ingested")
            #expect(r["kind"] as String == f[1], "\(f[0])")
            #expect(r["night"] as String == "2026-11-20", "\(f[0])")
            #expect(r["ob_id"] as Int64 == Int64(f[4])!, "\(f[0])")
            #expect(r["spectrograph"] as String == f[3], "\(f[0])")
            #expect(r["hdus"] as Int == 5, "\(f[0])")
        }
        // FIBINFO: 34 fibres per frame; science frames name their targets.
        #expect(try inst.count("SELECT COUNT(*) FROM fibinfo") == 32 * 34)
        let targets = try inst.count("""
            SELECT COUNT(*) FROM fibinfo JOIN frames USING (file_id) WHERE frames.kind = 'science' AND fibinfo.targ_id IS NOT NULL
            """)
        #expect(targets >= 2 * 2 * 20, "two science frames per spectrograph with ≥ 20 targets each: \(targets)")
    }

    @Test func badArgumentsAreNamedAndTheTruthMayNotGoIntoTheSpool() throws {
        let inst = try TestInstallation(label: "qmost-simargs")
        let (s1, o1) = try run(["simulate", "--night", "2026-11-20", "--out", inst.spoolRaw, "--scale", "huge"], in: inst, timeout: 30)
        #expect(s1 != 0 && o1.contains("--scale huge: expected small or full"), "\(o1)")
        let (s2, o2) = try run(["simulate", "--night", "20-11-2026", "--out", inst.spoolRaw], in: inst, timeout: 30)
        #expect(s2 != 0 && o2.contains("expected YYYY-MM-DD"), "\(o2)")
        let (s3, o3) = try run(["simulate", "--night", "2026-11-20", "--out", inst.spoolRaw, "--spectrographs", "LRS-C"], in: inst, timeout: 30)
        #expect(s3 != 0 && o3.contains("'LRS-C' is not one of LRS-A, LRS-B, HRS"), "\(o3)")
        let (s4, o4) = try run(["simulate", "--night", "2026-11-20", "--out", inst.spoolRaw, "--truth", "\(inst.spoolRaw)/truth"], in: inst, timeout: 30)
        #expect(s4 != 0 && o4.contains("must not lie inside"), "\(o4)")
        let (s5, o5) = try run(["simulate", "--night", "2026-11-20", "--out", inst.spoolRaw, "--instrument-data", "\(inst.root)/nothing"], in: inst, timeout: 30)
        #expect(s5 != 0 && o5.contains("\(inst.root)/nothing"), "\(o5)")
        #expect(inst.files(under: inst.spoolRaw).isEmpty, "nothing written by a refused run")
    }
}
