import Foundation
import Synchronization

/// A thread of its own for blocking librdkafka calls, so they never occupy the cooperative pool.
final class DedicatedThread: Sendable {
    private let done = Mutex<(finished: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let finishedCondition = NSCondition()

    private init() {}

    /// Starts `body` on a new thread.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) -> DedicatedThread {
        let thread = DedicatedThread()
        let t = Thread {
            body()
            thread.markFinished()
        }
        t.name = name
        t.start()
        return thread
    }

    private func markFinished() {
        let waiters = done.withLock { state in
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters
        }
        finishedCondition.lock()
        finishedCondition.broadcast()
        finishedCondition.unlock()
        for waiter in waiters { waiter.resume() }
    }

    /// Whether the body has returned.
    var isFinished: Bool { done.withLock { $0.finished } }

    /// Blocks the calling thread until the body has returned.
    func join() {
        finishedCondition.lock()
        while !isFinished { finishedCondition.wait() }
        finishedCondition.unlock()
    }

    /// Suspends until the body has returned.
    func joined() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = done.withLock { state in
                if !state.finished { state.waiters.append(continuation) }
                return state.finished
            }
            if finished { continuation.resume() }
        }
    }
}
