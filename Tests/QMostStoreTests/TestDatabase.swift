import Foundation
@testable import QMostStore

/// A fresh database file in its own temporary folder, removed when the value is released.
final class TestDatabase {
    let directory: URL
    let repository: Repository

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qmost-store-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        repository = try Repository(path: directory.appendingPathComponent("qmost.db").path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
