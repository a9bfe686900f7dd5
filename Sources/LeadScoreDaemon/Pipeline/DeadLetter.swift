import Foundation
import LeadScoreCore
import LeadScoreKafka

/// A dead-letter record: an input that could not be used, with everything needed to understand
/// and re-inject it (SPEC section 3). The original bytes travel base64-encoded, since they may not
/// even be UTF-8.
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
    /// The input's key and value exactly as read.
    var key: [UInt8]?
    var original: [UInt8]

    /// Daemon-level reasons (decoding errors use their own codes).
    enum Reason {
        static let futureTimestamp = "future_timestamp"
        static let tombstone = "tombstone"
        static let wrongTopic = "wrong_topic"
    }

    init(reason: String, field: String?, message: String, topic: String, partition: Int32, offset: Int64,
         key: [UInt8]?, original: [UInt8]) {
        self.reason = reason
        self.field = field
        self.message = message
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.original = original
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

    /// The key that makes a replayed dead letter recognisable in the topic after a crash.
    var dedupeKey: String { "\(topic)/\(partition)/\(offset)" }

    /// `{"type":"dead_letter","error":{...},"source":{...},"original":"<base64>"}`.
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
        w.key("original"); w.string(Data(original).base64EncodedString())
        w.endObject()
        return w.bytes
    }
}
