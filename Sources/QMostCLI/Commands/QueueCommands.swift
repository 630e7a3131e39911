import GRDB
import ArgumentParser
import Foundation
import QMostCore
import QMostEngine
import QMostStore

struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Send a dead job (or every dead job) round again with fresh attempts.")

    @OptionGroup var installation: InstallationOptions
    @Argument(help: "The job id (from status, log or explain).") var job: Int64?
    @Flag(help: "Retry every dead job.") var dead = false

    func validate() throws {
        guard (job != nil) != dead else { throw ValidationError("give a job id or --dead (not both)") }
    }

    func run() throws {
        let (_, repository) = try installation.open()
        let queue = JobQueue(repository: repository)
        if dead {
            let n = try queue.retryAllDead()
            try repository.log(Event(kind: "job.retry", message: "operator retried \(n) dead job(s)"))
            print("\(n) dead job(s) queued again")
            return
        }
        guard let id = job, let found = try queue.job(id: id) else { throw CLIError("no job \(job ?? 0)") }
        guard try queue.retry(jobID: id) else {
            throw CLIError("job \(id) is \(found.state.rawValue); only dead or cancelled jobs can be retried"
                           + " (or another live job for \(found.stage) \(found.subject) exists)")
        }
        try repository.log(Event(kind: "job.retry", stage: found.stage, night: found.night, path: found.subject, jobID: id,
                                 message: "operator retried job \(id) (\(found.stage) \(found.subject))"))
        print("job \(id) queued again")
    }
}

struct RedoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redo", abstract: "Run a night's stage again even though its inputs did not change.")

    @OptionGroup var installation: InstallationOptions
    @Option(help: "The night (YYYY-MM-DD).") var night: String
    @Option(help: "The stage (default: the first enabled stage after ingest).") var stage: String?

    func run() throws {
        let (config, repository) = try installation.open()
        guard let n = Night(night) else { throw CLIError("--night \(night): expected YYYY-MM-DD") }
        let stageName: StageName
        if let stage {
            guard let s = StageName(rawValue: stage), s != .ingest else {
                throw CLIError("--stage \(stage): expected one of l1, qa, qa_analyse, l2, qc, trickle")
            }
            stageName = s
        } else {
            guard let s = StageGraph.definitions.first(where: { $0.name != .ingest && config.isEnabled($0.name) })?.name else {
                throw CLIError("no stage after ingest is enabled; configure one under stages: in \(config.root)/etc/qmostd.yaml")
            }
            stageName = s
        }
        guard config.isEnabled(stageName) else {
            throw CLIError("stage \(stageName.rawValue) is not enabled; configure stages.\(stageName.rawValue) first")
        }
        guard try repository.night(n.iso) != nil else { throw CLIError("night \(n.iso) has no frames in this installation") }
        let scheduler = Scheduler(configuration: config, doorbell: Doorbell())
        let now = Date().timestamp
        let id = try repository.pool.write { db in
            let id = try JobQueue.enqueue(scheduler.request(stageName, subject: "night:\(n.iso)", night: n.iso,
                                                            payload: ["force": "true"], now: now), now: now, in: db)
            try Repository.log(Event(at: now, kind: "job.redo", stage: stageName.rawValue, night: n.iso, jobID: id,
                                     message: "operator asked to redo \(stageName.rawValue) for night \(n.iso)"), in: db)
            return id
        }
        print("job \(id): \(stageName.rawValue) for night \(n.iso) queued")
    }
}

struct NightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "night", abstract: "Night operations.", subcommands: [CloseNight.self])

    struct CloseNight: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close", abstract: "Declare a night's data complete, so its night-level stages start now.")

        @OptionGroup var installation: InstallationOptions
        @Argument(help: "The night (YYYY-MM-DD).") var night: String

        func run() throws {
            let (config, repository) = try installation.open()
            guard let n = Night(night) else { throw CLIError("\(night): expected YYYY-MM-DD") }
            let outcome = try NightCloser(configuration: config, repository: repository).close(n)
            print(outcome)
        }
    }
}
