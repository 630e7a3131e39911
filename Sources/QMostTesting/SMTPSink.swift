import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One message as an ``SMTPSink`` received it.
public struct ReceivedMail: Sendable, Equatable {
    /// One header field, decoded (RFC 2047 words become text).
    public struct Header: Sendable, Equatable, Decodable {
        public var name: String
        public var value: String
    }

    /// The envelope sender (`MAIL FROM`), without angle brackets.
    public var from: String
    /// The envelope recipients (`RCPT TO`), without angle brackets, in the order given.
    public var to: [String]
    /// The Subject header, decoded.
    public var subject: String
    /// The body with its transfer encoding and charset undone, and LF line endings.
    public var body: String
    /// All header fields in order, decoded.
    public var headers: [Header]
    /// The message exactly as transmitted after dot-unstuffing, CRLF line endings included.
    public var raw: String
    /// The SMTP AUTH user the client logged in as, or nil for an unauthenticated session.
    public var authenticatedAs: String?

    /// The first header called `name` (case-insensitive), decoded.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// A failure to start an ``SMTPSink``.
public struct SMTPSinkError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// A real SMTP server on 127.0.0.1 for tests: Python's aiosmtpd in a child process, storing every accepted
/// message as a file that ``messages()`` reads back.
///
/// The server can be stopped and started again on the same port, and mail received before a restart is kept, so
/// tests can check that a client retries until the server is back. Requires `/usr/bin/python3` with aiosmtpd
/// (Debian: python3-aiosmtpd); set `QMOST_SMTPSINK_PYTHON` to use another interpreter. Not Sendable: drive one
/// sink from one test.
public final class SMTPSink {
    /// The TCP port on 127.0.0.1, fixed for the life of the sink.
    public let port: Int
    /// `smtp://127.0.0.1:<port>`.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    private let credentials: (user: String, password: String)?
    private let directory: URL
    private var mailDirectory: URL { directory.appendingPathComponent("mail", isDirectory: true) }
    private var scriptFile: URL { directory.appendingPathComponent("sink.py") }
    private var logFile: URL { directory.appendingPathComponent("sink.log") }
    private var readyFile: URL { directory.appendingPathComponent("ready") }
    private var pid: pid_t?

