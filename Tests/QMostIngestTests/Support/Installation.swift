import Foundation
import GRDB
import QMostCore
import QMostFITS
import QMostIngest
import QMostStore
import QMostTesting
import Testing

/// A throw-away installation: a root folder with its spool, quarantine and repository, a migrated database and
/// an ingester over them. Everything is removed when the value is released.
final class Installation {
    let directory: TemporaryDirectory
    let configuration: QMostCore.Configuration
    let repository: Repository
    let ingester: Ingester

    /// `adjust` changes the configuration before anything is created (e.g. `c.ingest.verifyChecksums = false`).
    init(_ adjust: (inout QMostCore.Configuration) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory("qmost-ingest")
        var c = QMostCore.Configuration()
        c.root = directory.path
        adjust(&c)
        configuration = c
        for folder in [c.spoolRawPath, c.spoolDXUPath, c.quarantinePath, c.repositoryPath] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        repository = try Repository(path: directory.file("qmost.db"))
        ingester = Ingester(configuration: c, repository: repository)
    }

    var root: String { directory.path }

    /// A path in the spool folder of `source` (spool/raw unless told otherwise).
    func spool(_ name: String, source: IngestSource = .raw) -> String {
        let folder = source == .dxu ? configuration.spoolDXUPath : configuration.spoolRawPath
        return (folder as NSString).appendingPathComponent(name)
    }

    /// The absolute path of an installation-relative one.
    func absolute(_ relative: String) -> String { configuration.resolve(relative) }

    /// The repository path a frame would get without a name clash: `repo/<raw|dxu>/<night>/<name>`.
    func repoPath(night: String, name: String, folder: String = "raw") -> String {
        "\(configuration.paths.repository)/\(folder)/\(night)/\(name)"
    }

    func ingest(_ path: String, source: IngestSource = .raw, now: Date = Date(),
                followups: Ingester.Followups? = nil) throws -> IngestOutcome {
        try ingester.ingest(path: path, source: source, jobID: nil, now: now, followups: followups)
    }

    /// Ingests a file that must be accepted; any other outcome fails the test and is shown in full.
    func accept(_ path: String, source: IngestSource = .raw, now: Date = Date())
        throws -> (sha256: String, repoPath: String, kind: FrameKind, night: Night, rule: String) {
        let outcome = try ingest(path, source: source, now: now)
        return try #require(outcome.accepted, "expected \(path) to be accepted, got \(outcome)")
    }

    // MARK: Database

    func files() throws -> [FileRecord] {
        try repository.pool.read { db in try FileRecord.order(Column("id")).fetchAll(db) }
    }

    func frames() throws -> [FrameRecord] {
        try repository.pool.read { db in try FrameRecord.order(Column("file_id")).fetchAll(db) }
    }

    func quarantineRecords() throws -> [QuarantineRecord] {
        try repository.pool.read { db in try QuarantineRecord.order(Column("id")).fetchAll(db) }
    }

    func alerts() throws -> [Alert] {
        try repository.pool.read { db in try Alert.order(Column("id")).fetchAll(db) }
    }

    func events(kind: String) throws -> [Event] {
        try repository.events(EventFilter()).filter { $0.kind == kind }
    }

    func count(_ table: String) throws -> Int {
        try repository.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    // MARK: Files on disk

    /// Every regular file under an installation-relative folder, as installation-relative paths, sorted.
    func regularFiles(under relative: String) -> [String] {
        let base = absolute(relative)
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var found: [String] = []
        while let item = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: (base as NSString).appendingPathComponent(item), isDirectory: &isDirectory),
               !isDirectory.boolValue {
                found.append("\(relative)/\(item)")
            }
        }
        return found.sorted()
    }
}

// MARK: - Writing test files

/// Serialises the tests' own file writing with the child processes they start.
///
/// Tests run in parallel in one process. A child forked while another test still holds a file open for writing
/// shares that descriptor until the child closes it on its way to exec, so for a moment the file is "open for
/// writing" even after the test closed it, and ingest rightly waits. Writers and children therefore never overlap.
enum WriteGate {
    private static let lock = NSLock()

