import LeadScoreKafka

/// Input records as a partition worker reads them: in place, one at a time, by index.
///
/// `KafkaRecordBatch` (records still in librdkafka's buffers) is what the daemon feeds; tests feed
/// arrays of `KafkaMessage`. Either way the worker copies a record only to quote it in a dead
/// letter.
protocol RecordBatch: Sendable {
    var count: Int { get }
    func partition(at i: Int) -> Int32
    func offset(at i: Int) -> Int64
    func timestampMilliseconds(at i: Int) -> Int64?
    /// Lends the value bytes (nil for a tombstone).
    func withValue<R, E: Error>(at i: Int, _ body: (UnsafeRawBufferPointer?) throws(E) -> R) throws(E) -> R
    /// Size of the value in bytes.
    func valueCount(at i: Int) -> Int
    /// The record copied whole, for a dead letter.
    func message(at i: Int) -> KafkaMessage
}

extension KafkaRecordBatch: RecordBatch {}

/// Records already copied into Swift values (tests, re-injected records).
struct MessageArrayBatch: RecordBatch {
    var messages: [KafkaMessage]

    var count: Int { messages.count }
    func partition(at i: Int) -> Int32 { messages[i].partition }
    func offset(at i: Int) -> Int64 { messages[i].offset }
    func timestampMilliseconds(at i: Int) -> Int64? { messages[i].timestampMilliseconds }
    func valueCount(at i: Int) -> Int { messages[i].value?.count ?? 0 }
    func message(at i: Int) -> KafkaMessage { messages[i] }

    func withValue<R, E: Error>(at i: Int, _ body: (UnsafeRawBufferPointer?) throws(E) -> R) throws(E) -> R {
        guard let value = messages[i].value else { return try body(nil) }
        // withUnsafeBytes is not typed-throws; carry the error out by hand.
        var result: Result<R, E>!
        value.withUnsafeBytes { bytes in result = Result { () throws(E) -> R in try body(bytes) } }
        return try result.get()
    }
}
