import QMostCore
import ArgumentParser
import Foundation
import QMostStore

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The durable event log; -f follows it live like tail -f.")

    @OptionGroup var installation: InstallationOptions
    @Flag(name: .shortAndLong, help: "Keep printing new events as they happen.") var follow = false
    @Option(help: "Only this night (YYYY-MM-DD).") var night: String?
    @Option(help: "Only this stage (ingest, l1, qa, qa_analyse, l2, qc, trickle).") var stage: String?
    @Option(help: "Minimum level: debug, info, warning, error.") var level: String = "info"
    @Option(help: "Only events since: an ISO date/time, or an age such as 30m, 6h, 2d.") var since: String?
    @Option(help: "Show at most the last N events before following.") var lines: Int?
    @Flag(help: "One JSON object per line.") var json = false

    func run() async throws {
        let (_, repository) = try installation.open()
        guard let minimum = Event.Level(rawValue: level) else {
            throw CLIError("--level \(level): expected one of debug, info, warning, error")
        }
        var filter = EventFilter()
        filter.night = night
        filter.stage = stage
        filter.minimumLevel = minimum
        if let since { filter.since = try Self.parseSince(since) }
        // Like tail -f: following starts with the last few events unless told where to start.
        let lines = self.lines ?? (follow && since == nil ? 10 : nil)
        var first = filter
        first.newest = lines
        // The high-water mark is read before the history: an event committing between the two reads is then
        // printed by the history or the first poll, where reading it after would skip it for good.
        let start = follow ? try repository.lastEventID() : 0
        let events = try repository.events(first)
        print(events)
        guard follow else { return }
        var cursor = max(events.last?.id ?? 0, start)
        // WAL readers see each commit at once; polling a primary-key range every 100 ms costs nothing.
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(100))
            filter.afterID = cursor
            let new = try repository.events(filter)
            if let last = new.last?.id { cursor = last }
            print(new)
        }
    }

    private func print(_ events: [Event]) {
        for e in events {
            if json {
                Swift.print((try? Output.jsonLine(EventJSON(e))) ?? "")
            } else {
                let lvl = e.level.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)
                let stage = (e.stage ?? "-").padding(toLength: 10, withPad: " ", startingAt: 0)
                Swift.print("\(Output.time(e.at)) \(lvl) \(stage) \(e.night ?? "          ") \(e.message)")
            }
        }
        fflush(nil)  // stdout is block-buffered into a pipe; a follower must see each event at once
    }

    static func parseSince(_ text: String) throws -> Timestamp {
        if let unit = text.last, let n = Double(text.dropLast()), "smhd".contains(unit) {
            let factor: Double = ["s": 1, "m": 60, "h": 3600, "d": 86400][String(unit)]!
            return Date().timestamp - n * factor
        }
        let iso = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate]] {
            iso.formatOptions = options
            if let d = iso.date(from: text) { return d.timestamp }
        }
        throw CLIError("--since \(text): expected an ISO date/time (2026-11-22T10:00:00Z, 2026-11-22) or an age (30m, 6h, 2d)")
    }
}

/// One event as JSON.
struct EventJSON: Encodable {
    var id: Int64?
    var time: String
    var level: String
    var kind: String
    var stage: String?
    var night: String?
    var sha256: String?
    var path: String?
    var job: Int64?
    var message: String

    init(_ e: Event) {
        id = e.id
        time = Output.isoTime(e.at)
        level = e.level.rawValue
        kind = e.kind
        stage = e.stage
        night = e.night
        sha256 = e.sha256
        path = e.path
        job = e.jobID
        message = e.message
    }
}
