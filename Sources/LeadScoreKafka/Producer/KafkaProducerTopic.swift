/// A topic resolved once for a producer (`KafkaProducer.topic(_:)`), so producing to it does not
/// look the name up per record.
///
/// `@unchecked Sendable`: the librdkafka topic handle is owned by the producer's state (destroyed
/// with the producer) and librdkafka allows producing to it from any thread.
public struct KafkaProducerTopic: @unchecked Sendable {
    /// The topic's name.
    public let name: String
    let handle: OpaquePointer?
}
