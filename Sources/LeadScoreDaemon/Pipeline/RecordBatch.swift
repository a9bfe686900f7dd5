import LeadScoreKafka

/// Input records as a partition worker reads them: in place, one at a time, by index.
///
/// `KafkaRecordBatch` (records still in librdkafka's buffers) is what the daemon feeds; tests feed
/// arrays of `KafkaMessage` (their own conformance). Either way the worker copies a record only to quote it in a dead
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
    /// A cache hint: record `i` is read soon (nothing by default).
    func prefetch(at i: Int)
}

extension RecordBatch {
    func prefetch(at i: Int) {}
}

extension KafkaRecordBatch: RecordBatch {}
