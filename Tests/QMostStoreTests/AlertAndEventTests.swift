import Foundation
import GRDB
import Testing
@testable import QMostStore

struct AlertAndEventTests {
    let db: TestDatabase
    init() throws { db = try TestDatabase() }

    @Test func sameCauseWithinWindowIsOneAlert() throws {
        try db.repository.pool.write { d in
            try Repository.raiseAlert(cause: "q:a", subject: "s", body: "b1", window: 60, now: 0, in: d)
            try Repository.raiseAlert(cause: "q:a", subject: "s", body: "b2", window: 60, now: 30, in: d)
            try Repository.raiseAlert(cause: "q:b", subject: "s", body: "b", window: 60, now: 30, in: d)
            try Repository.raiseAlert(cause: "q:a", subject: "s", body: "b3", window: 60, now: 100, in: d)
        }
        let due = try db.repository.dueAlerts(now: 200)
        #expect(due.count == 3)
        #expect(due.first { $0.cause == "q:a" }?.count == 2)
    }

    @Test func failedSendIsRetriedLater() throws {
        try db.repository.pool.write { d in
            try Repository.raiseAlert(cause: "c", subject: "s", body: "b", window: 60, now: 0, in: d)
        }
        let id = try #require(try db.repository.dueAlerts(now: 1).first?.id)
        try db.repository.markAlertsFailed([id], error: "refused", retryAt: 50)
        #expect(try db.repository.dueAlerts(now: 10).isEmpty)
        #expect(try db.repository.dueAlerts(now: 50).count == 1)
        try db.repository.markAlertsSent([id], now: 51)
        #expect(try db.repository.dueAlerts(now: 100).isEmpty)
    }

    @Test func eventFiltersWork() throws {
        try db.repository.log(Event(at: 1, level: .debug, kind: "a", stage: "ingest", night: "2022-01-26", message: "one"))
        try db.repository.log(Event(at: 2, level: .error, kind: "b", stage: "l1", night: "2022-01-26", message: "two"))
        try db.repository.log(Event(at: 3, level: .info, kind: "c", stage: "ingest", night: "2022-01-27", message: "three"))
        var f = EventFilter()
        f.minimumLevel = .info
        #expect(try db.repository.events(f).map(\.message) == ["two", "three"])
        f.night = "2022-01-26"
        #expect(try db.repository.events(f).map(\.message) == ["two"])
        var g = EventFilter()
        g.stage = "ingest"
        g.since = 2
        #expect(try db.repository.events(g).map(\.message) == ["three"])
        g = EventFilter()
        g.afterID = 2
        #expect(try db.repository.events(g).map(\.message) == ["three"])
    }

    @Test func integrityCheckIsOK() throws {
        #expect(try db.repository.integrityCheck() == "ok")
    }

    @Test func migrationsAreRepeatable() throws {
        _ = try Repository(path: db.repository.path)
        let tables = try db.repository.pool.read { d in
            try String.fetchAll(d, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for t in ["alerts", "events", "files", "frames", "jobs", "nights", "product_inputs", "products", "quarantine", "stage_runs"] {
            #expect(tables.contains(t))
        }
    }
}
