import Logging

/// The messages of a `KafkaConsumer`, read by a poll loop on a dedicated thread.
///
/// Iterating starts the loop if `run()` has not; the loop stops (and closes the consumer) on
/// `close()`, graceful shutdown of `run()`, or when the consumer is released. Messages are not
/// offset-stored automatically: call `storeOffset` after processing. Meant for one iterator.
public struct KafkaMessageSequence: AsyncSequence, Sendable {
    /// The element type.
    public typealias Element = KafkaMessage

    let loop: KafkaConsumerLoop
    let core: RDKafkaConsumerCore
    let logger: Logger

    /// Creates the iterator and starts the poll loop if needed.
    public func makeAsyncIterator() -> Iterator {
        loop.startIfNeeded(core: core, logger: logger)
        return Iterator(loop: loop)
    }

    /// Serves messages from the current batch, fetching the next batch when it runs out.
    public struct Iterator: AsyncIteratorProtocol {
        let loop: KafkaConsumerLoop
        var batch: [KafkaMessage] = []
        var index = 0

        /// The next message; nil when the loop has ended.
        public mutating func next() async throws -> KafkaMessage? {
            while index == batch.count {
                guard let next = try await loop.nextBatch() else { return nil }
                batch = next
                index = 0
            }
            defer { index += 1 }
            return batch[index]
        }
    }
}
