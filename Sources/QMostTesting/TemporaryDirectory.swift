import Foundation

/// A private folder under the system's temporary directory, removed when released.
public final class TemporaryDirectory: @unchecked Sendable {  // immutable after init
    public let path: String

    public init(_ label: String = "qmostd") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The shared test data folder (`../shared/data` beside the checkout), if present.
public enum SharedData {
    public static var directory: String? {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<6 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("../shared/data").standardizedFileURL.path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("../shared/data").standardizedFileURL.path
        return FileManager.default.fileExists(atPath: cwd) ? cwd : nil
    }

    /// The ten real ESO raw frames.
    public static var esoRawFrames: [String] {
        guard let dir = directory.map({ $0 + "/eso-raw" }),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return names.filter { $0.hasSuffix(".fits") }.sorted().map { "\(dir)/\($0)" }
    }
}
