// The SQLite C API, for the bulk inserts GRDB's Swift-level arguments make slow (QMostStore/BulkInsert.swift).
// Everything else goes through GRDB, which links the same system library.
#include <sqlite3.h>
