import Foundation

/// A private folder under the system's temporary directory, removed when released.
public final class TemporaryDirectory: @unchecked Sendable {  // immutable after init
    public let path: String

    /// A folder under `base` (default: the system's temporary directory).
    public init(_ label: String = "qmostd", under base: String? = nil) throws {
        let parent = base.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        path = parent.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `/dev/shm` when it is a writable memory file system, for tests that create tens of thousands of files
    /// and should measure the code, not the disk; nil otherwise.
    public static var memoryBacked: String? {
        FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : nil
    }
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
