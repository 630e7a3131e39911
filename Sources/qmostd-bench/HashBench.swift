import Foundation
import QMostFITS
import QMostIngest

/// Validating (cfitsio structure + CHECKSUM/DATASUM) and hashing (SHA-256) of 4 x 300 MB FITS files.
struct HashBench {
    let quick: Bool

    func run(in dir: String) throws -> [BenchResult] {
        let side = quick ? 2048 : 8660  // 8660^2 float32 pixels = 300 MB
        var paths: [String] = []
        print("hash: writing 4 FITS files of \(side * side * 4 / 1_000_000) MB each ...")
        for i in 0..<4 {
            let path = "\(dir)/frame-\(i).fits"
            var pixels = [Float](repeating: 0, count: side * side)
            for k in stride(from: 0, to: pixels.count, by: 97) { pixels[k] = Float(k % 65_521 + i) }
            let file = try FITSFile.create(path)
            try file.appendImage(pixels, shape: [side, side], cards: [FITSCard(keyword: "OBJECT", value: .string("bench \(i)"))])
            try file.writeChecksums()
            try file.close()
            paths.append(path)
        }
        let bytes = paths.reduce(0.0) { $0 + Double((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        // Warm the page cache once, as a file just written by a producer would be.
        for p in paths { _ = try ContentHasher.sha256(path: p) }
        var validateSeconds = 0.0, hashSeconds = 0.0
        for p in paths {
            validateSeconds += measure {
                guard case .complete = FITSValidator.inspect(path: p, verifyChecksums: true) else { fatalError("\(p) did not validate") }
            }
            hashSeconds += try measure { _ = try ContentHasher.sha256(path: p) }
        }
        let mb = bytes / 1e6
        print(String(format: "hash: %.0f MB validated in %.2f s (%.0f MB/s), hashed in %.2f s (%.0f MB/s)",
                     mb, validateSeconds, mb / validateSeconds, hashSeconds, mb / hashSeconds))
        return [BenchResult(name: "validate+hash 4 x \(Int(mb / 4)) MB FITS", value: mb / (validateSeconds + hashSeconds),
                            unit: "MB/s", target: 300)]
    }
}
