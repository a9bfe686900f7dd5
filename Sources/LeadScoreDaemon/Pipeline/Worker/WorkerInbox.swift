import Foundation
import DequeModule

/// The queue in front of one partition worker, where the poll thread (and HTTP, and reloads)
/// meet the worker.
///
/// The transitions are a plain state machine (`State`) whose methods return what the caller must
/// do; the lock only guards the state, and the waiting (worker for work, poll thread for room)
/// happens on the condition, never while doing the work itself.
final class WorkerInbox: @unchecked Sendable {
    // @unchecked Sendable: `state` is only read or written with `condition` locked.

    /// The inbox's state machine.
    struct State {
        var items: Deque<WorkItem> = []
        /// Records queued (for back-pressure on the poll thread).
        var queuedRecords = 0
        /// Set once `stop` was queued: nothing more is accepted.
        var closed = false

        enum EnqueueAction: Equatable { case wakeWorker, refused }

        mutating func enqueue(_ item: WorkItem) -> EnqueueAction {
            guard !closed else { return .refused }
            if case .records(_, let indexes) = item { queuedRecords += indexes.count }
            if case .stop = item { closed = true }
            items.append(item)
            return .wakeWorker
        }

        enum TakeAction { case work([WorkItem]), wait }

        /// Everything queued, in order (the worker handles it as one round).
        mutating func take() -> TakeAction {
            guard !items.isEmpty else { return .wait }
            let all = Array(items)
            items.removeAll(keepingCapacity: true)
            queuedRecords = 0
            return .work(all)
        }

        func hasRoom(limit: Int) -> Bool { queuedRecords < limit }
    }

    private var state = State()
    private let condition = NSCondition()

    /// Queues an item and wakes the worker; false once the worker is stopping.
    @discardableResult
    func enqueue(_ item: WorkItem) -> Bool {
        condition.lock()
        let action = state.enqueue(item)
        if action == .wakeWorker { condition.broadcast() }
        condition.unlock()
        return action == .wakeWorker
    }

    /// Takes every queued item, waiting up to `timeout` for one; empty after a quiet `timeout`.
    func take(timeout: Duration) -> [WorkItem] {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.wholeMilliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch state.take() {
            case .work(let items):
                condition.broadcast()  // room for the poll thread
                return items
            case .wait:
                if !condition.wait(until: deadline) { return [] }
            }
        }
    }

    /// Blocks the poll thread while more than `limit` records are queued (back-pressure), up to
    /// `timeout`.
    func waitForRoom(limit: Int, timeout: Duration) {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.wholeMilliseconds) / 1000)
        condition.lock()
        while !state.hasRoom(limit: limit) {
            if !condition.wait(until: deadline) { break }
        }
        condition.unlock()
    }
}
