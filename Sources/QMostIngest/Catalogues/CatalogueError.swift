/// A target catalogue that cannot be ingested at all; nothing was changed.
public struct CatalogueError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
