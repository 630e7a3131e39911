/// Walks spool directories. Used by the watcher for every kind of scan (start-up, periodic,
/// overflow, requested, new directory) so that all of them agree on which files count.
public enum SpoolScanner {
    /// Suffixes of files still being written by a transfer tool; the finished file arrives later
    /// by rename and is announced then.
    static let partialSuffixes = [".part", ".tmp", ".filepart", ".crdownload", "~"]

    /// Whether a file with this name may be ingested: not hidden and not a partial transfer.
    public static func isEligible(name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix(".") else { return false }
        return !partialSuffixes.contains { name.hasSuffix($0) }
    }

    /// Every eligible regular file under `root` (recursively, skipping hidden directories and
    /// never following links to directories), sorted. An unreadable root yields no files.
    public static func eligibleFiles(under root: String) -> [String] {
        var files: [String] = []
        walk(root: root, file: { files.append($0) })
        return files.sorted()
    }

    /// Depth-first walk. `enteringDirectory` runs before a directory is listed, so a watch added
    /// there catches every file created after the listing started, while the listing catches
    /// those already present: no gap, at worst a duplicate. `file` returns false to abandon the walk.
    static func walk(
        root: String,
        shouldContinue: () -> Bool = { true },
        enteringDirectory: (String) -> Void = { _ in },
        file: (String) -> Bool,
        failure: (String, SystemCallError) -> Void = { _, _ in }
    ) {
        var pending = [root]
        while let directory = pending.popLast() {
            guard shouldContinue() else { return }
            enteringDirectory(directory)
            let entries: [DirectoryEntry]
            switch DirectoryReader.entries(of: directory) {
            case .success(let listed): entries = listed
            case .failure(let error):
                if !error.isVanished { failure(directory, error) }
                continue
            }
            var subdirectories: [String] = []
            for entry in entries {
                let path = DirectoryReader.join(directory, entry.name)
                switch entry.kind {
                case .directory where !entry.name.hasPrefix("."):
                    subdirectories.append(path)
                case .regularFile where isEligible(name: entry.name):
                    guard file(path) else { return }
                default:
                    break
                }
            }
            pending += subdirectories.sorted(by: >)
        }
    }

    static func walk(root: String, file: (String) -> Void) {
        walk(root: root, file: { path -> Bool in
            file(path)
            return true
        })
    }
}
