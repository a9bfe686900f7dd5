import Foundation
import LeadScoreCore
import LeadScoreKafka

/// A dead-letter record: an input that could not be used, with everything needed to understand
/// and re-inject it (SPEC section 3). The original bytes travel base64-encoded, since they may not
/// even be UTF-8.
///
/// A dead letter must always fit in one Kafka record (`fitted(maxRecordBytes:)`), or one bad
/// input would stop its partition for good: an original too large to quote whole is cut to the
/// bytes that fit, and an input larger than the daemon handles at all (`stream.max_event_bytes`)
/// is quoted by reference only. Either way the record says the original's size and its XXH64
/// hash, and its source topic/partition/offset lead back to the full bytes.
struct DeadLetter: Sendable, Equatable {
    /// Stable reason code (`EventDecodingError.Code.name`, or a daemon-level reason such as
    /// `future_timestamp`), also the `reason` label of the dead-letter counter.
    var reason: String
    /// The offending field's path, when known.
    var field: String?
    /// A sentence saying what is wrong.
    var message: String
    /// Where the input came from.
    var topic: String
    var partition: Int32
    var offset: Int64
    /// The input's key as read (its first `keyLimit` bytes when longer).
    var key: [UInt8]?
    /// The input's value as read, or its first bytes when `truncated`; nil when quoted by
    /// reference only.
    var original: [UInt8]?
    /// Size of the whole original value in bytes.
    var originalSize: Int
    /// XXH64 of the whole original value.
    var originalHash: UInt64
    /// `original` holds only the first bytes of the value.
    var truncated = false

    /// Daemon-level reasons (decoding errors use their own codes).
    enum Reason {
        static let futureTimestamp = "future_timestamp"
        static let tombstone = "tombstone"
        static let wrongTopic = "wrong_topic"
        /// A lead event that names neither a lead nor an account.
        static let missingKey = "missing_field"
        /// Larger than `stream.max_event_bytes`: not even decoded.
        static let tooLarge = "too_large"
    }

    /// Longest key quoted (keys are ids; a longer one is cut).
    static let keyLimit = 4_096
    /// Longest error message quoted.
    static let messageLimit = 1_024
    /// Room kept in a record for everything but the original: the JSON's other fields, the
    /// headers, librdkafka's per-record overhead.
    static let overheadBytes = 4_096

    init(reason: String, field: String?, message: String, topic: String, partition: Int32, offset: Int64,
         key: [UInt8]?, original: [UInt8]?, originalSize: Int? = nil, originalHash: UInt64? = nil) {
        self.reason = reason
        self.field = field
        self.message = message.utf8.count > Self.messageLimit ? String(decoding: message.utf8.prefix(Self.messageLimit), as: UTF8.self) + "..." : message
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key.map { $0.count > Self.keyLimit ? Array($0.prefix(Self.keyLimit)) : $0 }
        self.original = original
        self.originalSize = originalSize ?? original?.count ?? 0
        self.originalHash = originalHash ?? Checksum64.hash(original ?? [])
    }

    /// A dead letter for an input record, which it quotes whole (key, value, position).
    init(reason: String, field: String?, message: String, input: KafkaMessage) {
        self.init(reason: reason, field: field, message: message, topic: input.topic, partition: input.partition,
                  offset: input.offset, key: input.key, original: input.value ?? [])
    }

    /// A dead letter for an input record that did not decode.
    init(decodingError error: EventDecodingError, input: KafkaMessage) {
        self.init(reason: error.code.name, field: error.field, message: error.description, input: input)
    }

    /// A dead letter for an input too large to handle: by reference, without its bytes.
    init(tooLarge input: KafkaMessage, limit: Int) {
        let value = input.value ?? []
        self.init(reason: Reason.tooLarge, field: nil,
                  message: "the record is \(value.count) bytes; stream.max_event_bytes is \(limit): not decoded, quoted by reference",
                  topic: input.topic, partition: input.partition, offset: input.offset, key: input.key, original: nil,
                  originalSize: value.count, originalHash: Checksum64.hash(value))
    }

    /// This dead letter cut down, if needed, so its record (JSON value, key, headers) stays within
    /// `maxRecordBytes`: the original keeps as many leading bytes as fit.
    func fitted(maxRecordBytes: Int) -> DeadLetter {
        guard let original else { return self }
        let keyBytes = key?.count ?? 0
        // The key appears twice (record key, base64 in the JSON); base64 takes 4 bytes per 3.
        let available = maxRecordBytes - Self.overheadBytes - keyBytes - (keyBytes + 2) / 3 * 4
        let budget = max(0, available / 4 * 3)
        guard original.count > budget else { return self }
        var copy = self
        copy.original = Array(original.prefix(budget))
        copy.truncated = true
        return copy
    }

    /// The key that makes a replayed dead letter recognisable in the topic after a crash.
    var dedupeKey: String { "\(topic)/\(partition)/\(offset)" }

    /// `{"type":"dead_letter","error":{...},"source":{...},"key":..,"original":"<base64>",...}`.
    func json() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("type"); w.string("dead_letter")
        w.key("error")
        w.beginObject()
        w.key("code"); w.string(reason)
        w.key("field"); w.string(field)
        w.key("message"); w.string(message)
        w.endObject()
        w.key("source")
        w.beginObject()
        w.key("topic"); w.string(topic)
        w.key("partition"); w.integer(partition)
        w.key("offset"); w.integer(offset)
        w.endObject()
        w.key("key"); w.string(key.map { Data($0).base64EncodedString() })
        w.key("original"); w.string(original.map { Data($0).base64EncodedString() })
        w.key("original_size"); w.integer(originalSize)
        w.key("original_truncated"); w.bool(truncated || original == nil)
        w.key("original_xxh64"); w.string(Self.hex(originalHash))
        w.endObject()
        return w.bytes
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
