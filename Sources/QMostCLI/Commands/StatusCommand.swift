import QMostCore
import ArgumentParser
import Foundation
import QMostDaemon
import QMostStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Nights (frames by kind, stage states), the queue, watcher counters, alerts.")

    @OptionGroup var installation: InstallationOptions
    @Flag(help: "Machine-readable output (see README: JSON contract).") var json = false

    func run() throws {
        let (config, repository) = try installation.open()
        let report = try repository.statusReport()
        let daemonPID = InstanceLock.holder(path: config.lockPath)
        if json {
            print(try Output.json(StatusJSON(report: report, running: daemonPID != nil)))
            return
        }
        print("installation \(config.root)")
        if let pid = daemonPID {
            let beat = report.daemon.map { " (heartbeat \(Output.time($0.heartbeatAt)) UTC)" } ?? ""
            print("daemon       running, pid \(pid)\(beat)")
        } else {
            print("daemon       not running")
        }
        print("queue        \(report.queue.pending) pending, \(report.queue.running) running, \(report.queue.dead) dead, \(report.queue.done) done")
        let c = report.counters
        print("watcher      \(c["watch.rescans"] ?? 0) scans, \(c["watch.overflows"] ?? 0) inotify overflows (\(c["watch.overflow_rescans"] ?? 0) overflow rescans)")
        print("quarantine   \(report.quarantined) file(s)")
        print("alerts       \(report.pendingAlerts) waiting to be mailed\(config.alerts.enabled ? "" : " (alerts disabled in the configuration)")")
        if report.nights.isEmpty { print("\nno nights yet") }
        for night in report.nights {
            let frames = night.frames.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("\nnight \(night.night)\(night.closed ? " (closed)" : "")\(night.validationState.map { " qa state \($0)" } ?? "")")
            print("  frames  \(frames.isEmpty ? "none" : frames)")
            for (stage, states) in night.stages.sorted(by: { $0.key < $1.key }) {
                print("  \(stage.padding(toLength: 7, withPad: " ", startingAt: 0)) " + states.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            }
        }
        if !report.alerts.isEmpty {
            print("\nlast alerts")
            for a in report.alerts {
                print("  \(Output.time(a.at))  \(a.state.padding(toLength: 7, withPad: " ", startingAt: 0)) \(a.subject)\(a.count > 1 ? " (x\(a.count))" : "")")
            }
        }
    }
}

/// `status --json`: `nights` (each with `night` and `frames` kind -> count) and `queue` (`pending`, `running`, `dead`).
struct StatusJSON: Encodable {
    var nights: [StatusReport.NightStatus]
    var queue: StatusReport.Queue
    var daemonRunning: Bool
    var quarantined: Int
    var watcher: [String: Int]
    var pendingAlerts: Int
    var alerts: [StatusReport.AlertSummary]

    init(report: StatusReport, running: Bool) {
        nights = report.nights
        queue = report.queue
        daemonRunning = running
        quarantined = report.quarantined
        watcher = report.counters
        pendingAlerts = report.pendingAlerts
        alerts = report.alerts
    }

    enum CodingKeys: String, CodingKey {
        case nights, queue, daemonRunning = "daemon_running", quarantined, watcher, pendingAlerts = "pending_alerts", alerts
    }
}
