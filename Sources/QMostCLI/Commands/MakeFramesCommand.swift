import ArgumentParser
import Foundation
import QMostCore
import QMostTesting

struct MakeFramesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-frames",
        abstract: "Write a night of small synthetic raw frames (4MOST-style headers) for trying an installation.")

    @Argument(help: "Where to write them (e.g. the spool: spool/raw).") var directory: String
    @Option(help: "The night (YYYY-MM-DD).") var night: String = "2026-11-20"
    @Option(help: "Image width and height in pixels.") var size: Int = 64

    func run() throws {
        guard let n = Night(night) else { throw CLIError("--night \(night): expected YYYY-MM-DD") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let specs = SyntheticFrames.night(n, size: size)
        for (i, spec) in specs.enumerated() {
            // Written under a dot name and renamed, as every producer should: the daemon never sees a partial file.
            let final = (directory as NSString).appendingPathComponent(spec.fileName)
            let temp = (directory as NSString).appendingPathComponent(".\(spec.fileName).part")
            do { try SyntheticFrames.write(spec, to: temp) } catch { throw CLIError("\(temp): \(error)") }
            guard rename(temp, final) == 0 else { throw CLIError("\(final): cannot rename into place") }
            print("[\(i + 1)/\(specs.count)] \(spec.kind.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(final)")
        }
    }
}
