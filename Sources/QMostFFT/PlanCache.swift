import Synchronization

/// Plans by transform size, shared by every caller and bounded so a long-running daemon that meets many sizes
/// does not keep every plan it ever made.
enum PlanCache {
    private struct Entry {
        var plan: RealPlan
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var clock: UInt64 = 0
    }

    static let capacity = 64

    // Lock order: this lock, then FFTW's. Planning inside keeps two callers from planning the same size twice;
    // an evicted plan may be destroyed inside too, which is why RealPlan never takes this lock itself.
    private static let state = Mutex(State())

    /// The plan for `count`, made on first use.
    static func plan(for count: Int) -> RealPlan {
        state.withLock { state in
            state.clock += 1
            if let entry = state.entries[count] {
                state.entries[count]!.lastUse = state.clock
                return entry.plan
            }
            if state.entries.count >= capacity,
                let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key
            {
                // Callers still executing it keep the plan alive; it is destroyed when the last one lets go.
                state.entries[oldest] = nil
            }
            let plan = RealPlan(count: count)
            state.entries[count] = Entry(plan: plan, lastUse: state.clock)
            return plan
        }
    }
}
