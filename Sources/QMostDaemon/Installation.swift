import Foundation
import QMostCore
import QMostStore

/// An installation on disk: one folder with etc/, spool/, repo/, prerelease/ and qmost.db.
public enum Installation {
    /// Creates a working installation in `directory` (which may exist; nothing existing is overwritten).
    @discardableResult
    public static func create(at directory: String) throws(DaemonError) -> Configuration {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        let configPath = "\(root)/etc/qmostd.yaml"
        do {
            for dir in ["etc", "spool/raw", "spool/dxu", "spool/quarantine", "repo", "prerelease", "releases"] {
                try fm.createDirectory(atPath: "\(root)/\(dir)", withIntermediateDirectories: true)
            }
            if !fm.fileExists(atPath: configPath) {
                try ConfigurationTemplate.text.write(toFile: configPath, atomically: true, encoding: .utf8)
            }
        } catch {
            throw .setup("cannot create the installation in \(root): \(error.localizedDescription)")
        }
        let config: Configuration
        do { config = try Configuration.load(path: configPath) } catch { throw .setup(error.description) }
        try prepare(config)
        return config
    }

    /// Makes sure the folders the configuration names exist and the database is migrated.
    public static func prepare(_ config: Configuration) throws(DaemonError) {
        do {
            for dir in [config.spoolRawPath, config.spoolDXUPath, config.quarantinePath, config.repositoryPath,
                        config.resolve(config.paths.prerelease), config.resolve(config.paths.releases)] {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
        } catch {
            throw .setup("cannot create installation folders under \(config.root): \(error.localizedDescription)")
        }
        do { _ = try Repository(path: config.databasePath) } catch { throw .setup(error.description) }
    }

    /// The configuration file to use: `--config`, else `$QMOSTD_CONFIG`, else `./etc/qmostd.yaml`.
    public static func configPath(explicit: String?) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["QMOSTD_CONFIG"], !env.isEmpty { return env }
        return FileManager.default.currentDirectoryPath + "/etc/qmostd.yaml"
    }

    /// Loads the configuration found by ``configPath(explicit:)``.
    public static func load(explicit: String?) throws(ConfigurationError) -> Configuration {
        let path = configPath(explicit: explicit)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationError(path: path, problem: "no configuration here; create an installation with `qmostd init DIR` "
                                     + "or point --config / $QMOSTD_CONFIG at its etc/qmostd.yaml")
        }
        return try Configuration.load(path: path)
    }
}
