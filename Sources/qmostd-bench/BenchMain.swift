import Foundation

/// `make bench`: simulator, L1, ingest, queue and catalogue figures against the issue's targets. Each benchmark prints one line with its
/// figure and target; the run exits non-zero when a figure misses its target, so regressions are loud.
@main
struct BenchMain {
    static func main() async throws {
        let args = CommandLine.arguments.dropFirst()
        if args.first == "--l1-child" {
            try L1BenchChild.run(Array(args.dropFirst()))
            return
        }
        let only = args.first { !$0.hasPrefix("-") }
        let quick = args.contains("--quick")
        let scratch = ProcessInfo.processInfo.environment["QMOSTD_BENCH_DIR"] ?? FileManager.default.temporaryDirectory.path
        print("qmostd bench (scratch in \(scratch); --quick for smaller sizes)")
        var results: [BenchResult] = []
        // First: its peak-memory figures are the process's high-water mark.
        if only == nil || only == "simulate" {
            results += try await withScratchDirectory(scratch, "simulate") { try SimulatorBench(quick: quick).run(in: $0) }
        }
        if only == nil || only == "l1" {
            results += try await withScratchDirectory(scratch, "l1") { try L1Bench(quick: quick).run(in: $0) }
        }
        if only == nil || only == "exposure" {
            results += try await withScratchDirectory(scratch, "exposure") { try ExposureBench(quick: quick).run(in: $0) }
        }
        if only == nil || only == "redshift" {
            results += try await withScratchDirectory(scratch, "redshift") { try RedshiftBench(quick: quick).run(in: $0) }
        }
        if only == nil || only == "rv" {
            results += try await withScratchDirectory(scratch, "rv") { try VelocityBench(quick: quick).run(in: $0) }
        }
        if only == nil || only == "hash" {
            results += try await withScratchDirectory(scratch, "hash") { try HashBench(quick: quick).run(in: $0) }
        }
        if only == nil || only == "queue" {
            results += try await withScratchDirectory(scratch, "queue") { try QueueBench(quick: quick).run(in: $0) }
        }
        if only == nil || only == "spool" {
            results += try await withScratchDirectory(scratch, "spool") { try await SpoolBench(quick: quick).run(in: $0) }
        }
        if only == nil || only == "catalogue" {
            results += try await withScratchDirectory(scratch, "catalogue") { try CatalogueBench(quick: quick).run(in: $0) }
        }
        print("")
        for r in results { print(r.line) }
        if results.contains(where: { !$0.met }) { exit(1) }
    }
}

/// One measured figure and whether it meets its target.
struct BenchResult {
    var name: String
    var value: Double
    var unit: String
    var target: Double
    /// True when smaller is better (latency).
    var lowerIsBetter = false
    var met: Bool { lowerIsBetter ? value <= target : value >= target }
    var line: String {
        String(format: "%-44@ %10.1f %-8@ target %@ %.0f  %@", name as NSString, value, unit as NSString,
               (lowerIsBetter ? "<=" : ">=") as NSString, target, (met ? "ok" : "MISSED") as NSString)
    }
}

/// A fresh folder `<scratch>/qmostd-bench-<name>-<pid>` for one benchmark, removed afterwards unless
/// `QMOSTD_BENCH_KEEP` is set (to look at the database a run left).
@MainActor
func withScratchDirectory<T>(_ scratch: String, _ name: String, _ body: (String) async throws -> T) async throws -> T {
    let dir = "\(scratch)/qmostd-bench-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { if ProcessInfo.processInfo.environment["QMOSTD_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(atPath: dir) } }
    return try await body(dir)
}

/// Wall-clock seconds of a block.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
