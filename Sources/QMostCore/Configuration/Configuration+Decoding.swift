import Foundation
import Yams

// YAML keys are snake_case; each section rejects keys it does not know.

extension Configuration: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case paths, night, frameKeywords = "frame_keywords", classification, watch, ingest, engine, stages, alerts
        case targets, calibrations, qa
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Configuration()
        paths = try c.value(.paths, or: d.paths)
        let nightSection = try c.decodeIfPresent(NightSection.self, forKey: .night)
        night = nightSection?.rule ?? d.night
        nightRequiredKinds = nightSection?.requiredKinds ?? d.nightRequiredKinds
        frameKeywords = try c.decodeIfPresent(FrameKeywordsSection.self, forKey: .frameKeywords)?.keywords ?? d.frameKeywords
        classification = try c.decodeIfPresent(ClassificationSection.self, forKey: .classification)?.rules ?? d.classification
        watch = try c.value(.watch, or: d.watch)
        ingest = try c.value(.ingest, or: d.ingest)
        engine = try c.value(.engine, or: d.engine)
        stages = try c.value(.stages, or: d.stages)
        alerts = try c.value(.alerts, or: d.alerts)
        targets = try c.value(.targets, or: d.targets)
        let calibrations = try c.decodeIfPresent(CalibrationsSection.self, forKey: .calibrations)
        calibrationWindows = calibrations?.windows ?? d.calibrationWindows
        crosstalk = calibrations?.crosstalk ?? d.crosstalk
        qaTests = try c.decodeIfPresent(QASection.self, forKey: .qa)?.tests ?? d.qaTests
        for name in stages.keys where StageName(rawValue: name) == nil {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.stages, AnyCodingKey(stringValue: name)],
                debugDescription: "unknown stage '\(name)' (stages: \(StageName.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
    }
}

extension Configuration.Paths: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case spoolRaw = "spool_raw", spoolDXU = "spool_dxu", quarantine, repository, prerelease, releases, database
    }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        spoolRaw = try c.value(.spoolRaw, or: d.spoolRaw)
        spoolDXU = try c.value(.spoolDXU, or: d.spoolDXU)
        quarantine = try c.value(.quarantine, or: d.quarantine)
        repository = try c.value(.repository, or: d.repository)
        prerelease = try c.value(.prerelease, or: d.prerelease)
        releases = try c.value(.releases, or: d.releases)
        database = try c.value(.database, or: d.database)
    }
}

struct NightSection: Decodable {
    var rule: NightRule
    var requiredKinds: [FrameKind]
    enum CodingKeys: String, CodingKey, CaseIterable {
        case keyword, mjdKeyword = "mjd_keyword", offsetHours = "offset_hours", requiredKinds = "required_kinds"
    }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = NightRule()
        let keyword = try c.value(.keyword, or: d.keyword ?? "")
        rule = NightRule(keyword: keyword.isEmpty ? nil : keyword,
                         mjdKeyword: try c.value(.mjdKeyword, or: d.mjdKeyword),
                         offsetHours: try c.value(.offsetHours, or: d.offsetHours))
        requiredKinds = try c.value(.requiredKinds, or: Configuration().nightRequiredKinds)
    }
}

struct FrameKeywordsSection: Decodable {
    var keywords = FrameKeywords()
    enum CodingKeys: String, CodingKey, CaseIterable {
        case obID = "ob_id", spectrograph, arm, instrument, exposureTime = "exposure_time", object, mjd
    }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keywords.obID = try c.value(.obID, or: keywords.obID)
        keywords.spectrograph = try c.value(.spectrograph, or: keywords.spectrograph)
        keywords.arm = try c.value(.arm, or: keywords.arm)
        keywords.instrument = try c.value(.instrument, or: keywords.instrument)
        keywords.exposureTime = try c.value(.exposureTime, or: keywords.exposureTime)
        keywords.object = try c.value(.object, or: keywords.object)
        keywords.mjd = try c.value(.mjd, or: keywords.mjd)
    }
}

struct ClassificationSection: Decodable {
    var rules: [ClassificationRule]
    enum CodingKeys: String, CodingKey, CaseIterable { case rules }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        rules = try decoder.container(keyedBy: CodingKeys.self).decode([ClassificationRule].self, forKey: .rules)
    }
}

extension Configuration.Watch: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case reconcileIntervalSeconds = "reconcile_interval_s", incompleteGraceSeconds = "incomplete_grace_s"
        case incompleteRecheckSeconds = "incomplete_recheck_s", settleSeconds = "settle_s", eventBuffer = "event_buffer"
    }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        reconcileIntervalSeconds = try c.value(.reconcileIntervalSeconds, or: d.reconcileIntervalSeconds)
        incompleteGraceSeconds = try c.value(.incompleteGraceSeconds, or: d.incompleteGraceSeconds)
        incompleteRecheckSeconds = try c.value(.incompleteRecheckSeconds, or: d.incompleteRecheckSeconds)
        settleSeconds = try c.value(.settleSeconds, or: d.settleSeconds)
        eventBuffer = try c.value(.eventBuffer, or: d.eventBuffer)
        guard eventBuffer >= 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.eventBuffer],
                debugDescription: "watch.event_buffer must be at least 1 (got \(eventBuffer))"))
        }
    }
}

