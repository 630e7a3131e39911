import Foundation
import Logging
import QMostCore
import QMostCurl
import QMostStore
import ServiceLifecycle

/// Sends queued alerts; an SMTP failure leaves them queued for the next try, so none is lost.
public struct AlertSender: Service {
    public let repository: Repository
    public let mailer: AlertMailer
    public let logger: Logger
    public let tick: Duration

    public init(repository: Repository, mailer: AlertMailer, logger: Logger, tick: Duration = .seconds(1)) {
        self.repository = repository
        self.mailer = mailer
        self.logger = logger
        self.tick = tick
    }

    public func run() async throws {
        var lastDigest = Date().timestamp
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date().timestamp
            let digestEvery = mailer.settings.digestIntervalSeconds
            if digestEvery <= 0 || now - lastDigest >= digestEvery {
                await sendDue(now: now)
                lastDigest = now
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
        }
        // Last chance on the way out; what fails stays queued for the next start.
        await sendDue(now: Date().timestamp)
    }

    /// Sends what is due now; returns how many alerts went out.
    @discardableResult
    public func sendDue(now: Timestamp) async -> Int {
        guard !mailer.settings.to.isEmpty else { return 0 }
        let due: [Alert]
        do { due = try repository.dueAlerts(now: now) } catch {
            logger.error("reading alerts failed", metadata: ["error": "\(error)"])
            return 0
        }
        guard !due.isEmpty else { return 0 }
        let batches: [[Alert]] = mailer.settings.digestIntervalSeconds > 0 && due.count > 1 ? [due] : due.map { [$0] }
        var sent = 0
        for batch in batches {
            let message = batch.count == 1 ? mailer.message(for: batch[0]) : mailer.digest(for: batch)
            let ids = batch.compactMap(\.id)
            let smtp = mailer.smtp
            let result = await Task.detached { () -> CurlError? in
                do throws(CurlError) { try SMTPClient.send(message, using: smtp); return nil } catch { return error }
            }.value
            do {
                if let error = result {
                    logger.warning("alert mail not sent; will retry", metadata: ["error": "\(error)"])
                    try repository.markAlertsFailed(ids, error: error.description, retryAt: now + mailer.settings.retrySeconds)
                    break  // the server is down; keep order and try again later
                }
                try repository.markAlertsSent(ids)
                try repository.log(Event(kind: "alert.sent", message: "mailed \(message.subject) to \(mailer.settings.to.joined(separator: ", "))"))
                sent += batch.count
            } catch {
                logger.error("recording alert state failed", metadata: ["error": "\(error)"])
            }
        }
        return sent
    }
}
