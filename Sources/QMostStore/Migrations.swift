import GRDB

/// Schema migrations. A migration never changes once it has landed: new needs get a new, later migration.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("2026-11-22-core", migrate: core)
        m.registerMigration("2026-11-22-identifiers", migrate: identifiers)
        m.registerMigration("2026-12-02-calibrations", migrate: calibrations)
        m.registerMigration("2026-12-03-phase3", migrate: phase3)
        m.registerMigration("2026-12-03-qa", migrate: qa)
        m.registerMigration("2026-12-03-l2", migrate: l2)
        return m
    }

    /// Every L2 measurement, one row per module and spectrum, kept when a rerun supersedes it (with the hashes of
    /// the L1 input and the DXU it was written to, which a rerun replaces on disk).
    private static func l2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE l2_results (
                id INTEGER PRIMARY KEY,
                night TEXT NOT NULL,
                module TEXT NOT NULL,
                specuid INTEGER NOT NULL,
                cname TEXT NOT NULL,
                value REAL,
                error REAL,
                label TEXT,
                flags INTEGER NOT NULL,
                exempted_tests TEXT NOT NULL DEFAULT '',
                input_product_id INTEGER NOT NULL REFERENCES products(id),
                input_sha256 TEXT NOT NULL,
                dxu_product_id INTEGER NOT NULL REFERENCES products(id),
                dxu_sha256 TEXT NOT NULL,
                stage_run_id INTEGER REFERENCES stage_runs(id),
                created_at REAL NOT NULL,
                superseded_at REAL
            );
            CREATE INDEX l2_results_current ON l2_results(night, module, superseded_at);
            CREATE INDEX l2_results_spectrum ON l2_results(specuid);
            """)
    }

    /// L1's masters and which of them each reduced exposure used, with the association's tier.
    private static func calibrations(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE calibrations (
                product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                spectrograph TEXT NOT NULL,
                night TEXT NOT NULL,
                ob_id INTEGER
            );
            CREATE INDEX calibrations_lookup ON calibrations(spectrograph, kind, night);
            CREATE TABLE reduced_frames (
                file_id INTEGER PRIMARY KEY REFERENCES files(id),
                product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE
            );
            CREATE TABLE product_calibrations (
                product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                calibration_id INTEGER NOT NULL REFERENCES products(id),
                tier TEXT NOT NULL,
                nights_apart INTEGER NOT NULL,
                PRIMARY KEY (product_id, kind)
            );
            CREATE INDEX product_calibrations_calibration ON product_calibrations(calibration_id);
            """)
    }

    /// L1 quality assessment (seed 9.2.2): the 4OR `qa` table exactly as the seed's Table 2 has it, and the audited
    /// exemptions that let a failed night proceed.
    private static func qa(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE qa (
                id INTEGER PRIMARY KEY,
                nightobs INTEGER NOT NULL,
                ob_id INTEGER,
                specid BIGINT,
                testid BIGINT NOT NULL,
                req FLOAT,
                goal FLOAT,
                val FLOAT,
                state INTEGER NOT NULL CHECK (state IN (0, 1, 2)),
                info CHAR(255),
                timestamp TIMESTAMP NOT NULL
            );
            CREATE INDEX qa_nightobs ON qa(nightobs);
            CREATE INDEX qa_testid ON qa(testid, nightobs);
            CREATE TABLE qa_exemptions (
                id INTEGER PRIMARY KEY,
                nightobs INTEGER NOT NULL,
                testid BIGINT NOT NULL,
                reason TEXT NOT NULL,
                user TEXT NOT NULL,
                at DOUBLE NOT NULL,
                UNIQUE (nightobs, testid)
            );
            """)
    }

    /// L1's Phase 3 spectra: which object, part and stack each file holds, so stacks find their inputs.
    private static func phase3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE phase3_products (
                product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
                night TEXT NOT NULL,
                ob_id INTEGER,
                spectrograph TEXT NOT NULL,
                part TEXT NOT NULL,
                stack TEXT NOT NULL,
                object_key TEXT NOT NULL,
                cname TEXT NOT NULL,
                specuid INTEGER NOT NULL,
                combined INTEGER NOT NULL
            );
            CREATE INDEX phase3_products_night ON phase3_products(night, stack);
            CREATE INDEX phase3_products_object ON phase3_products(object_key, stack);
            """)
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

    /// Target catalogues, the object catalogue of the shared-target procedure, spectrum ids and FIBINFO
    /// (seed §11.2). Identifier columns hold the kind-block ids of `IdentifierSpace`.
    private static func identifiers(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE surveys (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                created_at REAL NOT NULL
            );
            -- One row per catalogue file accepted for a survey; the file itself is kept under repo/catalogues/.
            CREATE TABLE catalogues (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                survey_id INTEGER NOT NULL REFERENCES surveys(id),
                sha256 TEXT NOT NULL,
                original_name TEXT NOT NULL,
                repo_path TEXT NOT NULL,
                hdu INTEGER NOT NULL,
                columns TEXT NOT NULL,
                link_radius_arcsec REAL NOT NULL,
                rows INTEGER NOT NULL,
                new_targets INTEGER NOT NULL,
                updated_targets INTEGER NOT NULL,
                unchanged_targets INTEGER NOT NULL,
                rejected_rows INTEGER NOT NULL,
                new_objects INTEGER NOT NULL,
                merges INTEGER NOT NULL,
                ingested_at REAL NOT NULL,
                UNIQUE (survey_id, sha256)
            );
            CREATE TABLE catalogue_rejects (
                catalogue_id INTEGER NOT NULL REFERENCES catalogues(id) ON DELETE CASCADE,
                row INTEGER NOT NULL,
                name TEXT,
                reason TEXT NOT NULL,
                PRIMARY KEY (catalogue_id, row)
            ) WITHOUT ROWID;
            -- Objects never disappear: a merged object keeps its row, and merged_into names its survivor.
            CREATE TABLE objects (
                u_obj_id INTEGER PRIMARY KEY,
                resolution INTEGER NOT NULL CHECK (resolution IN (1, 2)),
                ra REAL NOT NULL,
                dec REAL NOT NULL,
                cname TEXT NOT NULL,
                iau_name TEXT NOT NULL,
                -- CoordinateName.numericKey(iau_name): looked up through an integer index, cheaper to fill than text.
                iau_key INTEGER NOT NULL,
                founder_targ_id INTEGER NOT NULL,
                catalogue_id INTEGER NOT NULL REFERENCES catalogues(id),
                merged_into INTEGER REFERENCES objects(u_obj_id),
                created_at REAL NOT NULL
            );
            -- An object's CNAME is its founder's, so CNAME look-ups go through targets_cname and this index; its
            -- position is its founder's at 2016.0, so cone searches find objects through targets_sky too.
            CREATE INDEX objects_founder ON objects(founder_targ_id);
            CREATE INDEX objects_iau_key ON objects(iau_key);
            CREATE TABLE object_merges (
                absorbed INTEGER PRIMARY KEY REFERENCES objects(u_obj_id),
                survivor INTEGER NOT NULL REFERENCES objects(u_obj_id),
                bridging_targ_id INTEGER NOT NULL,
                catalogue_id INTEGER NOT NULL REFERENCES catalogues(id),
                at REAL NOT NULL
            );
            CREATE INDEX object_merges_survivor ON object_merges(survivor);
            CREATE TABLE targets (
                targ_id INTEGER PRIMARY KEY,
                survey_id INTEGER NOT NULL REFERENCES surveys(id),
                name TEXT NOT NULL,
                resolution INTEGER NOT NULL CHECK (resolution IN (1, 2)),
                ra REAL NOT NULL,
                dec REAL NOT NULL,
                pmra REAL NOT NULL,
                pmdec REAL NOT NULL,
                epoch REAL NOT NULL,
                parallax REAL NOT NULL,
                mag REAL,
                mag_type TEXT,
                ra2016 REAL NOT NULL,
                dec2016 REAL NOT NULL,
                -- HEALPix NESTED cell of (ra2016, dec2016) at order 29: the sky index (see HEALPix.indexRanges).
                hpx INTEGER NOT NULL,
                cname TEXT NOT NULL,
                cname_key INTEGER NOT NULL,
                u_obj_id INTEGER NOT NULL REFERENCES objects(u_obj_id),
                first_u_obj_id INTEGER NOT NULL REFERENCES objects(u_obj_id),
                catalogue_id INTEGER NOT NULL REFERENCES catalogues(id),
                updated_catalogue_id INTEGER REFERENCES catalogues(id),
                UNIQUE (survey_id, name)
            );
            CREATE INDEX targets_object ON targets(u_obj_id);
            CREATE INDEX targets_cname ON targets(cname_key);
            -- A cone is a few ranges of nested HEALPix cells: an ordinary B-tree, several times cheaper to fill
            -- than an R*Tree (a million targets must load in well under a minute).
            CREATE INDEX targets_sky ON targets(hpx);
            -- SPECUIDs: one per extracted spectrum, keyed by what makes it that spectrum.
            CREATE TABLE spectra (
                specuid INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                night TEXT NOT NULL,
                ob_id INTEGER NOT NULL,
                spectrograph TEXT NOT NULL,
                arm TEXT NOT NULL,
                stack TEXT NOT NULL,
                pipeline_version TEXT NOT NULL,
                file_id INTEGER REFERENCES files(id),
                fibre INTEGER,
                targ_id INTEGER,
                u_obj_id INTEGER,
                product_id INTEGER REFERENCES products(id),
                created_at REAL NOT NULL
            );
            CREATE INDEX spectra_target ON spectra(targ_id);
            CREATE INDEX spectra_object ON spectra(u_obj_id);
            CREATE INDEX spectra_file ON spectra(file_id, fibre);
            CREATE TABLE spectrum_inputs (
                specuid INTEGER NOT NULL REFERENCES spectra(specuid),
                input_specuid INTEGER NOT NULL REFERENCES spectra(specuid),
                PRIMARY KEY (specuid, input_specuid)
            ) WITHOUT ROWID;
            -- The FIBINFO table of each raw frame: which target each fibre saw in that exposure.
            CREATE TABLE fibinfo (
                file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                fibre INTEGER NOT NULL,
                targ_id INTEGER,
                u_obj_id INTEGER,
                cname TEXT,
                ra REAL,
                dec REAL,
                fib_use INTEGER,
                fib_st INTEGER,
                spectrograph TEXT,
                slit_pos INTEGER,
                PRIMARY KEY (file_id, fibre)
            ) WITHOUT ROWID;
            CREATE INDEX fibinfo_target ON fibinfo(targ_id);
            CREATE INDEX fibinfo_object ON fibinfo(u_obj_id);
            """)
    }
}