extension Configuration.Targets: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case linkRadiusArcseconds = "link_radius_arcsec", columns }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        linkRadiusArcseconds = try c.value(.linkRadiusArcseconds, or: d.linkRadiusArcseconds)
        columns = try c.value(.columns, or: d.columns)
        guard linkRadiusArcseconds > 0, linkRadiusArcseconds <= 3600 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.linkRadiusArcseconds],
                debugDescription: "targets.link_radius_arcsec must be in (0, 3600] (got \(linkRadiusArcseconds))"))
        }
    }
}

extension Configuration.Targets.Columns {
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        name = try c.value(.name, or: d.name)
        ra = try c.value(.ra, or: d.ra)
        dec = try c.value(.dec, or: d.dec)
        pmra = try c.value(.pmra, or: d.pmra)
        pmdec = try c.value(.pmdec, or: d.pmdec)
        epoch = try c.value(.epoch, or: d.epoch)
        parallax = try c.value(.parallax, or: d.parallax)
        resolution = try c.value(.resolution, or: d.resolution)
        mag = try c.value(.mag, or: d.mag)
        magType = try c.value(.magType, or: d.magType)
    }
}

extension Configuration.Ingest: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case verifyChecksums = "verify_checksums" }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        verifyChecksums = try c.value(.verifyChecksums, or: true)
    }
}

extension Configuration.Engine: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case workers, leaseSeconds = "lease_s", heartbeatSeconds = "heartbeat_s", maxAttempts = "max_attempts"
        case backoffBaseSeconds = "backoff_base_s", backoffMaxSeconds = "backoff_max_s", pollMilliseconds = "poll_ms"
    }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        workers = try c.value(.workers, or: d.workers)
        leaseSeconds = try c.value(.leaseSeconds, or: d.leaseSeconds)
        heartbeatSeconds = try c.value(.heartbeatSeconds, or: d.heartbeatSeconds)
        maxAttempts = try c.value(.maxAttempts, or: d.maxAttempts)
        backoffBaseSeconds = try c.value(.backoffBaseSeconds, or: d.backoffBaseSeconds)
        backoffMaxSeconds = try c.value(.backoffMaxSeconds, or: d.backoffMaxSeconds)
        pollMilliseconds = try c.value(.pollMilliseconds, or: d.pollMilliseconds)
        guard heartbeatSeconds < leaseSeconds else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.heartbeatSeconds],
                debugDescription: "engine.heartbeat_s (\(heartbeatSeconds)) must be shorter than engine.lease_s (\(leaseSeconds))"))
        }
    }
}

extension Configuration.StageSettings: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, command, quietPeriodSeconds = "quiet_period_s", maxAttempts = "max_attempts"
        case timeoutSeconds = "timeout_s", parameters
    }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
        command = try c.decodeIfPresent([String].self, forKey: .command)
        quietPeriodSeconds = try c.decodeIfPresent(Double.self, forKey: .quietPeriodSeconds)
        maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts)
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds)
        parameters = try c.value(.parameters, or: [:])
        if let command, command.isEmpty {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.command],
                debugDescription: "command must be a non-empty argv list, e.g. [\"/usr/bin/my-l1\", \"--fast\"]"))
        }
    }
}

extension Configuration.Alerts: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, smtpURL = "smtp_url", username, passwordFile = "password_file", requireTLS = "require_tls"
        case from, to, dedupWindowSeconds = "dedup_window_s", digestIntervalSeconds = "digest_interval_s"
        case retrySeconds = "retry_s"
    }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        enabled = try c.value(.enabled, or: d.enabled)
        smtpURL = try c.value(.smtpURL, or: d.smtpURL)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        requireTLS = try c.value(.requireTLS, or: d.requireTLS)
        from = try c.value(.from, or: d.from)
        to = try c.value(.to, or: d.to)
        dedupWindowSeconds = try c.value(.dedupWindowSeconds, or: d.dedupWindowSeconds)
        digestIntervalSeconds = try c.value(.digestIntervalSeconds, or: d.digestIntervalSeconds)
        retrySeconds = try c.value(.retrySeconds, or: d.retrySeconds)
        if enabled && to.isEmpty {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.to],
                debugDescription: "alerts are enabled but alerts.to names no recipient"))
        }
        guard smtpURL.hasPrefix("smtp://") || smtpURL.hasPrefix("smtps://") else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.smtpURL],
                debugDescription: "alerts.smtp_url must start with smtp:// or smtps:// (got '\(smtpURL)')"))
        }
    }
}

/// A configuration file that could not be used: the file and the problem, naming the key.
public typealias ConfigurationError = FileProblem

