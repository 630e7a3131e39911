#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle
import Synchronization

/// SIGTERM and SIGINT that arrive while the daemon is still starting (opening the database, reconciling the
/// quarantine), before the service group traps them itself.
///
/// Left at their default action they would kill the process: harmless to the data, but `systemctl stop`
/// right after a start would then look like a crash. Caught here, they shut the group down as soon as it runs.
enum StartupSignals {
    private static let received = Atomic<Bool>(false)

    /// Installs the startup handler; call before any slow startup work.
    static func trap() {
        _ = received.load(ordering: .relaxed)  // initialised here: the handler must not run a lazy initialiser
        for sig in [SIGTERM, SIGINT] {
            signal(sig) { _ in StartupSignals.received.store(true, ordering: .relaxed) }
        }
    }

    static var wereReceived: Bool { received.load(ordering: .relaxed) }
}

/// The group's first service: returns at once (shutting the group down) when a signal came during startup,
/// else when the group shuts down. The group traps the signals before it starts any service, so none is lost.
struct StartupSignalService: Service {
    func run() async throws {
        if StartupSignals.wereReceived { return }
        try? await gracefulShutdown()
    }
}
