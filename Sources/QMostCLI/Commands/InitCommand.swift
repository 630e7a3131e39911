import QMostCore
import ArgumentParser
import QMostDaemon

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a working installation: etc/qmostd.yaml, spool/, repo/, qmost.db.")

    @Argument(help: "The installation directory (created if missing; nothing existing is overwritten).")
    var directory: String

    func run() throws {
        do {
            let config = try Installation.create(at: directory)
            print("""
                created installation \(config.root)
                  configuration  \(config.root)/etc/qmostd.yaml (every key documented)
                  drop raw FITS  \(config.spoolRawPath)
                  drop DXUs      \(config.spoolDXUPath)
                  database       \(config.databasePath)
                start it with: qmostd run --config \(config.root)/etc/qmostd.yaml
                """)
        } catch { throw CLIError(error.description) }
    }
}
