import GRDB

extension Repository {
    /// Adds to a named counter (rescans, overflows, …) so `status` can show what the daemon process saw.
    public func increment(_ name: String, by amount: Int = 1) throws {
        try pool.write { db in try Self.increment(name, by: amount, in: db) }
    }

    public static func increment(_ name: String, by amount: Int = 1, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
            """, arguments: [name, amount])
    }
}
