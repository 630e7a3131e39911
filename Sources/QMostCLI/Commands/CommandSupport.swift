import ArgumentParser
import Foundation
import Logging
import QMostCore
import QMostDaemon
import QMostStore

extension InstallationOptions {
    /// The configuration, or an error naming the file and what is wrong with it.
    func load() throws -> Configuration {
        do { return try Installation.load(explicit: config) } catch { throw CLIError(error.description) }
    }

    /// The configuration and its database.
    func open() throws -> (Configuration, Repository) {
        let config = try load()
        guard FileManager.default.fileExists(atPath: config.databasePath) else {
            throw CLIError("\(config.databasePath): no database yet; run `qmostd init \(config.root)` or start the daemon")
        }
        do { return (config, try Repository(path: config.databasePath)) } catch { throw CLIError(error.description) }
    }
}

/// A user-facing failure: printed as is, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Output {
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// One JSON object on one line, for line-oriented streams (`log --json`). Compact encoding rather than
    /// squeezing the pretty form: string values may hold newlines and runs of spaces that must survive.
    static func jsonLine<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func time(_ t: Timestamp) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: t))
    }

    static func isoTime(_ t: Timestamp) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}

/// Logging to stderr at the chosen level; only the executable's commands set this up.
enum LoggingSetup {
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
