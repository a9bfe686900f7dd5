import CCacheHints
import Crdkafka

/// A batch of consumed records that stay in librdkafka's own buffers: nothing is copied until the
/// caller asks (`withValue`, `withKey` lend the bytes; `message(at:)` copies one record whole, for
/// the rare record that must outlive the batch, such as a dead letter's quote).
///
/// The batch owns its `rd_kafka_message_t`s and destroys them in `deinit`, so a batch can be handed
/// to another thread (a partition worker) and read there; every accessor is only valid while the
/// caller holds the batch.
///
/// `@unchecked Sendable`: the message pointers are immutable after init and only read (librdkafka
/// allows reading a message from any thread until it is destroyed), and destruction happens once,
/// in `deinit`, when no reference remains.
public final class KafkaRecordBatch: @unchecked Sendable {
    private let messages: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>>
    /// The topic of each record, from the consumer's per-handle name cache (no String per record).
    private let topics: [String]
    /// Number of records.
    public let count: Int

    init(messages: [UnsafeMutablePointer<rd_kafka_message_t>], topics: [String]) {
        let buffer = UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>>.allocate(capacity: max(1, messages.count))
        _ = buffer.initialize(from: messages)
        self.messages = buffer
        self.topics = topics
        self.count = messages.count
    }

    deinit {
        for i in 0..<count { rd_kafka_message_destroy(messages[i]) }
        messages.deallocate()
    }

    /// Whether the batch holds no record.
    public var isEmpty: Bool { count == 0 }

    /// The topic of record `i`.
    public func topic(at i: Int) -> String { topics[i] }

    /// The partition of record `i`.
    public func partition(at i: Int) -> Int32 { messages[i].pointee.partition }

    /// The offset of record `i`.
    public func offset(at i: Int) -> Int64 { messages[i].pointee.offset }

    /// The broker timestamp of record `i` (epoch milliseconds), nil when not available.
    public func timestampMilliseconds(at i: Int) -> Int64? {
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(messages[i], &type)
        return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
    }

    /// Hints the CPU to load record `i`'s message header (offset, partition, timestamp, value
    /// pointer: the first 192 bytes) into the cache; no effect past the end.
    @inline(__always)
    public func prefetch(at i: Int) {
        guard i < count else { return }
        let m = UnsafeRawPointer(messages[i])
        leadscore_prefetch(m)
        leadscore_prefetch(m + 64)
        leadscore_prefetch(m + 128)
    }

    /// Whether record `i` has a value (false for a tombstone).
    public func hasValue(at i: Int) -> Bool { messages[i].pointee.payload != nil }

    /// Size of record `i`'s value in bytes (0 for a tombstone).
    public func valueCount(at i: Int) -> Int { messages[i].pointee.payload == nil ? 0 : messages[i].pointee.len }

    /// Lends record `i`'s value bytes (nil for a tombstone) for the duration of `body`.
    public func withValue<R, E: Error>(at i: Int, _ body: (UnsafeRawBufferPointer?) throws(E) -> R) throws(E) -> R {
        let m = messages[i].pointee
        guard let payload = m.payload else { return try body(nil) }
        return try body(UnsafeRawBufferPointer(start: payload, count: m.len))
    }

    /// Lends record `i`'s key bytes (nil for none) for the duration of `body`.
    public func withKey<R, E: Error>(at i: Int, _ body: (UnsafeRawBufferPointer?) throws(E) -> R) throws(E) -> R {
        let m = messages[i].pointee
        guard let key = m.key else { return try body(nil) }
        return try body(UnsafeRawBufferPointer(start: key, count: m.key_len))
    }

    /// Lends the value of record `i`'s last header named `name` (nil when there is none, or its
    /// value is null) for the duration of `body`.
    public func withHeader<R, E: Error>(at i: Int, named name: String, _ body: (UnsafeRawBufferPointer?) throws(E) -> R) throws(E) -> R {
        var hdrs: OpaquePointer?
        guard rd_kafka_message_headers(messages[i], &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs else { return try body(nil) }
        var value: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_last(hdrs, name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let value else { return try body(nil) }
        return try body(UnsafeRawBufferPointer(start: value, count: size))
    }

    /// Record `i` copied whole (key, value, headers) into a `KafkaMessage` that outlives the batch.
    public func message(at i: Int) -> KafkaMessage {
        RDKafkaConsumerCore.makeMessage(messages[i], topic: topics[i])
    }
}