extension Configuration {
    /// Reads and checks a configuration file; its installation root is the parent of the folder holding it.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ConfigurationError(path: url.path, problem: "cannot read: \(error.localizedDescription)")
        }
        var config = try parse(text, path: url.path)
        config.root = url.deletingLastPathComponent().deletingLastPathComponent().path
        return config
    }

    /// Parses YAML text; `path` only names the source in errors.
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> Configuration {
        do {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return Configuration() }
            return try YAMLDecoder().decode(Configuration.self, from: text)
        } catch let error as DecodingError {
            throw ConfigurationError(path: path, problem: Self.describe(error))
        } catch {
            throw ConfigurationError(path: path, problem: "not valid YAML: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let c):
            // Yams reports syntax errors as corrupted data with the parser's message (line, column) underneath.
            let detail = c.underlyingError.map { ": \($0)" } ?? ""
            return "\(at(c.codingPath)): \(c.debugDescription)\(detail)"
        case .keyNotFound(let k, let c): return "\(at(c.codingPath + [k])): required key missing"
        case .typeMismatch(let t, let c): return "\(at(c.codingPath)): expected \(t)"
        case .valueNotFound(let t, let c): return "\(at(c.codingPath)): expected a \(t) value"
        @unknown default: return "\(error)"
        }
    }
}

/// `calibrations: {max_nights: {bias: 7, ...}}`: kinds not named keep their default window.
struct CalibrationsSection: Decodable {
    var windows: [CalibrationKind: Int]
    var crosstalk: [String: [[Double]]]
    enum CodingKeys: String, CodingKey, CaseIterable { case maxNights = "max_nights", crosstalk }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        windows = CalibrationAssociation.defaultWindows
        for (name, nights) in try c.decodeIfPresent([String: Int].self, forKey: .maxNights) ?? [:] {
            guard let kind = CalibrationKind(rawValue: name) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.maxNights, AnyCodingKey(stringValue: name)],
                    debugDescription: "unknown calibration kind '\(name)' (kinds: \(CalibrationKind.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            guard nights >= 0 else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.maxNights, AnyCodingKey(stringValue: name)],
                    debugDescription: "max_nights.\(name) must be 0 or more, not \(nights)"))
            }
            windows[kind] = nights
        }
        crosstalk = try c.decodeIfPresent([String: [[Double]]].self, forKey: .crosstalk) ?? [:]
        for (key, matrix) in crosstalk {
            let parts = key.split(separator: "/").map(String.init)
            let path = decoder.codingPath + [CodingKeys.crosstalk, AnyCodingKey(stringValue: key)]
            guard parts.count == 2, SpectrographName(rawValue: parts[0]) != nil, ArmName(rawValue: parts[1].lowercased()) != nil else {
                throw DecodingError.dataCorrupted(.init(codingPath: path,
                    debugDescription: "'\(key)' is not <spectrograph>/<arm>, e.g. LRS-A/BLUE"))
            }
            guard matrix.count == 2, matrix.allSatisfy({ $0.count == 2 }) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path,
                    debugDescription: "expected a 2 x 2 matrix [[0, C12], [C21, 0]] for the detector's two outputs"))
            }
        }
    }
}

/// `qa: {tests: [{id: 1001, name: ..., metric: sky_line_offset, req: 0.1, goal: 0.03, direction: max}, ...]}`.
struct QASection: Decodable {
    var tests: [QualityTest]
    enum CodingKeys: String, CodingKey, CaseIterable { case tests }

    struct Entry: Decodable {
        var id: Int64, name: String, metric: String, req: Double, goal: Double, direction: String
        enum CodingKeys: String, CodingKey, CaseIterable { case id, name, metric, req, goal, direction }
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id)
            name = try c.decode(String.self, forKey: .name)
            metric = try c.decode(String.self, forKey: .metric)
            req = try c.decode(Double.self, forKey: .req)
            goal = try c.decode(Double.self, forKey: .goal)
            direction = try c.decode(String.self, forKey: .direction)
        }
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let entries = try c.decodeIfPresent([Entry].self, forKey: .tests) else {
            tests = QualityTest.defaults
            return
        }
        var seen = Set<Int64>()
        tests = try entries.enumerated().map { k, e in
            let path = decoder.codingPath + [CodingKeys.tests, AnyCodingKey(stringValue: "\(k)")]
            guard let metric = QualityMetric(rawValue: e.metric) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path,
                    debugDescription: "unknown metric '\(e.metric)' (metrics: \(QualityMetric.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            guard let direction = QualityTest.Direction(rawValue: e.direction) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "direction '\(e.direction)' is not max or min"))
            }
            guard seen.insert(e.id).inserted else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "test id \(e.id) is used twice"))
            }
            let ordered = direction == .atMost ? e.goal <= e.req : e.goal >= e.req
            guard ordered else {
                throw DecodingError.dataCorrupted(.init(codingPath: path,
                    debugDescription: "goal \(e.goal) is not at least as good as req \(e.req) for direction \(e.direction)"))
            }
            return QualityTest(id: e.id, name: e.name, metric: metric, required: e.req, goal: e.goal, direction: direction)
        }
    }
}
