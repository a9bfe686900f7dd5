import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the pipeline's blocking loop on a dedicated thread as a swift-service-lifecycle `Service`.
///
/// Graceful shutdown (SIGTERM, SIGINT) asks the loop to stop; it then snapshots, flushes, commits
/// and leaves the group before `run()` returns. A failure in the loop ends `run()` with the error,
/// which takes the whole service group (and the process) down so a restart recovers cleanly.
struct PipelineService: Service, CustomStringConvertible {
    let pipeline: Pipeline
    let logger: Logger

    /// A name only (the service group logs it; the pipeline holds the configuration).
    var description: String { "PipelineService" }

    func run() async throws {
        let pipeline = self.pipeline
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        try pipeline.runLoop()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "leadscore-pipeline"
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onGracefulShutdown: {
            pipeline.requestStop()
        }
    }
}
