import Foundation
import QMostCore
import QMostIngest
import QMostStore
import QMostTesting

/// Issue 3's figures: ingesting and linking a million-target catalogue, then 1′ cone searches on it.
struct CatalogueBench {
    let quick: Bool

    func run(in dir: String) throws -> [BenchResult] {
        let n = quick ? 100_000 : 1_000_000
        var config = QMostCore.Configuration()
        config.root = dir
        let repository = try Repository(path: "\(dir)/qmost.db")
        // 1M targets over 600 deg² (about 1,700 per deg², a dense 4MOST field) with 10% catalogued twice.
        let path = "\(dir)/catalogue.fits"
        var first: [SyntheticCatalogue.Target] = []
        let generate = try measure {
            first = SyntheticCatalogue.random(count: n, seed: 2016, raRange: 150...180, decRange: -10...10)
            try SyntheticCatalogue.write(first, to: path)
        }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print(String(format: "catalogue: %d targets written in %.1f s (%.0f MB, not timed below)", n, generate, Double(size) / 1e6))

        let ingester = TargetCatalogueIngester(configuration: config, repository: repository)
        var outcome: CatalogueOutcome?
        let seconds = try measure { outcome = try ingester.ingest(path: path, survey: "BENCH") }
        let o = outcome!
        print(String(format: "catalogue: ingest+link %.1f s (read %.1f, link %.1f, write %.1f): %d targets, %d objects, %d merges",
                     seconds, o.timings.read, o.timings.link, o.timings.write, o.newTargets, o.newObjects, o.merges.count))

        // A second survey's catalogue, a tenth the size, half of it re-observing targets of the first (0.3" off):
        // linking against the million already there.
        var second: [SyntheticCatalogue.Target] = []
        var rng2 = SplitMix64(seed: 11)
        for k in 0..<(n / 10) {
            var t = k % 2 == 0 ? first[Int.random(in: 0..<n, using: &rng2)]
                : SyntheticCatalogue.random(count: 1, seed: UInt64(k), raRange: 150...180, decRange: -10...10)[0]
            t.name = "S2-\(k)"
            t.dec += 0.3 / 3600
            second.append(t)
        }
        let secondPath = "\(dir)/second.fits"
        try SyntheticCatalogue.write(second, to: secondPath)
        var again: CatalogueOutcome?
        let secondSeconds = try measure { again = try ingester.ingest(path: secondPath, survey: "BENCH2") }
        print(String(format: "catalogue: a second survey's %d targets linked against %d in %.1f s: %d joined existing objects, %d new",
                     second.count, n, secondSeconds, second.count - again!.newObjects, again!.newObjects))

        // Cone searches at random centres inside the patch.
        var rng = SplitMix64(seed: 7)
        let cones = quick ? 200 : 2_000
        var latencies: [Double] = []
        var found = 0
        for _ in 0..<cones {
            let centre = SkyPosition(ra: Double.random(in: 151...179, using: &rng), dec: Double.random(in: -9...9, using: &rng))
            var report: ConeReport?
            latencies.append(try measure { report = try repository.cone(centre: centre, radiusArcsec: 60) } * 1000)
            found += report!.targets.count
        }
        latencies.sort()
        let median = latencies[latencies.count / 2], p99 = latencies[latencies.count * 99 / 100]
        print(String(format: "cone: %d 1' cones, median %.2f ms, p99 %.2f ms, %.1f targets per cone", cones, median, p99,
                     Double(found) / Double(cones)))
        return [
            BenchResult(name: "catalogue ingest+link (\(n / 1000)k targets)", value: seconds, unit: "s",
                        target: quick ? 6 : 60, lowerIsBetter: true),
            BenchResult(name: "cone search 1' p99", value: p99, unit: "ms", target: 10, lowerIsBetter: true),
        ]
    }
}
