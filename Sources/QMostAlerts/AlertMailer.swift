import Foundation
import QMostCore
import QMostCurl
import QMostStore

/// Turns queued alert rows into mails and sends them, one per alert or one digest for all that are due.
public struct AlertMailer: Sendable {
    public let settings: Configuration.Alerts
    public let smtp: SMTPSettings
    public let installation: String

    public init(configuration: Configuration) throws(ConfigurationError) {
        settings = configuration.alerts
        installation = configuration.root
        var password: String?
        if let file = settings.passwordFile {
            password = try Self.readSecret(configuration.resolve(file))
        }
        smtp = SMTPSettings(url: settings.smtpURL, username: settings.username, password: password,
                            requireTLS: settings.requireTLS, verifyPeer: true, timeoutSeconds: 30)
    }

    /// Reads a secret file, refusing one that others may read.
    static func readSecret(_ path: String) throws(ConfigurationError) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { throw ConfigurationError(path: path, problem: "cannot read the SMTP password file") }
        guard st.st_mode & 0o077 == 0 else {
            throw ConfigurationError(path: path, problem: String(format: "mode %o lets others read the SMTP password; chmod 600 it", st.st_mode & 0o777))
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(path: path, problem: "cannot read the SMTP password file")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The mail for one alert.
    public func message(for alert: Alert) -> MailMessage {
        var body = alert.body
        if alert.count > 1 { body += "\n\nThis happened \(alert.count) times since \(Self.format(alert.firstAt))." }
        body += "\n\n-- \nqmostd \(QMostVersion.current) at \(installation)\n"
        return MailMessage(from: settings.from, to: settings.to, subject: alert.subject, body: body,
                           extraHeaders: [(name: "X-Qmostd-Cause", value: alert.cause)])
    }

    /// One mail listing several alerts.
    public func digest(for alerts: [Alert]) -> MailMessage {
        let items = alerts.enumerated().map { i, a in
            "\(i + 1). \(a.subject)\(a.count > 1 ? " (x\(a.count))" : "") at \(Self.format(a.lastAt))\n\n\(a.body)"
        }
        let body = "\(alerts.count) alert(s):\n\n" + items.joined(separator: "\n\n----\n\n")
            + "\n\n-- \nqmostd \(QMostVersion.current) at \(installation)\n"
        return MailMessage(from: settings.from, to: settings.to, subject: "[qmostd] digest: \(alerts.count) alert(s)", body: body)
    }

    static func format(_ t: Timestamp) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: t))
    }
}
