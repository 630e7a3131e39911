import ArgumentParser
import Foundation
import GRDB
import QMostCore
import QMostEngine
import QMostQA
import QMostStore

/// `qmostd qa`: the night's quality assessment (seed 9.2): what was tested, exemptions, trends.
struct QACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qa", abstract: "L1 quality assessment: show a night's tests, exempt a failed test, follow a test over nights.",
        subcommands: [Show.self, Exempt.self, Trend.self])

    static func night(_ text: String) throws -> Night {
        guard let n = Night(text) else { throw CLIError("\(text): expected a night YYYY-MM-DD") }
        return n
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A night's QA tests, values, states, exemptions and plots.")

        @OptionGroup var installation: InstallationOptions
        @Argument(help: "The night (YYYY-MM-DD).") var night: String
        @Flag(help: "One JSON object.") var json = false

        func run() throws {
            let (_, repository) = try installation.open()
            let n = try QACommand.night(night)
            let nightobs = Int(n.compact)!
            let (rows, exemptions, state, plots) = try repository.pool.read { db in
                (try Repository.qaRows(nightobs: nightobs, in: db), try Repository.exemptions(nightobs: nightobs, in: db),
                 try Row.fetchOne(db, sql: "SELECT validation_state, exempted FROM nights WHERE night = ?", arguments: [n.iso]),
                 try String.fetchAll(db, sql: "SELECT path FROM products WHERE kind = 'qa_plot' AND night = ? ORDER BY path", arguments: [n.iso]))
            }
            let validation: Int? = state?["validation_state"]
            let exempted: Bool = state?["exempted"] ?? false
            if json {
                let object: [String: Any] = [
                    "night": n.iso, "state": validation as Any, "exempted": exempted,
                    "tests": rows.map { r -> [String: Any] in
                        ["testid": r.testid, "ob_id": r.obID as Any, "req": r.req as Any, "goal": r.goal as Any, "val": r.val as Any,
                         "state": r.state, "info": r.info ?? ""]
                    },
                    "exemptions": exemptions.map { ["testid": $0.testid, "reason": $0.reason, "user": $0.user, "at": Output.isoTime($0.at)] },
                    "plots": plots,
                ]
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
                return
            }
            guard validation != nil || !rows.isEmpty else {
                print("night \(n.iso): not assessed yet")
                return
            }
            let verdict = validation.map { $0 == 0 ? (exempted ? "failed, exempted" : "FAILED") : $0 == 1 ? "passed the requirements" : "passed the goals" } ?? "-"
            print("night \(n.iso): state \(validation.map(String.init) ?? "-") (\(verdict)), \(rows.count) tests")
            print(String(format: "%-6@ %-10@ %9@ %9@ %11@ %5@  %@", "test" as NSString, "ob" as NSString, "req" as NSString, "goal" as NSString,
                         "value" as NSString, "state" as NSString, "what" as NSString))
            for r in rows {
                print(String(format: "%-6lld %-10@ %9.4g %9.4g %11.5g %5d  %@", r.testid, (r.obID.map(String.init) ?? "-") as NSString,
                             r.req ?? .nan, r.goal ?? .nan, r.val ?? .nan, r.state, (r.info ?? "") as NSString))
            }
            for e in exemptions { print("exempted: test \(e.testid) by \(e.user) at \(Output.isoTime(e.at)): \(e.reason)") }
            if !plots.isEmpty { print("plots: \(plots.count), e.g. \(plots[0])") }
        }
    }

    struct Exempt: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exempt", abstract: "Accept a failed test for a night (audited) and validate the night again.")

        @OptionGroup var installation: InstallationOptions
        @Option(help: "The night (YYYY-MM-DD).") var night: String
        @Option(help: "The test id (see qa show).") var test: Int64
        @Option(help: "Why the failure is accepted; recorded with who and when.") var reason: String

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must say why") }
        }

        func run() throws {
            let (config, repository) = try installation.open()
            let n = try QACommand.night(night)
            guard config.qaTests.contains(where: { $0.id == test }) else {
                throw CLIError("test \(test) is not in the qa catalogue (\(config.qaTests.map { String($0.id) }.joined(separator: ", ")))")
            }
            let user = ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
            let scheduler = Scheduler(configuration: config, doorbell: Doorbell())
            let now = Date().timestamp
            let id = try repository.pool.write { db -> Int64 in
                guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM nights WHERE night = ?", arguments: [n.iso]) ?? 0 > 0 else {
                    throw CLIError("night \(n.iso) has no frames in this installation")
                }
                try Repository.recordExemption(QAExemption(nightobs: Int(n.compact)!, testid: test, reason: reason, user: user, at: now), in: db)
                try Repository.log(Event(at: now, level: .warning, kind: "qa.exempted", stage: "qa_analyse", night: n.iso,
                                         message: "\(user) exempted test \(test) for night \(n.iso): \(reason)"), in: db)
                return try JobQueue.enqueue(scheduler.request(.qaAnalyse, subject: "night:\(n.iso)", night: n.iso, now: now), now: now, in: db)
            }
            print("test \(test) exempted for night \(n.iso); validation queued (job \(id))")
        }
    }

    struct Trend: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "trend", abstract: "A test's values across nights, as text and an SVG plot.")

        @OptionGroup var installation: InstallationOptions
        @Argument(help: "The test id.") var test: Int64
        @Option(help: "Nights A..B (YYYY-MM-DD..YYYY-MM-DD); default all.") var nights: String?
        @Option(help: "Where to write the SVG plot (default: repo/qa/trend_<test>.svg).") var svg: String?

        func run() throws {
            let (config, repository) = try installation.open()
            var from = 0, to = 99_999_999
            if let nights {
                let parts = nights.components(separatedBy: "..")
                guard parts.count == 2, let a = Night(parts[0]), let b = Night(parts[1]), a <= b else {
                    throw CLIError("--nights \(nights): expected YYYY-MM-DD..YYYY-MM-DD")
                }
                from = Int(a.compact)!
                to = Int(b.compact)!
            }
            let rows = try repository.pool.read { db in
                try QARow.filter(Column("testid") == test && Column("nightobs") >= from && Column("nightobs") <= to).order(Column("nightobs"), Column("id")).fetchAll(db)
            }
            guard !rows.isEmpty else { throw CLIError("no qa rows for test \(test)\(nights.map { " in \($0)" } ?? "")") }
            let name = config.qaTests.first { $0.id == test }?.name ?? "test \(test)"
            let byNight = Dictionary(grouping: rows, by: \.nightobs).sorted { $0.key < $1.key }
            print("test \(test) \(name): night, rows, median, worst state")
            for (night, r) in byNight {
                let values = r.compactMap(\.val).sorted()
                print(String(format: "%d %5d %12.5g %d", night, r.count, values.isEmpty ? .nan : values[values.count / 2], r.map(\.state).min() ?? 0))
            }
            // x: days since the first night, so the axis is linear in time.
            let nightsList = byNight.map { Night(String($0.key))! }
            let first = nightsList[0]
            func days(_ n: Night) -> Double { Double(n.days(since: first)) }
            var panel = SVGPlot.Panel(title: "\(name) (test \(test))", xLabel: "days since \(first.iso)", yLabel: "value")
            var x: [Double] = [], y: [Double] = []
            for (k, (_, r)) in byNight.enumerated() {
                for v in r.compactMap(\.val) { x.append(days(nightsList[k])); y.append(v) }
            }
            panel.layers.append(.points(x: x, y: y, colour: "black", label: "arms"))
            if let t = config.qaTests.first(where: { $0.id == test }), let lo = x.min(), let hi = x.max() {
                panel.layers.append(.line(x: [lo, hi], y: [t.required, t.required], colour: "#d62728", label: "required", dashed: true))
                panel.layers.append(.line(x: [lo, hi], y: [t.goal, t.goal], colour: "#2ca02c", label: "goal", dashed: true))
            }
            let path = svg ?? config.resolve("\(config.paths.repository)/qa/trend_\(test).svg")
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try SVGPlot(title: "qa trend", panels: [panel]).render().write(toFile: path, atomically: true, encoding: .utf8)
            print("plot: \(path)")
        }
    }
}
