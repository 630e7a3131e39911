import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program without a shell, capturing the tail of its stderr, with an optional time limit.
enum ProcessRunner {
    struct Result {
        var status: Int32
        var stderr: String
        var timedOut: Bool
    }

    static func run(_ argv: [String], timeout: Double?, stderrLimit: Int) async throws(StageError) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: resolveExecutable(argv[0]))
        process.arguments = Array(argv.dropFirst())
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw .fatal("cannot start \(argv[0]): \(error.localizedDescription)")
        }
        let pid = process.processIdentifier
        // Read stderr on a dedicated thread, keeping only the tail, so a chatty tool can neither block on a full
        // pipe nor fill memory.
        let collector = Task.detached { () -> Data in
            var tail = Data()
            let handle = errPipe.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                tail.append(chunk)
                if tail.count > stderrLimit * 2 { tail = tail.suffix(stderrLimit) }
            }
            return tail.suffix(stderrLimit)
        }
        let timedOut = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
                return false
            }
            if let timeout {
                group.addTask {
                    try? await Task.sleep(for: .seconds(timeout))
                    if Task.isCancelled { return false }
                    if process.isRunning { kill(pid, SIGKILL) }
                    return true
                }
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        process.waitUntilExit()
        let stderr = String(decoding: await collector.value, as: UTF8.self)
        return Result(status: process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus,
                      stderr: stderr, timedOut: timedOut)
    }

    /// A bare program name is looked up on PATH, as execvp would.
    static func resolveExecutable(_ name: String) -> String {
        if name.contains("/") { return name }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return name
    }
}
