import Crdkafka
import Logging

/// Reads every partition of some topics without joining a group (assign, never subscribe), from
/// given start offsets, and tells when each partition's end has been reached.
///
/// Made for rebuilding state from a topic at start-up: poll until `isAtEnd`, then go live. The end
/// is what the broker's fetch responses report (`enable.partition.eof`), which is right even on
/// brokers whose ListOffsets(LATEST) answer is not. Same blocking poll as `KafkaConsumer`.
public final class KafkaPartitionReader: Sendable {
    let core: RDKafkaConsumerCore
    /// The partitions being read, sorted.
    public let partitions: [KafkaTopicPartition]

    /// Creates the reader for all partitions of `topics`, discovered from cluster metadata
    /// (bounded by `metadataTimeout`). Each partition starts at `startOffsets[partition]`, else
    /// at `defaultStart`.
    public init(
        configuration: KafkaConfiguration, topics: [String], defaultStart: KafkaStartOffset = .beginning,
        startOffsets: [KafkaTopicPartition: KafkaStartOffset] = [:], metadataTimeout: Duration = .seconds(10),
        hooks: KafkaClientHooks = KafkaClientHooks(), logger: Logger
    ) throws(KafkaError) {
        guard !topics.isEmpty else {
            throw KafkaError(code: .invalidArgument, message: "no topics to read", key: "topics")
        }
        let client = try RDKafkaClient(
            type: RD_KAFKA_CONSUMER, properties: configuration.librdkafkaProperties(for: .partitionReader),
            logger: logger, hooks: hooks)
        var all: [KafkaTopicPartition] = []
        for topic in topics {
            for p in try client.partitions(of: topic, timeout: metadataTimeout) {
                all.append(KafkaTopicPartition(topic: topic, partition: p))
            }
        }
        self.core = RDKafkaConsumerCore(client: client)
        self.partitions = all.sorted()
        var starts: [KafkaTopicPartition: KafkaStartOffset] = [:]
        for p in all { starts[p] = startOffsets[p] ?? defaultStart }
        try core.assign(starts)
    }

    deinit {
        do throws(KafkaError) { try core.close() } catch {
            core.client.logger.debug("reader close failed", metadata: ["kafka.error": .string(error.description)])
        }
    }

    /// Blocking batch poll, as `KafkaConsumer.poll`; returns early (possibly empty) when the first
    /// message waited for is a partition's end.
    public func poll(maxMessages: Int, timeout: Duration) throws(KafkaError) -> [KafkaMessage] {
        try core.poll(maxMessages: maxMessages, timeout: timeout)
    }

    /// Like `poll`, but the records stay in librdkafka's buffers (see `KafkaRecordBatch`).
    public func pollRecords(maxMessages: Int, timeout: Duration) throws(KafkaError) -> KafkaRecordBatch {
        try core.pollRecords(maxMessages: maxMessages, timeout: timeout)
    }

    /// Partitions whose end was reached with no message read since.
    public var partitionsAtEnd: Set<KafkaTopicPartition> { core.partitionsAtEnd }

    /// Whether every partition has reached its end.
    public var isAtEnd: Bool { core.partitionsAtEnd.isSuperset(of: partitions) }

    /// Moves the read position of partitions (for example to re-read from a snapshot's offsets).
    public func seek(_ offsets: [KafkaTopicPartition: KafkaStartOffset], timeout: Duration = .seconds(10)) throws(KafkaError) {
        try core.seek(offsets, timeout: timeout)
    }

    /// The watermarks from the last fetch response of a partition, nil before one.
    public func cachedWatermarks(topic: String, partition: Int32) -> KafkaWatermarks? {
        core.cachedWatermarks(topic: topic, partition: partition)
    }

    /// Asks the broker for a partition's first retained offset and end (ListOffsets). Some brokers
    /// answer the end wrongly (Tansu); the first retained offset is what retention left.
    public func queryWatermarks(topic: String, partition: Int32, timeout: Duration = .seconds(10)) throws(KafkaError) -> KafkaWatermarks {
        try core.queryWatermarks(topic: topic, partition: partition, timeout: timeout)
    }

    /// Stops reading; idempotent (also done when the reader is released).
    public func close() throws(KafkaError) { try core.close() }
}
