import Foundation

/// Locates the project's shared test data (`../shared/data` beside the package root).
///
/// The test file may be compiled through a symlinked package (a private build directory),
/// so the search walks up from the resolved source path, the literal source path and the
/// working directory.
enum TestData {
    static let root: URL? = locate()

    /// True when the shared data directory was found.
    static var available: Bool { root != nil }

    static var esoRaw: URL? { root?.appendingPathComponent("eso-raw") }

    /// The ten EFOSC2 raw frames, sorted by name.
    static var esoFrames: [URL] {
        guard let dir = esoRaw,
            let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".fits") }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// The 4MOST L1 joined spectrum (one-row binary table with 23201-element cells).
    static var l1Spectrum: URL? { root?.appendingPathComponent("4most/qmost-L1-sample-LJ1.fits") }

    /// Every FITS file in the shared data, sorted.
    static var allFITSFiles: [URL] {
        guard let root, let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".fits") }.sorted()
            .map { root.appendingPathComponent($0) }
    }

    private static func locate() -> URL? {
        let source = URL(fileURLWithPath: #filePath)
        let starts = [
            source.resolvingSymlinksInPath().deletingLastPathComponent(),
            source.deletingLastPathComponent(),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath(),
        ]
        for start in starts {
            var dir = start
            for _ in 0..<8 {
                for relative in ["../shared/data", "shared/data"] {
                    let candidate = dir.appendingPathComponent(relative).standardizedFileURL
                    if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("eso-raw").path) {
                        return candidate
                    }
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }
}
