import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the pipeline's blocking loop on a dedicated thread as a swift-service-lifecycle `Service`.
///
/// Graceful shutdown (SIGTERM, SIGINT) asks the loop to stop; it then snapshots, flushes, commits
/// and leaves the group before `run()` returns. The stop is bounded: past
/// `pipeline.stop_deadline`, or when the service group cancels the task, `run()` returns with a
/// timeout error naming the phase that was still running, whatever the thread is waiting on (a
/// broker that does not answer), so the process exits. A failure in the loop ends `run()` with
/// the error, which takes the whole service group (and the process) down so a restart recovers.
struct PipelineService: Service, CustomStringConvertible {
    let pipeline: Pipeline
    let logger: Logger

    /// A name only (the service group logs it; the pipeline holds the configuration).
    var description: String { "PipelineService" }

    func run() async throws {
        let pipeline = self.pipeline
        let outcome = Outcome()
        let thread = Thread {
            do throws(DaemonError) {
                try pipeline.runLoop()
                outcome.finish(.success(()))
            } catch {
                outcome.finish(.failure(error))
            }
        }
        thread.name = "leadscore-pipeline"
        thread.stackSize = 8 << 20
        thread.start()
        let deadline = pipeline.configuration.pipeline.stopDeadline
        let log = logger
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await outcome.value()
            } onCancel: {
                pipeline.requestStop()
                outcome.finish(.failure(DaemonError(.timeout, "the service group cancelled the pipeline during its stop "
                    + "(phase: \(pipeline.stopPhase))")))
            }
        } onGracefulShutdown: {
            pipeline.requestStop()
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(deadline.wholeMilliseconds)) {
                let phase = pipeline.stopPhase
                if outcome.finish(.failure(DaemonError(.timeout, "the stop did not finish within pipeline.stop_deadline (\(deadline)); "
                    + "exiting during phase \(phase); the next start replays from the last snapshots"))) {
                    log.error("stop deadline passed", metadata: ["stop.phase": "\(phase)"])
                }
            }
        }
    }

    /// The loop's result, delivered once: by the thread, the stop deadline or cancellation,
    /// whichever comes first. A state machine behind a lock; the continuation is resumed after.
    final class Outcome: Sendable {
        private struct State {
            var result: Result<Void, DaemonError>?
            var waiter: CheckedContinuation<Void, any Error>?
        }

        private let state = Mutex(State())

        /// Delivers `result` unless one was delivered already; true when this one counted.
        @discardableResult
        func finish(_ result: Result<Void, DaemonError>) -> Bool {
            let (counted, waiter) = state.withLock { s -> (Bool, CheckedContinuation<Void, any Error>?) in
                guard s.result == nil else { return (false, nil) }
                s.result = result
                defer { s.waiter = nil }
                return (true, s.waiter)
            }
            waiter?.resume(with: result.mapError { $0 as any Error })
            return counted
        }

        /// Waits for the result.
        func value() async throws {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let ready = state.withLock { s -> Result<Void, DaemonError>? in
                    if s.result == nil { s.waiter = c }
                    return s.result
                }
                if let ready { c.resume(with: ready.mapError { $0 as any Error }) }
            }
        }
    }
}
