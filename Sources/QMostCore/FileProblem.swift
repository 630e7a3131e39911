import Foundation

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

    /// Renames a finished `.part` file `temp` onto `final` (atomic on one file system), or removes it and names
    /// `final` in the error: a reader sees the whole file or none.
    public static func renameIntoPlace(_ temp: String, _ final: String) throws(FileProblem) {
        guard rename(temp, final) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temp)
            throw FileProblem(path: final, problem: "cannot rename into place: \(reason)")
        }
    }
}
