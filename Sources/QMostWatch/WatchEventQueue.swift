import Foundation

/// The hand-off from the reader thread to the one async consumer.
///
/// Not an `AsyncStream` continuation because that can only buffer without limit or drop, and a
/// dropped candidate is a lost file. Here a full queue blocks the reader thread instead; the
/// backlog then builds up in the kernel, where an overflow is reported and recovered by a rescan.
///
/// `@unchecked Sendable`: every mutable field is only touched with `condition` held.
final class WatchEventQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let limit: Int?
    private var items: [WatchEvent] = []
    private var head = 0
    private var waiter: CheckedContinuation<WatchEvent?, Never>?
    /// No more pushes are accepted; a blocked producer returns.
    private var closed = false
    /// The consumer gets nil once it has drained what is left.
    private var finished = false

    init(limit: Int?) {
        self.limit = limit
    }

    /// Hands `event` to the consumer, waiting while the queue is full. False once closed.
    func push(_ event: WatchEvent) -> Bool {
        condition.lock()
        while !closed, let limit, items.count - head >= limit {
            condition.wait()
        }
        guard !closed else {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: event)
        } else {
            items.append(event)
            condition.unlock()
        }
        return true
    }

    /// Refuses further pushes and releases a producer blocked on a full queue.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Closes, and ends the consumer's stream after whatever is still queued.
    func finish() {
        condition.lock()
        closed = true
        finished = true
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(returning: nil)
    }

    func next() async -> WatchEvent? {
        await withCheckedContinuation { (continuation: CheckedContinuation<WatchEvent?, Never>) in
            condition.lock()
            if head < items.count {
                let event = items[head]
                head += 1
                if head == items.count {
                    items.removeAll(keepingCapacity: true)
                    head = 0
                } else if head >= 4096, head * 2 >= items.count {
                    items.removeFirst(head)
                    head = 0
                }
                // Wake a producer blocked on a full queue only once half of it has drained, so a
                // slow consumer costs one thread switch per batch rather than one per event.
                if let limit, items.count - head <= limit / 2 { condition.signal() }
                condition.unlock()
                continuation.resume(returning: event)
            } else if finished || waiter != nil {
                // A second concurrent consumer is a misuse; ending its stream beats leaking it.
                condition.unlock()
                continuation.resume(returning: nil)
            } else {
                waiter = continuation
                condition.unlock()
            }
        }
    }
}
