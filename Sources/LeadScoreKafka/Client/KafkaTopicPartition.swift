/// One partition of one topic.
public struct KafkaTopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Topic name.
    public var topic: String
    /// Partition number.
    public var partition: Int32

    /// Creates a topic/partition pair.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// Where to start reading a partition.
public enum KafkaStartOffset: Sendable, Hashable {
    /// The first retained message.
    case beginning
    /// After the last message: only new messages.
    case end
    /// The group's committed offset (falls back to `auto.offset.reset`).
    case committed
    /// This exact offset (the offset of the first message to read).
    case offset(Int64)
}

/// A partition's low and high watermarks: the first retained offset and the offset the next
/// produced message will get.
public struct KafkaWatermarks: Sendable, Hashable {
    /// The first retained offset.
    public var low: Int64
    /// One past the last message's offset.
    public var high: Int64

    /// Creates watermarks.
    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}
