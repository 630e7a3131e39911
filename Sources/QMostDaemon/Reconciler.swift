import Foundation
import Logging
import QMostCore
import QMostIngest
import QMostStore

/// Start-up checks that make a crash at any moment recoverable.
///
/// Jobs whose lease expired are re-queued by the engine's reaper and spool files are picked up again by the
/// watcher's start-up scan; this covers the one gap left: a file moved to the quarantine whose record did not
/// commit before the crash gets its record (and alert) now, with the reason from its reason file.
public enum Reconciler {
    public static func reconcileQuarantine(configuration: Configuration, repository: Repository, logger: Logger) throws {
        let dir = configuration.quarantinePath
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let known = try repository.allQuarantinePaths()
        let ingester = Ingester(configuration: configuration, repository: repository)
        for name in names where !name.hasSuffix(".reason.txt") && !name.hasPrefix(".") {
            let path = (dir as NSString).appendingPathComponent(name)
            let relative = configuration.relativePath(path)
            guard !known.contains(relative) else { continue }
            let reasonText = (try? String(contentsOfFile: path + ".reason.txt", encoding: .utf8)) ?? ""
            let reason = reasonText.split(separator: "\n").first { $0.hasPrefix("reason: ") }.map { String($0.dropFirst(8)) }
                ?? "found in the quarantine without a record (placed there by hand, or before a crash)"
            let original = reasonText.split(separator: "\n").first { $0.hasPrefix("file: ") }.map { String($0.dropFirst(6)) } ?? path
            try ingester.recordQuarantine(original: original, quarantined: path, reason: reason, sha256: nil, jobID: nil,
                                          now: Date().timestamp)
            logger.warning("recorded an unrecorded quarantined file", metadata: ["file": "\(relative)"])
        }
    }
}
