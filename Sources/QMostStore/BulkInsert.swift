import CSQLite
import GRDB

/// One value to bind in a ``BulkInsert``.
enum BulkValue {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null
}

/// Runs one prepared INSERT many times, binding through the SQLite C API.
///
/// GRDB's `StatementArguments` go through existentials and unspecialised generics: for a million-row target
/// catalogue that cost as much as SQLite's own work. This binds plain values on the GRDB-prepared statement
/// and steps it, inside the caller's GRDB transaction.
struct BulkInsert {
    private let statement: Statement
    private let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.cachedStatement(sql: sql)
    }

    func run(_ values: BulkValue...) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
            case .real(let v): code = v.isNaN ? sqlite3_bind_null(handle, index) : sqlite3_bind_double(handle, index, v)
            case .text(let v):
                // SQLITE_TRANSIENT: SQLite copies the bytes before withCString's buffer goes away.
                code = v.withCString { sqlite3_bind_text(handle, index, $0, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self)) }
            case .null: code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
        let step = sqlite3_step(handle)
        guard step == SQLITE_DONE else { throw failure(step) }
    }

    private func failure(_ code: Int32) -> StoreError {
        StoreError("\(statement.sql): \(String(cString: sqlite3_errstr(code))): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
    }
}

extension Optional where Wrapped == Double {
    var bulk: BulkValue { map { .real($0) } ?? .null }
}

extension Optional where Wrapped == String {
    var bulk: BulkValue { map { .text($0) } ?? .null }
}
