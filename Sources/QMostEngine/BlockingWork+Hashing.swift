import QMostIngest

extension BlockingWork {
    /// The hex SHA-256 of each file, hashed off the cooperative pool: a stage's products run to hundreds of
    /// megabytes, and hashing them on a cooperative thread would hold back the job heartbeats for seconds.
    public static func sha256(of paths: [String]) async throws(IngestError) -> [String] {
        try await run { () throws(IngestError) -> [String] in try paths.map { path throws(IngestError) in try ContentHasher.sha256(path: path).hex } }
    }

    /// The hex SHA-256 of one file, hashed off the cooperative pool.
    public static func sha256(of path: String) async throws(IngestError) -> String {
        try await sha256(of: [path])[0]
    }
}
