/// A consumed Kafka record. Bytes are copied out of librdkafka once, into `key` and `value`.
public struct KafkaMessage: Sendable, Hashable {
    /// The topic it was read from.
    public var topic: String
    /// The partition it was read from.
    public var partition: Int32
    /// Its offset in the partition.
    public var offset: Int64
    /// The key, nil when the record has none.
    public var key: [UInt8]?
    /// The value; empty for an empty record, nil for a tombstone (null value).
    public var value: [UInt8]?
    /// Record headers, in order (names may repeat).
    public var headers: [KafkaHeader]
    /// The record timestamp in milliseconds since the epoch, nil when the broker gave none.
    public var timestampMilliseconds: Int64?

    /// Creates a message (used by tests and by code that re-injects records).
    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
        headers: [KafkaHeader] = [], timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// The partition it came from.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
}
