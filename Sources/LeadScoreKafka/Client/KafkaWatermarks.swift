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
