import Foundation

/// Runs a long computation of a test on a thread of its own instead of the cooperative pool.
///
/// All tests of the package share one process and its cooperative pool, which has one thread
/// per core: two on CI. A test that computes for a minute without suspending (a fit, a world,
/// a long replay) holds one of those threads for that minute, and two of them starve every
/// other test: a waiting loop that polls a live demo every 300 ms then wakes after the demo
/// has ended. The computation still competes for the cores, but the operating system shares
/// them; the pool stays free for the tests that wait on something.
///
/// The body runs in the calling task (the test's), only on another executor, so `#expect`,
/// `#require` and task-local values behave as in the test itself.
public func onOwnThread(_ body: () async throws -> Void) async throws {
    let executor = DedicatedThreadExecutor()
    defer { executor.shutdown() }
    try await withTaskExecutorPreference(executor, operation: body)
}

/// A task executor with one thread that runs the jobs enqueued on it in order, until shut down.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    // `jobs` and `stopping` are guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    init() {
        let thread = Thread { [self] in loop() }
        // Test bodies build large values on the stack (worlds, fit matrices).
        thread.stackSize = 8 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs already enqueued have run.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
