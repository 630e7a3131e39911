import QMostCore
import ArgumentParser
import Foundation
import QMostEngine
import QMostIngest
import QMostStore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Ingest files now, from anywhere; the originals are left in place.")

    @OptionGroup var installation: InstallationOptions
    @Argument(help: "FITS files (.fits, .fits.gz, .fits.Z, .fits.fz).") var files: [String]

    func run() throws {
        let (config, repository) = try installation.open()
        let ingester = Ingester(configuration: config, repository: repository)
        let scheduler = Scheduler(configuration: config, doorbell: Doorbell())
        var failures = 0
        for (i, file) in files.enumerated() {
            let path = URL(fileURLWithPath: file).standardizedFileURL.path
            let outcome: IngestOutcome
            do {
                outcome = try ingester.ingest(path: path, source: .cli) { db, facts, now in
                    try scheduler.enqueueSuccessors(of: .ingest, night: facts.night.iso, now: now, in: db)
                }
            } catch {
                failures += 1
                print("[\(i + 1)/\(files.count)] \(file): failed: \(error)")
                continue
            }
            switch outcome {
            case .accepted(_, let repoPath, let kind, let night, let rule):
                print("[\(i + 1)/\(files.count)] \(file): \(kind.rawValue) (rule \(rule)), night \(night.iso) -> \(repoPath)")
            case .duplicate(_, let existing):
                print("[\(i + 1)/\(files.count)] \(file): already in the repository as \(existing)")
            case .quarantined(let reason, let q):
                failures += 1
                print("[\(i + 1)/\(files.count)] \(file): rejected (copy in \(q)): \(reason)")
            case .waiting(let reason, _):
                failures += 1
                print("[\(i + 1)/\(files.count)] \(file): not complete yet: \(reason)")
            case .vanished:
                failures += 1
                print("[\(i + 1)/\(files.count)] \(file): no such file")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
