import Foundation
import Logging
import QMostWatch
import Testing

/// Serialized: the descriptor-count checks must not see another test's watcher, and latency
/// measurements are meaningless with a dozen watchers competing for two cores.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SpoolWatcherTests {
    @Test func missingRootThrowsNamingIt() throws {
        let spool = try ScratchSpool()
        let missing = spool.base + "/spool/dxu"
        let configuration = SpoolWatcherConfiguration(roots: [spool.root, missing])
        do {
            _ = try SpoolWatcher(configuration: configuration, logger: Logger(label: "test"))
            Issue.record("a missing root was accepted")
        } catch {
            #expect(error as? SpoolWatcherError == .missingRoot(missing))
            #expect("\(error)".contains(missing))
        }
        let file = try spool.write("not-a-dir.fits")
        #expect(throws: SpoolWatcherError.rootNotADirectory(file)) {
            try SpoolWatcher(configuration: SpoolWatcherConfiguration(roots: [file]), logger: Logger(label: "test"))
        }
    }

    @Test func overlappingRootsAndBadIntervalsAreRejected() throws {
        let spool = try ScratchSpool()
        let inner = try spool.mkdir("night")
        let logger = Logger(label: "test")
        #expect(throws: SpoolWatcherError.self) {
            try SpoolWatcher(configuration: SpoolWatcherConfiguration(roots: [spool.root, inner]), logger: logger)
        }
        #expect(throws: SpoolWatcherError.self) {
            try SpoolWatcher(configuration: SpoolWatcherConfiguration(roots: [spool.root, spool.root + "/"]), logger: logger)
        }
        #expect(throws: SpoolWatcherError.noRoots) {
            try SpoolWatcher(configuration: SpoolWatcherConfiguration(roots: []), logger: logger)
        }
        #expect(throws: SpoolWatcherError.self) {
            try SpoolWatcher(
                configuration: SpoolWatcherConfiguration(roots: [spool.root], reconcileInterval: .zero), logger: logger)
        }
        // Siblings that share a name prefix are not nested.
        let sibling = try spool.mkdir("spool/raw2", in: spool.base)
        let watcher = try SpoolWatcher(
            configuration: SpoolWatcherConfiguration(roots: [spool.root, sibling]), logger: logger)
        #expect(watcher.configuration.roots == [spool.root, sibling])
    }

    @Test func startupScanSeesPreexistingFiles() async throws {
        let spool = try ScratchSpool()
        let expected = [try spool.write("a.fits"), try spool.write("b.fits", in: try spool.mkdir("night/1"))]
        try spool.write(".c.fits")
        try spool.write("d.fits.part")
        try spool.write("e.fits", in: try spool.mkdir(".staging"))

        let watcher = try makeWatcher(spool)
        let recorder = EventRecorder(watcher.events())
        defer { watcher.stop() }
        #expect(await recorder.wait { $0.scans(.startup) == [2] })
        #expect(recorder.candidates(origin: .scan).sorted() == expected.sorted())
        // root, night, night/1; never the hidden directory
        #expect(watcher.counters.watchedDirectories == 3)
    }

    /// Every closed file is delivered once, as a close-write candidate, without waiting for a scan. How fast is
    /// measured by `make bench` (close -> ingested latency), not here: a timed assertion would fail on a loaded
    /// machine without telling anything about the code.
    @Test func closedFilesAreDeliveredByTheirCloseEvent() async throws {
        let spool = try ScratchSpool()
        let watcher = try makeWatcher(spool)
        let recorder = EventRecorder(watcher.events())
        defer { watcher.stop() }
        #expect(await recorder.wait { $0.scans(.startup) == [0] })

        for index in 0..<20 {
            let path = try spool.write("exposure_\(index).fits", bytes: 4096)
            #expect(await recorder.wait(timeout: .seconds(10)) { $0.candidates(origin: .closeWrite).contains(path) })
        }
        #expect(recorder.candidates(origin: .closeWrite).count == 20)
        #expect(watcher.counters.candidatesEmitted == 20)
        #expect(watcher.counters.eventsReceived >= 20)
    }

    @Test func renamedInFileIsReportedOnlyUnderItsFinalName() async throws {
        let spool = try ScratchSpool()
        let watcher = try makeWatcher(spool)
        let recorder = EventRecorder(watcher.events())
        defer { watcher.stop() }
        #expect(await recorder.wait { $0.scans(.startup) == [0] })

        let partial = try spool.write(".x.part")
        let final = spool.root + "/x.fits"
        try spool.rename(partial, to: final)
        let visible = try spool.write("y.fits.part")
        try spool.rename(visible, to: spool.root + "/y.fits")

        #expect(await recorder.wait { $0.candidates().count == 2 })
        // Give a stray event for the partial names time to show up if it were going to.
        try await Task.sleep(for: .milliseconds(100))
        #expect(recorder.candidates() == [final, spool.root + "/y.fits"])
        #expect(recorder.candidates(origin: .movedIn) == [final, spool.root + "/y.fits"])
    }

    @Test func newSubdirectoriesAreWatchedAndScanned() async throws {
        let spool = try ScratchSpool()
        let watcher = try makeWatcher(spool)
        let recorder = EventRecorder(watcher.events())
        defer { watcher.stop() }
        #expect(await recorder.wait { $0.scans(.startup) == [0] })

        // Written straight after mkdir, racing the watch: either the scan or an event must see them.
        let night = try spool.mkdir("night")
        var expected = try (0..<5).map { try spool.write("n\($0).fits", in: night) }
        let deep = try spool.mkdir("a/b/c")
        expected.append(try spool.write("deep.fits", in: deep))
        #expect(await recorder.wait { Set($0.candidates()).isSuperset(of: expected) })

        // Once watched, later files arrive by event.
        let later = try spool.write("later.fits", in: deep)
        #expect(await recorder.wait { $0.candidates(origin: .closeWrite).contains(later) })
        #expect(Set(recorder.candidates()) == Set(expected + [later]))
        #expect(!recorder.scans(.newDirectory).isEmpty)
        #expect(watcher.counters.watchedDirectories == 5)  // root, night, a, a/b, a/b/c
    }

    @Test func directoryMovedInWithFilesInsideIsFullyScanned() async throws {
        let spool = try ScratchSpool()
        let watcher = try makeWatcher(spool)
        let recorder = EventRecorder(watcher.events())
        defer { watcher.stop() }
        #expect(await recorder.wait { $0.scans(.startup) == [0] })

        let staging = try spool.mkdir("staging/batch", in: spool.base)
        try spool.write("a.fits", in: staging)
        try spool.write("b.fits", in: try spool.mkdir("sub/subsub", in: staging))
        try spool.write(".hidden", in: staging)
        try spool.rename(staging, to: spool.root + "/batch")
        let expected = [spool.root + "/batch/a.fits", spool.root + "/batch/sub/subsub/b.fits"]

        #expect(await recorder.wait { Set($0.candidates(origin: .scan)) == Set(expected) })
        #expect(recorder.scans(.newDirectory) == [2])

        let later = try spool.write("c.fits", in: spool.root + "/batch/sub")
        #expect(await recorder.wait { $0.candidates(origin: .closeWrite) == [later] })
    }

    @Test func directoriesMovedWithinOrOutOfTheTreeAreTracked() async throws {
        let spool = try ScratchSpool()
        try spool.mkdir("old/inner")
        try spool.mkdir("leaving")
        let watcher = try makeWatcher(spool)
        let recorder = EventRecorder(watcher.events())
        defer { watcher.stop() }
        #expect(await recorder.wait { $0.scans(.startup) == [0] })
        #expect(watcher.counters.watchedDirectories == 4)

        try spool.rename(spool.root + "/old", to: spool.root + "/new")
        try spool.rename(spool.root + "/leaving", to: spool.base + "/gone")
        #expect(await recorder.wait { $0.scans(.newDirectory).count == 1 })
        #expect(await recorder.wait { _ in watcher.counters.watchedDirectories == 3 })

        // Files in the moved directory carry its new path; files in the departed one are not reported.
        try spool.write("outside.fits", in: spool.base + "/gone")
        let inner = try spool.write("inner.fits", in: spool.root + "/new/inner")
        #expect(await recorder.wait { $0.candidates(origin: .closeWrite).contains(inner) })
        try await Task.sleep(for: .milliseconds(50))
        #expect(recorder.candidates(origin: .closeWrite) == [inner])
    }

    @Test func periodicScanReportsFilesAgain() async throws {
        let spool = try ScratchSpool()
        let file = try spool.write("waiting.fits")
        let watcher = try makeWatcher(spool, reconcile: .milliseconds(150))
        let recorder = EventRecorder(watcher.events())
        defer { watcher.stop() }
        #expect(await recorder.wait { $0.scans(.periodic).count >= 2 })
        #expect(recorder.candidates(origin: .scan).filter { $0 == file }.count >= 3)
        #expect(recorder.scans(.periodic).allSatisfy { $0 == 1 })
        #expect(watcher.counters.rescans >= 2)
    }

    @Test func requestedRescanReportsEverything() async throws {
        let spool = try ScratchSpool()
        let watcher = try makeWatcher(spool)
        let recorder = EventRecorder(watcher.events())
        defer { watcher.stop() }
        #expect(await recorder.wait { $0.scans(.startup) == [0] })
        let file = try spool.write("a.fits")
        #expect(await recorder.wait { $0.candidates().contains(file) })

        watcher.requestRescan()
        #expect(await recorder.wait { $0.scans(.requested) == [1] })
        #expect(recorder.candidates(origin: .scan) == [file])
        #expect(watcher.counters.rescans == 1)
    }

    @Test func overflowIsReportedCountedLoggedAndAnsweredWithARescan() async throws {
        let spool = try ScratchSpool()
        let files = [try spool.write("a.fits"), try spool.write("b.fits", in: try spool.mkdir("sub"))]
        let logs = LogRecords()
        let watcher = try makeWatcher(spool, logs: logs)
        let recorder = EventRecorder(watcher.events())
        defer { watcher.stop() }
        #expect(await recorder.wait { $0.scans(.startup) == [2] })

        watcher.injectOverflowForTesting()
        #expect(await recorder.wait { $0.scans(.overflow) == [2] })
        let tail = Array(recorder.events.drop { $0 != .overflow })
        #expect(tail.first == .overflow)
        #expect(Set(tail.compactMap { if case .candidate(let path, .scan) = $0 { path } else { nil } }) == Set(files))
        #expect(watcher.counters.overflows == 1)
        #expect(watcher.counters.rescans == 1)
        #expect(watcher.counters.eventsReceived >= 1)
        #expect(logs.all.contains { $0.level == .warning && $0.message.contains("overflow") })
    }

    /// Provokes a real kernel overflow (fs.inotify.max_queued_events is 16384 by default) by
    /// creating more files than the queue holds while the consumer is not reading and the
    /// watcher's own buffer is tiny. Whether or not the kernel overflows, every file must be seen.
    @Test func everyFileIsSeenEvenWhenTheKernelQueueOverflows() async throws {
        let spool = try ScratchSpool(inMemory: true)
        let watcher = try makeWatcher(spool, bufferLimit: 64)
        let stream = watcher.events()
        defer { watcher.stop() }
        // Let the start-up scan finish and its watch exist before the flood, without consuming.
        try await Task.sleep(for: .milliseconds(200))

        let count = 20_500
        var expected = Set<String>()
        expected.reserveCapacity(count)
        for index in 0..<count {
            expected.insert(try spool.write(String(format: "f%05d.fits", index), bytes: 0))
        }

        let recorder = EventRecorder(stream)
        #expect(await recorder.wait(timeout: .seconds(15)) { $0.distinctCandidateCount >= expected.count })
        let overflows = recorder.events.filter { $0 == .overflow }.count
        #expect(overflows == watcher.counters.overflows)
        if overflows > 0 {
            // The reader was held up until the consumer started, i.e. after the last file was
            // created, so the rescan that answers the overflow finds every one of them.
            #expect(await recorder.wait { $0.scans(.overflow).count == overflows })
            #expect(recorder.scans(.overflow).last == count)
        }
        #expect(recorder.distinctCandidates == expected)
    }

    @Test func cancellingTheConsumerClosesTheDescriptor() async throws {
        let spool = try ScratchSpool()
        let before = inotifyDescriptorCount()
        let watcher = try makeWatcher(spool)
        #expect(inotifyDescriptorCount() == before)  // nothing is opened until events()
        let recorder = EventRecorder(watcher.events())
        #expect(await recorder.wait { $0.scans(.startup) == [0] })
        #expect(inotifyDescriptorCount() == before + 1)

        recorder.cancel()
        #expect(await recorder.wait { $0.hasEnded })
        #expect(inotifyDescriptorCount() == before)
        #expect(watcher.counters.watchedDirectories == 0)
    }

    @Test func leavingTheLoopStopsTheWatcher() async throws {
        let spool = try ScratchSpool()
        let before = inotifyDescriptorCount()
        let watcher = try makeWatcher(spool)
        do {
            for await event in watcher.events() where event == .scanCompleted(reason: .startup, files: 0) {
                break
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while inotifyDescriptorCount() != before, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(inotifyDescriptorCount() == before)
    }

    @Test func stopEndsTheStreamAndFurtherStreamsAreFinished() async throws {
        let spool = try ScratchSpool()
        let before = inotifyDescriptorCount()
        let watcher = try makeWatcher(spool)
        let recorder = EventRecorder(watcher.events())
        #expect(await recorder.wait { $0.scans(.startup) == [0] })

        var second = watcher.events().makeAsyncIterator()
        #expect(await second.next() == nil)

        watcher.stop()
        #expect(await recorder.wait { $0.hasEnded })
        #expect(inotifyDescriptorCount() == before)
        watcher.stop()  // idempotent
    }
}
