import ArgumentParser
import Foundation
import QMostDaemon

/// `qmostd`: the 4MOST back-end data flow for small installations.
public struct QMostCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "qmostd",
        abstract: "The 4MOST back-end data flow: spool and archive ingest, L1, QA, L2, trickle and releases.",
        version: "qmostd 0.1.0",
        subcommands: [
            InitCommand.self, RunCommand.self, StatusCommand.self, LogCommand.self, ExplainCommand.self,
            RetryCommand.self, RedoCommand.self, IngestCommand.self, NightCommand.self, MakeFramesCommand.self, SimulateCommand.self,
            TargetsCommand.self, IdsCommand.self, ConeCommand.self, MakeCatalogueCommand.self, QACommand.self, L2Command.self,
        ])
    public init() {}
}

/// Options every command that works on an installation takes.
struct InstallationOptions: ParsableArguments {
    @Option(name: .long, help: "The installation's etc/qmostd.yaml (default: $QMOSTD_CONFIG, else ./etc/qmostd.yaml).")
    var config: String?
}

extension QMostCommand {
    /// Parses the process's arguments and runs the chosen command; the executable's whole body.
    public static func start() async {
        // The daemon catches a shutdown signal from its first instruction, before it parses its configuration.
        if CommandLine.arguments.dropFirst().first == "run" { Daemon.trapStartupSignals() }
        await main()
    }
}
