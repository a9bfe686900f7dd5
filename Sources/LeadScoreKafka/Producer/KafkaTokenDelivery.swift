/// The outcome of a record produced with a token (`KafkaProducer.produce(to:key:value:headers:token:)`),
/// given to the producer's one `onDelivery` handler on the thread that serves its report.
///
/// A token instead of a closure per record: the caller encodes what it needs to know about the
/// record (its kind, when its input arrived) in 63 bits, and nothing is allocated per record.
public struct KafkaTokenDelivery: Sendable {
    /// The token given when producing (63 bits).
    public var token: UInt64
    /// The partition the record went to.
    public var partition: Int32
    /// Its offset; nil when librdkafka does not know it, or on failure.
    public var offset: Int64?
    /// The failure, nil on success.
    public var error: KafkaError?

    /// Creates an outcome.
    public init(token: UInt64, partition: Int32, offset: Int64?, error: KafkaError?) {
        self.token = token
        self.partition = partition
        self.offset = offset
        self.error = error
    }

    /// The largest token: tokens travel in librdkafka's opaque pointer with a tag bit.
    public static let maxToken: UInt64 = (1 << 63) - 1
}
