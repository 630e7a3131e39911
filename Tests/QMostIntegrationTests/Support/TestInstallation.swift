import Foundation
import GRDB
import QMostCore
import QMostDaemon
import QMostStore
import QMostTesting

/// A throw-away installation driven through the real `qmostd` executable.
final class TestInstallation: @unchecked Sendable {  // set up once; daemon handles owned by the test
    let dir: TemporaryDirectory
    let root: String
    var configPath: String { "\(root)/etc/qmostd.yaml" }
    var spoolRaw: String { "\(root)/spool/raw" }
    var quarantine: String { "\(root)/spool/quarantine" }
    private(set) var repository: Repository
    private var runs = 0

    /// `yaml` is appended to a configuration tuned for tests (fast scans, short grace periods); `watch` and
    /// `engine` add or override keys of those two sections (YAML forbids repeating a section).
    init(yaml: String = "", watch: String = "", engine: String = "", label: String = "qmost-it",
         under base: String? = nil) throws {
        dir = try TemporaryDirectory(label, under: base)
        root = dir.path
        try Installation.create(at: root)
        let config = """
            watch: {\(Self.merge("reconcile_interval_s: 2, incomplete_grace_s: 8, incomplete_recheck_s: 0.25", watch))}
            engine: {\(Self.merge("lease_s: 3, heartbeat_s: 1, backoff_base_s: 0.2, backoff_max_s: 1, poll_ms: 50", engine))}
            \(yaml)
            """
        try config.write(toFile: "\(root)/etc/qmostd.yaml", atomically: true, encoding: .utf8)
        repository = try Repository(path: "\(root)/qmost.db")
    }

    /// Engine overrides for tests that reduce whole nights and count what ran: the default 3 s lease keeps the
    /// crash tests quick to reap, but a debug build reducing on both cores can miss a heartbeat by that much,
    /// and a reaped lease reruns a job (correctly, but it adds a run those tests count).
    static let reductionEngine = "lease_s: 20"

    /// `a: 1, b: 2` merged with overrides `b: 3, c: 4` -> `a: 1, b: 3, c: 4` (flat scalar keys only).
    static func merge(_ base: String, _ overrides: String) -> String {
        func pairs(_ s: String) -> [(String, String)] {
            s.split(separator: ",").compactMap { item in
                let kv = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return kv.count == 2 ? (kv[0], kv[1]) : nil
            }
        }
        var merged = pairs(base)
        for (k, v) in pairs(overrides) {
            if let i = merged.firstIndex(where: { $0.0 == k }) { merged[i].1 = v } else { merged.append((k, v)) }
        }
        return merged.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
    }

    /// The `qmostd` executable built beside the tests (`$QMOSTD_BINARY` overrides).
    static var binary: String {
        if let env = ProcessInfo.processInfo.environment["QMOSTD_BINARY"] { return env }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        for candidate in [".build/debug/qmostd", ".build/release/qmostd"] {
            let path = packageRoot.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot.appendingPathComponent(".build/debug/qmostd").path
    }

    /// Starts `qmostd run` on this installation.
    func startDaemon(extraArguments: [String] = []) throws -> ChildProcess {
        runs += 1
        return try ChildProcess([Self.binary, "run", "--config", configPath, "--log-level", "info"] + extraArguments,
                                outputPath: dir.file("daemon-\(runs).log"))
    }

    /// Runs a CLI command to completion and returns (status, output).
    func cli(_ arguments: [String], timeout: Double = 30) throws -> (Int32, String) {
        runs += 1
        let child = try ChildProcess([Self.binary] + arguments + ["--config", configPath], outputPath: dir.file("cli-\(runs).log"))
        let status = child.wait(timeout: timeout) ?? { child.signal(SIGKILL); return -1 }()
        return (status, child.output)
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes.
    func waitUntil(timeout: Double, every interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if try condition() { return true }
            usleep(UInt32(interval * 1e6))
        } while Date() < deadline
        return try condition()
    }

    func count(_ sql: String) throws -> Int {
        try repository.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// Files under a folder, recursively, skipping dot-files.
    func files(under path: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: path) else { return [] }
        return e.compactMap { $0 as? String }.filter {
            !($0 as NSString).lastPathComponent.hasPrefix(".")
                && !FileManager.default.fileExists(atPath: "\(path)/\($0)/.")  // not directories
        }.filter { var isDir: ObjCBool = false; FileManager.default.fileExists(atPath: "\(path)/\($0)", isDirectory: &isDir); return !isDir.boolValue }
    }
}
