import QMostCurl
import QMostTesting
import Testing

/// The test server itself: the SMTP tests are only as good as it is.
@Suite struct SMTPSinkTests {
    @Test func aTakenPortFailsToStartWithTheServerLog() throws {
        let first = try startedSink()
        let second = try SMTPSink(port: first.port)
        let error = #expect(throws: SMTPSinkError.self) { try second.start() }
        #expect(error?.description.contains("\(first.port)") == true)
        #expect(error?.description.contains("address already in use") == true)
        // The first one is unaffected.
        try SMTPClient.send(simpleMessage(), using: settings(for: first))
        #expect(first.waitForMessages(count: 1, timeout: 10).count == 1)
    }

    @Test func startIsIdempotentAndStopCanBeRepeated() throws {
        let sink = try startedSink()
        try sink.start()
        sink.stop()
        sink.stop()
        try sink.start()
        try SMTPClient.send(simpleMessage(), using: settings(for: sink))
        #expect(sink.waitForMessages(count: 1, timeout: 10).count == 1)
    }

    @Test func waitingForMoreThanArrivesReturnsWhatCameAfterTheTimeout() throws {
        let sink = try startedSink()
        try SMTPClient.send(simpleMessage(), using: settings(for: sink))
        #expect(sink.waitForMessages(count: 2, timeout: 0.5).count == 1)
    }
}
