import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Moving files into the repository and the quarantine without ever having zero or two live copies.
///
/// A file enters the repository by `link(2)` (or, across file systems, a copy written to a hidden name,
/// fsynced and renamed), so the spool copy stays until the database has recorded the repository one.
enum FilePlacement {
    static func makeDirectories(_ path: String) throws(IngestError) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw .io(path: path, operation: "create directory", errno: (error as NSError).code == 0 ? EIO : Int32((error as NSError).code))
        }
    }

    /// Makes `destination` another name of `source`'s bytes. Returns false when `destination` already exists
    /// with other content (the caller picks another name).
    static func place(_ source: String, at destination: String, keepSource: Bool) throws(IngestError) -> Bool {
        try makeDirectories((destination as NSString).deletingLastPathComponent)
        if !keepSource, link(source, destination) == 0 {
            syncDirectory(of: destination)
            return true
        }
        let e = errno
        if !keepSource, e == EEXIST { return sameFile(source, destination) }
        if !keepSource, e != EXDEV, e != EPERM, e != EMLINK { throw .io(path: destination, operation: "link", errno: e) }
        if FileManager.default.fileExists(atPath: destination) { return sameFile(source, destination) }
        try copy(source, to: destination)
        return true
    }

    /// Whether two paths hold the same bytes (same inode, or equal content).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        guard let ia = FileIdentity.of(a), let ib = FileIdentity.of(b) else { return false }
        if ia.device == ib.device, ia.inode == ib.inode { return true }
        guard ia.size == ib.size, let ha = try? ContentHasher.sha256(path: a), let hb = try? ContentHasher.sha256(path: b)
        else { return false }
        return ha.hex == hb.hex
    }

    /// Copies through a hidden temporary name, fsyncs, then renames: a crash leaves no half file visible.
    static func copy(_ source: String, to destination: String) throws(IngestError) {
        let dir = (destination as NSString).deletingLastPathComponent
        let temp = (dir as NSString).appendingPathComponent(".\((destination as NSString).lastPathComponent).part")
        let inFD = open(source, O_RDONLY | O_CLOEXEC)
        guard inFD >= 0 else { throw .io(path: source, operation: "open", errno: errno) }
        defer { close(inFD) }
        let outFD = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard outFD >= 0 else { throw .io(path: temp, operation: "create", errno: errno) }
        let chunk = 4 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            let n = read(inFD, buffer, chunk)
            if n < 0, errno == EINTR { continue }
            if n < 0 { let e = errno; close(outFD); unlink(temp); throw .io(path: source, operation: "read", errno: e) }
            if n == 0 { break }
            var written = 0
            while written < n {
                let w = write(outFD, buffer + written, n - written)
                if w < 0, errno == EINTR { continue }
                if w < 0 { let e = errno; close(outFD); unlink(temp); throw .io(path: temp, operation: "write", errno: e) }
                written += w
            }
        }
        if fsync(outFD) != 0 { let e = errno; close(outFD); unlink(temp); throw .io(path: temp, operation: "fsync", errno: e) }
        close(outFD)
        guard rename(temp, destination) == 0 else { let e = errno; unlink(temp); throw .io(path: destination, operation: "rename", errno: e) }
        syncDirectory(of: destination)
    }

    /// fsync of the directory entry, so a new name survives a power cut.
    static func syncDirectory(of path: String) {
        let fd = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// A name under `directory` not yet taken, keeping `name`'s extension(s) after any suffix.
    static func freeName(in directory: String, for name: String, suffix: String) -> String {
        var n = 0
        var candidate = candidateName(in: directory, for: name, suffix: suffix, attempt: n)
        while FileManager.default.fileExists(atPath: candidate) {
            n += 1
            candidate = candidateName(in: directory, for: name, suffix: suffix, attempt: n)
        }
        return candidate
    }

    /// The `attempt`-th name tried for `name` in `directory`: `name` itself, then `<stem>.<suffix><ext>`, then
    /// `<stem>.<suffix>-2<ext>`, ...
    static func candidateName(in directory: String, for name: String, suffix: String, attempt: Int) -> String {
        guard attempt > 0 else { return (directory as NSString).appendingPathComponent(name) }
        let (stem, ext) = splitExtension(name)
        let tag = attempt == 1 ? suffix : "\(suffix)-\(attempt)"
        return (directory as NSString).appendingPathComponent("\(stem).\(tag)\(ext)")
    }

    /// Places `source` in `directory` under `name`, or, when other bytes hold that name, under the first of
    /// `<stem>.<suffix><ext>`, `<stem>.<suffix>-2<ext>`, ... that is free or already holds these bytes.
    ///
    /// Taking a name that already holds the bytes is what makes a retry after a crash between placing and
    /// recording find its earlier attempt, also when that attempt had to use a suffixed name; only a free name
    /// gets a new link. Returns the path used.
    static func placeUnderFreeName(_ source: String, in directory: String, name: String, suffix: String,
                                   keepSource: Bool) throws(IngestError) -> String {
        for attempt in 0..<1000 {
            let candidate = candidateName(in: directory, for: name, suffix: suffix, attempt: attempt)
            if try place(source, at: candidate, keepSource: keepSource) { return candidate }
        }
        throw .io(path: candidateName(in: directory, for: name, suffix: suffix, attempt: 999),
                  operation: "place in repository", errno: EEXIST)
    }

    /// `a.fits.gz` -> (`a`, `.fits.gz`); compression suffixes stay with the FITS extension.
    static func splitExtension(_ name: String) -> (String, String) {
        for ext in [".fits.gz", ".fits.Z", ".fits.fz", ".fit.gz", ".fits", ".fit", ".fts"] where name.hasSuffix(ext) {
            return (String(name.dropLast(ext.count)), ext)
        }
        let ns = name as NSString
        return ns.pathExtension.isEmpty ? (name, "") : (ns.deletingPathExtension, "." + ns.pathExtension)
    }
}
