import ServiceLifecycle

extension KafkaConsumer: Service {
    /// The messages, read by a poll loop on a dedicated thread (see `KafkaMessageSequence`).
    public var messages: KafkaMessageSequence {
        KafkaMessageSequence(loop: loop, core: core, logger: logger)
    }

    /// Runs the poll loop feeding `messages` until graceful shutdown or cancellation, then leaves
    /// the group. Throws the fatal error that ended the loop, if any.
    public func run() async throws {
        loop.startIfNeeded(core: core, logger: logger)
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await loop.joined()
            } onGracefulShutdown: { [loop] in
                loop.requestStop()
            }
        } onCancel: { [loop] in
            loop.requestStop()
        }
    }
}
