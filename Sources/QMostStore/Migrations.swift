import GRDB

/// Schema migrations. A migration never changes once it has landed: new needs get a new, later migration.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("2026-11-22-core", migrate: core)
        return m
    }

    private static func core(_ db: Database) throws {
        // Files are identified by the SHA-256 of their content; the path is only where the file lives now.
        try db.execute(sql: """
            CREATE TABLE files (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                sha256 TEXT NOT NULL UNIQUE,
                size INTEGER NOT NULL,
                original_name TEXT NOT NULL,
                spool_path TEXT NOT NULL,
                repo_path TEXT NOT NULL UNIQUE,
                source TEXT NOT NULL,
                ingested_at REAL NOT NULL
            );
            CREATE TABLE frames (
                file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                rule TEXT NOT NULL,
                night TEXT NOT NULL,
                mjd_obs REAL,
                ob_id INTEGER,
                spectrograph TEXT,
                arm TEXT,
                instrument TEXT,
                exptime REAL,
                object TEXT,
                dpr_catg TEXT, dpr_type TEXT, dpr_tech TEXT,
                hdus INTEGER NOT NULL,
                checksum TEXT NOT NULL
            );
            CREATE INDEX frames_night ON frames(night, kind);
            CREATE TABLE nights (
                night TEXT PRIMARY KEY,
                first_frame_at REAL NOT NULL,
                last_frame_at REAL NOT NULL,
                closed_at REAL,
                closed_incomplete INTEGER NOT NULL DEFAULT 0,
                validation_state INTEGER,
                exempted INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE quarantine (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                original_path TEXT NOT NULL,
                quarantine_path TEXT NOT NULL UNIQUE,
                reason TEXT NOT NULL,
                sha256 TEXT,
                at REAL NOT NULL
            );
            CREATE TABLE products (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                level TEXT NOT NULL,
                night TEXT,
                path TEXT NOT NULL UNIQUE,
                sha256 TEXT NOT NULL,
                stage_run_id INTEGER REFERENCES stage_runs(id),
                created_at REAL NOT NULL
            );
            CREATE TABLE product_inputs (
                product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                file_id INTEGER REFERENCES files(id),
                input_product_id INTEGER REFERENCES products(id),
                CHECK ((file_id IS NULL) <> (input_product_id IS NULL))
            );
            CREATE INDEX product_inputs_product ON product_inputs(product_id);
            CREATE TABLE stage_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                job_id INTEGER REFERENCES jobs(id),
                stage TEXT NOT NULL,
                subject TEXT NOT NULL,
                night TEXT,
                idempotency_key TEXT NOT NULL,
                params_hash TEXT NOT NULL,
                code_version TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                started_at REAL NOT NULL,
                finished_at REAL,
                outcome TEXT,
                error TEXT,
                exit_status INTEGER,
                stderr TEXT
            );
            CREATE INDEX stage_runs_key ON stage_runs(idempotency_key, outcome);
            CREATE INDEX stage_runs_subject ON stage_runs(stage, subject);
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                stage TEXT NOT NULL,
                subject TEXT NOT NULL,
                night TEXT,
                payload TEXT NOT NULL DEFAULT '{}',
                state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dead', 'cancelled')),
                priority INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL,
                not_before REAL NOT NULL,
                lease_until REAL,
                worker TEXT,
                last_error TEXT,
                blocked_reason TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                finished_at REAL
            );
            -- At most one live job per stage and subject: re-enqueueing what is already queued is a no-op.
            CREATE UNIQUE INDEX jobs_live ON jobs(stage, subject) WHERE state IN ('pending', 'running');
            -- Claims walk this index in exactly their ORDER BY, so the next job is found without sorting the
            -- backlog (a 20,000-file flood would otherwise make every claim O(n)).
            CREATE INDEX jobs_claim ON jobs(state, priority DESC, not_before, id);
            CREATE INDEX jobs_night ON jobs(night, stage);
            CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at REAL NOT NULL,
                level TEXT NOT NULL,
                kind TEXT NOT NULL,
                stage TEXT,
                night TEXT,
                sha256 TEXT,
                path TEXT,
                job_id INTEGER,
                message TEXT NOT NULL
            );
            CREATE INDEX events_sha ON events(sha256);
            CREATE INDEX events_night ON events(night);
            CREATE INDEX events_job ON events(job_id);
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                cause TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                first_at REAL NOT NULL,
                last_at REAL NOT NULL,
                count INTEGER NOT NULL DEFAULT 1,
                state TEXT NOT NULL CHECK (state IN ('pending', 'sent')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL,
                sent_at REAL,
                last_error TEXT
            );
            CREATE INDEX alerts_cause ON alerts(cause, first_at);
            CREATE INDEX alerts_pending ON alerts(state, next_attempt_at);
            CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE daemon (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                pid INTEGER NOT NULL,
                started_at REAL NOT NULL,
                heartbeat_at REAL NOT NULL,
                version TEXT NOT NULL
            );
            """)
    }
}
