import QMostCore
import ArgumentParser
import Logging
import QMostDaemon

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground until SIGTERM/SIGINT (the job in hand is finished first).")

    @OptionGroup var installation: InstallationOptions
    @Flag(help: "Exit once the spool is drained and no job is running or due (batch and backfill use).")
    var untilIdle = false
    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let config = try installation.load()
        LoggingSetup.bootstrap(level: logLevel)
        let logger = Logger(label: "qmostd")
        do {
            try await Daemon(configuration: config, logger: logger).run(untilIdle: untilIdle)
        } catch let error as DaemonError {
            throw CLIError(error.description)
        }
    }
}
