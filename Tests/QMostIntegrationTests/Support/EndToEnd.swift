import Foundation
import QMostCore
import QMostTesting
#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the end-to-end suites (ESO frames, partial files, alert mail, `log -f`): the JSON the
/// CLI prints, frames written to a staging folder, file hashes computed independently of the daemon.
extension TestInstallation {
    /// Runs a command that prints one JSON object (`explain --json`, `status --json`) and returns it.
    func cliJSON(_ arguments: [String]) throws -> [String: Any] {
        let (status, output) = try cli(arguments)
        guard status == 0 else {
            throw ChildProcessError(message: "qmostd \(arguments.joined(separator: " ")) exited \(status):\n\(output)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw ChildProcessError(message: "qmostd \(arguments.joined(separator: " ")) did not print one JSON object:\n\(output)")
        }
        return object
    }

    /// `qmostd explain --json <target>`.
    func explain(_ target: String) throws -> [String: Any] { try cliJSON(["explain", "--json", target]) }

    /// `qmostd status --json`.
    func status() throws -> [String: Any] { try cliJSON(["status", "--json"]) }

    /// A folder on the spool's file system for preparing files that are then renamed in (never scanned).
    var staging: String {
        let path = "\(root)/staging"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes a synthetic frame into the staging folder and returns its path.
    func stageFrame(_ kind: FrameKind = .science, night: String = "2026-03-14", index: Int = 0, size: Int = 64,
                    name: String? = nil) throws -> String {
        let spec = SyntheticFrames.Spec(kind: kind, night: Night(night)!, index: index, width: size, height: size)
        let path = "\(staging)/\(name ?? spec.fileName)"
        try SyntheticFrames.write(spec, to: path)
        return path
    }

    /// Moves a staged file into spool/raw under `name` (one rename, so the watcher sees IN_MOVED_TO).
    @discardableResult
    func drop(_ staged: String, as name: String? = nil) throws -> String {
        let target = "\(spoolRaw)/\(name ?? (staged as NSString).lastPathComponent)"
        guard rename(staged, target) == 0 else {
            throw ChildProcessError(message: "rename \(staged) -> \(target): \(String(cString: strerror(errno)))")
        }
        return target
    }

    /// Stops a daemon with SIGTERM and waits for it, so the next test starts from a quiet machine.
    func stop(_ daemon: ChildProcess) {
        daemon.signal(SIGTERM)
        if daemon.wait(timeout: 15) == nil { daemon.signal(SIGKILL); daemon.wait(timeout: 5) }
    }
}

/// SHA-256 of a file by coreutils' `sha256sum`, an implementation independent of the daemon's.
func sha256sum(_ path: String) throws -> String {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    let child = try ChildProcess(["/usr/bin/sha256sum", path], outputPath: out)
    guard child.wait(timeout: 30) == 0, let hex = child.output.split(separator: " ").first, hex.count == 64 else {
        throw ChildProcessError(message: "sha256sum \(path) failed: \(child.output)")
    }
    return String(hex)
}

/// The `events` of an `explain --json` answer.
func events(of explanation: [String: Any]) -> [[String: Any]] {
    explanation["events"] as? [[String: Any]] ?? []
}