    /// Prepares a sink; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - port: the port to listen on; nil picks a free one.
    ///   - requireAuth: when set, the server offers AUTH PLAIN and LOGIN without TLS and refuses mail from
    ///     sessions that did not log in with exactly these credentials.
    public init(port: Int? = nil, requireAuth: (user: String, password: String)? = nil) throws {
        self.port = try port ?? Self.freePort()
        credentials = requireAuth
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qmost-smtpsink-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Test support cannot ship resource files, so the server script travels as a string.
        try Self.script.write(to: scriptFile, atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the server and returns once it accepts connections; does nothing if it is already running.
    public func start() throws {
        if let child = pid {
            var status: Int32 = 0
            // Still running: nothing to do. Died on its own: reap it and start afresh.
            guard waitpid(child, &status, WNOHANG) == child else { return }
            pid = nil
        }
        try FileManager.default.createDirectory(at: mailDirectory, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: readyFile)
        var arguments = [
            Self.python, "-u", scriptFile.path, "127.0.0.1", String(port), mailDirectory.path, readyFile.path,
        ]
        if let credentials { arguments += [credentials.user, credentials.password] }
        let child = try Self.spawn(arguments, log: logFile.path)
        pid = child

        // The ready file proves that our child bound the port, not some other process that happens to hold it.
        let deadline = Date().addingTimeInterval(20)
        while true {
            if FileManager.default.fileExists(atPath: readyFile.path), Self.acceptsConnections(port: port) { return }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                pid = nil
                throw SMTPSinkError(description: "SMTP sink exited while starting on port \(port):\n\(log())")
            }
            if Date() > deadline {
                stop()
                throw SMTPSinkError(description: "SMTP sink did not start on port \(port) within 20 s:\n\(log())")
            }
            usleep(10_000)
        }
    }

    /// Kills the server at once (SIGKILL) and reaps it; the port is free again when this returns.
    public func stop() {
        guard let child = pid else { return }
        kill(child, SIGKILL)
        var status: Int32 = 0
        while waitpid(child, &status, 0) == -1, errno == EINTR {}
        pid = nil
    }

    /// Every message received so far, across restarts, oldest first.
    public func messages() -> [ReceivedMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: mailDirectory.path)) ?? []
        // Names start with a zero-padded nanosecond timestamp, so name order is arrival order.
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: mailDirectory.appendingPathComponent(name).path)
            else { return nil }
            return try? JSONDecoder().decode(StoredMail.self, from: data).received
        }
    }

    /// Polls until at least `count` messages have arrived or `timeout` seconds have passed; returns what arrived.
    public func waitForMessages(count: Int, timeout: Double) -> [ReceivedMail] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let received = messages()
            if received.count >= count || Date() > deadline { return received }
            usleep(20_000)
        }
    }

    /// The server's stdout and stderr, for diagnosing a failed test.
    public func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    // MARK: - Child process

    private static var python: String {
        ProcessInfo.processInfo.environment["QMOST_SMTPSINK_PYTHON"] ?? "/usr/bin/python3"
    }

    /// posix_spawn rather than Foundation's Process, whose own reaper would race our waitpid in ``stop()``.
    private static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Descriptors the test process has open (client sockets, other sinks' files) must not live on in the
        // child. Glibc's closefrom action is not visible to Swift, so there the script closes them first thing.
        #if canImport(Darwin)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_CLOEXEC_DEFAULT))
        #endif

        var environment = ProcessInfo.processInfo.environment
        // A pyenv or virtualenv setting for another interpreter would break the system Python.
        for key in ["PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP"] { environment[key] = nil }
        environment["PYTHONNOUSERSITE"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }

        var child: pid_t = 0
        let result = posix_spawn(&child, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SMTPSinkError(description: "cannot run \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return child
    }

    // MARK: - Sockets

    private static func loopbackAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        #if canImport(Darwin)
            address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        return address
    }

    private static func tcpSocket() -> Int32 {
        #if canImport(Darwin)
            socket(AF_INET, SOCK_STREAM, 0)
        #else
            socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
    }

    /// Asks the kernel for an unused port by binding port 0, then releases it for the child to take.
    private static func freePort() throws -> Int {
        let fd = tcpSocket()
        guard fd >= 0 else { throw SMTPSinkError(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw SMTPSinkError(description: "bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func acceptsConnections(port: Int) -> Bool {
        let fd = tcpSocket()
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopbackAddress(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    // MARK: - Server script

    /// The JSON record the script writes for each message.
    private struct StoredMail: Decodable {
        var from: String
        var to: [String]
        var subject: String
        var body: String
        var headers: [ReceivedMail.Header]
        var raw: String
        var authenticatedAs: String?

        var received: ReceivedMail {
            ReceivedMail(
                from: from, to: to, subject: subject, body: body, headers: headers, raw: raw,
                authenticatedAs: authenticatedAs)
        }
    }

    /// Arguments: host port maildir readyfile [user password].
    ///
    /// Python's email package does the MIME decoding, so the client's encoders are checked against an independent
    /// implementation. Each record is written under a dot name and renamed, so a reader never sees half a file.
    private static let script = #"""
        import os
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        import asyncio, email, email.policy, itertools, json, sys, time
        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

        host, port, maildir, readyfile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        credentials = (sys.argv[5].encode(), sys.argv[6].encode()) if len(sys.argv) > 6 else None
        counter = itertools.count()

        def authenticator(server, session, envelope, mechanism, auth_data):
            if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == credentials:
                return AuthResult(success=True, auth_data=auth_data.login.decode())
            return AuthResult(success=False, handled=False)

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                raw = envelope.original_content if envelope.original_content is not None else envelope.content
                message = email.message_from_bytes(raw, policy=email.policy.default)
                try:
                    body = message.get_content()
                except Exception:
                    body = (message.get_payload(decode=True) or b"").decode("utf-8", "replace")
                if isinstance(body, bytes):
                    body = body.decode("utf-8", "replace")
                record = {
                    "from": envelope.mail_from,
                    "to": list(envelope.rcpt_tos),
                    "subject": str(message.get("subject", "")),
                    "body": body.replace("\r\n", "\n"),
                    "headers": [{"name": name, "value": str(value)} for name, value in message.items()],
                    "raw": raw.decode("utf-8", "replace"),
                    "authenticatedAs": session.auth_data if session.authenticated else None,
                }
                name = "%020d-%08d-%06d" % (time.time_ns(), os.getpid(), next(counter))
                temporary = os.path.join(maildir, "." + name + ".tmp")
                with open(temporary, "w", encoding="utf-8") as file:
                    json.dump(record, file)
                os.replace(temporary, os.path.join(maildir, name + ".json"))
                return "250 OK"

        def make_server():
            options = dict(hostname="qmost-sink", decode_data=False)
            if credentials is not None:
                options.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
            return SMTP(Handler(), **options)

        async def main():
            parent = os.getppid()
            loop = asyncio.get_running_loop()
            await loop.create_server(make_server, host=host, port=port, reuse_address=True)
            open(readyfile, "w").close()
            # Exit with the test process even if it dies without calling stop().
            while os.getppid() == parent:
                await asyncio.sleep(0.5)

        asyncio.run(main())
        """#
}
