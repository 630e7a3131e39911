import Foundation

/// Everything an installation can be told, read from `etc/qmostd.yaml`.
///
/// Every key is optional; the defaults below are the documented ones in ``ConfigurationTemplate``. Unknown keys
/// are errors. Relative paths are relative to the installation root, the directory that holds `etc/`.
public struct Configuration: Sendable, Equatable {
    /// The installation directory (the parent of `etc/`); not read from YAML.
    public var root: String = "."
    public var paths = Paths()
    public var night = NightRule()
    /// Frame kinds a night needs before `night close` calls it complete.
    public var nightRequiredKinds: [FrameKind] = [.bias, .fibreFlat, .arc]
    public var frameKeywords = FrameKeywords()
    public var classification: [ClassificationRule] = Classifier.defaultRules
    public var watch = Watch()
    public var ingest = Ingest()
    public var engine = Engine()
    public var stages: [String: StageSettings] = ["ingest": StageSettings(enabled: true)]
    public var alerts = Alerts()
    public var targets = Targets()
    /// How many nights from an exposure each kind of master calibration may come (`calibrations.max_nights`).
    public var calibrationWindows: [CalibrationKind: Int] = CalibrationAssociation.defaultWindows
    /// Inter-output crosstalk per detector, `"<spectrograph>/<arm>"` → C[source][victim] (`calibrations.crosstalk`).
    public var crosstalk: [String: [[Double]]] = [:]
    /// The qa_analyse test catalogue (`qa.tests`), replacing ``QualityTest/defaults`` when given.
    public var qaTests: [QualityTest] = QualityTest.defaults

    public init() {}

    /// Where things live inside the installation.
    public struct Paths: Sendable, Equatable {
        public var spoolRaw = "spool/raw"
        public var spoolDXU = "spool/dxu"
        public var quarantine = "spool/quarantine"
        public var repository = "repo"
        public var prerelease = "prerelease"
        public var releases = "releases"
        public var database = "qmost.db"
        public init() {}
    }

    /// The spool watcher.
    public struct Watch: Sendable, Equatable {
        /// Seconds between reconciliation scans, the backstop for anything inotify missed.
        public var reconcileIntervalSeconds: Double = 60
        /// A file still incomplete this long after its last change is quarantined.
        public var incompleteGraceSeconds: Double = 300
        /// Seconds between re-checks of a file that is still being written.
        public var incompleteRecheckSeconds: Double = 2
        /// Where the kernel will not say whether a file is open for writing (no read lease on another user's
        /// file), a file must be unchanged this long before it is read.
        public var settleSeconds: Double = 2
        /// Events held in memory between the inotify reader and the ingest queue. When full, the reader waits and
        /// the kernel's queue takes the rest; if that overflows too, a full rescan finds every file.
        public var eventBuffer = 65_536
        public init() {}
    }

    /// Ingest.
    public struct Ingest: Sendable, Equatable {
        /// Verify CHECKSUM/DATASUM where a file carries them.
        public var verifyChecksums = true
        public init() {}
    }

    /// The durable job queue and its workers.
    public struct Engine: Sendable, Equatable {
        /// Concurrent jobs; 0 means two per core.
        public var workers = 0
        public var leaseSeconds: Double = 120
        public var heartbeatSeconds: Double = 20
        public var maxAttempts = 5
        public var backoffBaseSeconds: Double = 10
        public var backoffMaxSeconds: Double = 3600
        /// How often idle workers look for work when nothing woke them.
        public var pollMilliseconds: Double = 250
        public init() {}
    }

    /// How one stage of the graph runs.
    public struct StageSettings: Sendable, Equatable {
        public var enabled: Bool?
        /// Run this program instead of the built-in stage: an argv list, never a shell line.
        public var command: [String]?
        /// For night-level stages: wait this long after the night's last new frame before starting.
        public var quietPeriodSeconds: Double?
        public var maxAttempts: Int?
        /// Seconds after which an external command is killed.
        public var timeoutSeconds: Double?
        /// Free-form parameters; part of the stage's idempotency key and passed to commands in the manifest.
        public var parameters: [String: String] = [:]
        public init(enabled: Bool? = nil, command: [String]? = nil) {
            self.enabled = enabled
            self.command = command
        }
    }

    /// Email alerts.
    public struct Alerts: Sendable, Equatable {
        public var enabled = false
        public var smtpURL = "smtp://127.0.0.1:25"
        public var username: String?
        /// A file holding the SMTP password (keep it mode 0600).
        public var passwordFile: String?
        public var requireTLS = false
        public var from = "qmostd@localhost"
        public var to: [String] = []
        /// Alerts with the same cause within this window are folded into one mail.
        public var dedupWindowSeconds: Double = 3600
        /// 0 sends each alert when it happens; otherwise pending alerts go out as one digest this often.
        public var digestIntervalSeconds: Double = 0
        /// Delay before retrying a mail the server did not take.
        public var retrySeconds: Double = 30
        public init() {}
    }

    /// Target catalogues and the shared-target procedure (seed §11.2).
    public struct Targets: Sendable, Equatable {
        /// Targets of one resolution mode closer than this at epoch 2016.0 are the same object.
        public var linkRadiusArcseconds: Double = 1.0
        /// Column names in catalogue files; the defaults are the 4FS target catalogue's.
        public var columns = Columns()
        public init() {}

        /// Which FITS column holds each quantity.
        public struct Columns: Sendable, Equatable, Codable {
            public var name = "NAME"
            public var ra = "RA"
            public var dec = "DEC"
            public var pmra = "PMRA"
            public var pmdec = "PMDEC"
            public var epoch = "EPOCH"
            public var parallax = "PARALLAX"
            public var resolution = "RESOLUTION"
            public var mag = "MAG"
            public var magType = "MAG_TYPE"
            public init() {}

            enum CodingKeys: String, CodingKey, CaseIterable {
                case name, ra, dec, pmra, pmdec, epoch, parallax, resolution, mag, magType = "mag_type"
            }
        }
    }

    /// An absolute path for an installation-relative one.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (root as NSString).appendingPathComponent(path)
    }

    /// The path relative to the installation root when it lies inside it (as the database records paths),
    /// otherwise the standardised absolute path.
    public func relativePath(_ absolute: String) -> String {
        let base = (root as NSString).standardizingPath
        let p = (absolute as NSString).standardizingPath
        return p.hasPrefix(base + "/") ? String(p.dropFirst(base.count + 1)) : p
    }

    public var spoolRawPath: String { resolve(paths.spoolRaw) }
    public var spoolDXUPath: String { resolve(paths.spoolDXU) }
    public var quarantinePath: String { resolve(paths.quarantine) }
    public var repositoryPath: String { resolve(paths.repository) }
    public var databasePath: String { resolve(paths.database) }
    public var lockPath: String { resolve("qmostd.lock") }

    /// Settings of a stage merged over its defaults from the stage graph.
    public func settings(for stage: StageName) -> StageSettings {
        stages[stage.rawValue] ?? StageSettings()
    }

    public var classifier: Classifier { Classifier(rules: classification) }
}
