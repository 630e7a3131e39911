import Foundation

/// Runs `body` with a fresh directory that is deleted afterwards, whatever happens.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("qmostfits-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try body(dir)
}

/// The async form of ``withTemporaryDirectory(_:)``.
func withTemporaryDirectoryAsync<R>(_ body: (URL) async throws -> R) async throws -> R {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("qmostfits-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir)
}
