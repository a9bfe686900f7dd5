import LeadScoreKafka
@testable import LeadScoreDaemon

/// Records already copied into Swift values, as a worker's input in tests.
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
