import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress on stderr: one line rewritten in place on a terminal, a new line per phase (and at most one per
/// second) elsewhere, so logs stay readable.
final class ProgressLine: @unchecked Sendable {
    private let terminal = isatty(STDERR_FILENO) == 1
    private var lastPhase = ""
    private var lastWrite = Date.distantPast
    private let lock = NSLock()

    func update(_ phase: String, _ detail: String = "") {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let newPhase = phase != lastPhase
        guard newPhase || now.timeIntervalSince(lastWrite) >= (terminal ? 0.1 : 1) else { return }
        if terminal {
            let text = "\r\u{1B}[K\(phase)\(detail.isEmpty ? "" : " ")\(detail)"
            FileHandle.standardError.write(Data(text.utf8))
        } else {
            FileHandle.standardError.write(Data("\(phase)\(detail.isEmpty ? "" : " ")\(detail)\n".utf8))
        }
        lastPhase = phase
        lastWrite = now
    }

    /// Ends the in-place line.
    func finish() {
        if terminal && !lastPhase.isEmpty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
