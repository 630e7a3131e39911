import Foundation
import GRDB
import QMostCore
import QMostDaemon
import QMostStore
import QMostTesting

/// The running daemon (release build, as a child process) ingesting from its spool: throughput for 2,000 x 1 MB
/// files, and latency from a file's close to its "ingested" event.
struct SpoolBench {
    let quick: Bool

    func run(in root: String) async throws -> [BenchResult] {
        try Installation.create(at: root)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("qmostd").path
        let daemon = try ChildProcess([binary, "run", "--config", "\(root)/etc/qmostd.yaml", "--log-level", "warning"],
                                      outputPath: "\(root)/daemon.log")
        defer { daemon.signal(SIGTERM); daemon.wait(timeout: 30) }
        let repository = try Repository(path: "\(root)/qmost.db")
        @Sendable func count(_ sql: String) throws -> Int {
            try repository.pool.unsafeReentrantRead { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        }
        while try count("SELECT COUNT(*) FROM events WHERE kind = 'daemon.started'") == 0 {
            guard daemon.isRunning else { throw ChildProcessError(message: "daemon exited:\n\(daemon.output)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(500))

        // Throughput: 2,000 distinct 1 MB frames renamed into the spool at once.
        let n = quick ? 300 : 2_000
        let staging = "\(root)/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let spec = SyntheticFrames.Spec(kind: .science, night: Night("2026-11-20")!, index: 0, width: 724, height: 724)
        let (template, patch) = try SyntheticFrames.copies(of: spec, count: n, scratch: "\(staging)/.template.fits")
        var bytes = template
        for i in 0..<n {
            patch(&bytes, i)
            try Data(bytes).write(to: URL(fileURLWithPath: "\(staging)/bulk-\(i).fits"))
        }
        let mb = Double(template.count) / 1e6
        // Flush the staging copies first: the figure is the daemon's, not the kernel writing back 2 GB the
        // bench itself just produced (a producer's files arrive over minutes, long written back).
        sync()
        print(String(format: "spool: dropping %d files of %.2f MB ...", n, mb))
        let start = Date()
        for i in 0..<n { rename("\(staging)/bulk-\(i).fits", "\(root)/spool/raw/bulk-\(i).fits") }
        while try count("SELECT COUNT(*) FROM files") < n {
            guard daemon.isRunning else { throw ChildProcessError(message: "daemon exited:\n\(daemon.output)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "spool: %d files ingested in %.2f s (%.0f files/s, %.0f MB/s)", n, seconds, Double(n) / seconds,
                     Double(n) * mb / seconds))

        // Latency: one file at a time into an idle daemon, close time to the "ingested" event's time.
        let samples = quick ? 50 : 200
        var latencies: [Double] = []
        for i in 0..<samples {
            patch(&bytes, n + i)
            let path = "\(root)/spool/raw/single-\(i).fits"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            let closedAt = Date().timestamp
            var at: Double?
            while at == nil {
                at = try await repository.pool.read { db in
                    try Double.fetchOne(db, sql: "SELECT at FROM events WHERE kind = 'ingested' AND path LIKE ?",
                                        arguments: ["%/single-\(i).fits"])
                }
                if at == nil { try await Task.sleep(for: .milliseconds(1)) }
            }
            latencies.append((at! - closedAt) * 1000)
            try await Task.sleep(for: .milliseconds(30))
        }
        latencies.sort()
        let median = latencies[latencies.count / 2]
        let p99 = latencies[min(latencies.count - 1, Int((Double(latencies.count) * 0.99).rounded(.up)) - 1)]
        print(String(format: "spool: close -> ingested over %d files: median %.1f ms, p99 %.1f ms, max %.1f ms",
                     samples, median, p99, latencies.last!))
        return [
            BenchResult(name: "spool ingest \(n) x \(String(format: "%.1f", mb)) MB files", value: Double(n) / seconds,
                        unit: "files/s", target: 200),
            BenchResult(name: "close -> ingested latency, median", value: median, unit: "ms", target: 100, lowerIsBetter: true),
            BenchResult(name: "close -> ingested latency, p99", value: p99, unit: "ms", target: 100, lowerIsBetter: true),
        ]
    }
}
