/// A file that could not be used or written as it stands (a configuration, a measured instrument curve, a
/// simulated frame): `<path>: <problem>`, the problem naming the key, HDU, column or row where there is one.
public struct FileProblem: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file at fault (or the directory, when a file is missing from it).
    public let path: String
    /// What is wrong.
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `<path>: <problem>`.
    public var description: String { "\(path): \(problem)" }
}