    static func writing<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

enum Frames {
    /// A synthetic 4MOST frame (CHECKSUM/DATASUM written unless `checksums` is false).
    static func synthetic(_ spec: SyntheticFrames.Spec, at path: String, checksums: Bool = true) throws {
        try WriteGate.writing { try SyntheticFrames.write(spec, to: path, checksums: checksums) }
    }

    /// A spec for night 2024-03-10 (observed that evening at 23:00 UTC plus two minutes per index).
    static func spec(_ kind: FrameKind = .science, index: Int = 0, night: String = "2024-03-10") -> SyntheticFrames.Spec {
        SyntheticFrames.Spec(kind: kind, night: Night(night)!, index: index, width: 32, height: 32)
    }

    /// A small 16-bit image whose primary header holds exactly `cards` (plus the structural ones).
    static func image(at path: String, cards: [FITSCard], checksums: Bool = true) throws {
        try WriteGate.writing {
            let file = try FITSFile.create(path, overwrite: true)
            let pixels = (0..<(24 * 24)).map { UInt16(1000 + $0 % 97) }
            try file.appendImage(pixels, shape: [24, 24], cards: cards)
            if checksums { try file.writeChecksums() }
            try file.close()
        }
    }

    /// Science-frame DPR cards, for frames written with `image(at:cards:)`.
    static let scienceDPR: [FITSCard] = [
        FITSCard(keyword: "HIERARCH ESO DPR CATG", value: .string("SCIENCE")),
        FITSCard(keyword: "HIERARCH ESO DPR TYPE", value: .string("OBJECT")),
        FITSCard(keyword: "HIERARCH ESO DPR TECH", value: .string("MOS")),
    ]

    /// The MJD of an ISO-8601 UTC instant such as `2022-01-27T02:31:32Z`.
    static func mjd(_ iso: String) -> Double {
        MJD.mjd(ISO8601DateFormatter().date(from: iso)!)
    }
}

enum Files {
    static func copy(_ source: String, to destination: String) throws {
        try WriteGate.writing { try FileManager.default.copyItem(atPath: source, toPath: destination) }
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try WriteGate.writing { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func size(_ path: String) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? -1
    }

    static func modified(_ path: String) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
    }

    /// (device, inode) of a path, to tell hard links from copies.
    static func identity(_ path: String) -> (UInt64, UInt64)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    static func sameInode(_ a: String, _ b: String) -> Bool {
        guard let ia = identity(a), let ib = identity(b) else { return false }
        return ia == ib
    }

    /// Runs a program and returns its standard output; fails unless it exits 0.
    static func run(_ program: String, _ arguments: [String], stdout: String? = nil) throws -> String {
        try WriteGate.writing { try runUngated(program, arguments, stdout: stdout) }
    }

    private static func runUngated(_ program: String, _ arguments: [String], stdout: String?) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        var target: FileHandle?
        if let stdout {
            FileManager.default.createFile(atPath: stdout, contents: nil)
            target = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
            process.standardOutput = target
        } else {
            process.standardOutput = pipe
        }
        // Our descriptor on the output must be closed at once: a file open for writing is not ingested.
        defer { try? target?.close() }
        try process.run()
        let output = stdout == nil ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RunError(description: "\(program) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// SHA-256 by coreutils, independent of the code under test.
    static func sha256sum(_ path: String) throws -> String {
        String(try run("/usr/bin/sha256sum", [path]).prefix(64))
    }

    struct RunError: Error, CustomStringConvertible { let description: String }
}

// MARK: - Outcomes

extension IngestOutcome {
    var accepted: (sha256: String, repoPath: String, kind: FrameKind, night: Night, rule: String)? {
        if case .accepted(let sha, let path, let kind, let night, let rule) = self { return (sha, path, kind, night, rule) }
        return nil
    }

    var duplicate: (sha256: String, existingRepoPath: String)? {
        if case .duplicate(let sha, let path) = self { return (sha, path) }
        return nil
    }

    var quarantined: (reason: String, quarantinePath: String)? {
        if case .quarantined(let reason, let path) = self { return (reason, path) }
        return nil
    }

    var waiting: (reason: String, retryAfter: Double)? {
        if case .waiting(let reason, let retry) = self { return (reason, retry) }
        return nil
    }
}
