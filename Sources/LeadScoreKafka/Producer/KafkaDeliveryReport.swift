/// Where the broker stored a produced message.
public struct KafkaDeliveryReport: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition the message went to.
    public var partition: Int32
    /// Its offset; nil when librdkafka does not know it (for example after an idempotent retry).
    public var offset: Int64?

    /// Creates a report.
    public init(topic: String, partition: Int32, offset: Int64?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

/// The completion of one produced message, called on the thread that serves its report (see
/// `KafkaProducer`).
public typealias KafkaDeliveryCompletion = @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void

/// Carries a message's completion through librdkafka's per-message opaque pointer.
final class KafkaDeliveryBox: Sendable {
    let completion: KafkaDeliveryCompletion
    init(_ completion: @escaping KafkaDeliveryCompletion) { self.completion = completion }
}
