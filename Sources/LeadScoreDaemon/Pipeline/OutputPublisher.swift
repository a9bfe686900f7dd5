import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// Writes the daemon's outputs to Kafka and remembers where they landed.
///
/// Every record carries headers that make recovery possible without Kafka transactions:
/// `leadscore-source` (input topic/partition), `leadscore-source-offset` (the input offset that
/// produced it) and `leadscore-dedupe` (a key stable across replays: the idempotency key for
/// lead transitions). After a crash, `RecoveryScan` reads these back to suppress outputs that a
/// replay would write twice. The highest delivered offset per output partition bounds where such
/// a scan must start (`positions`).
final class OutputPublisher: Sendable {
    /// Header names, in one place.
    enum Header {
        static let source = "leadscore-source"
        static let sourceOffset = "leadscore-source-offset"
        static let dedupe = "leadscore-dedupe"
        static let instance = "leadscore-instance"
    }

    /// The producer (the pipeline drives its transactions in transactional mode).
    let producer: KafkaProducer
    private let topics: DaemonConfiguration.Topics
    private let instanceID: String
    /// The producer's record size limit; dead letters are cut to fit it.
    let maxRecordBytes: Int
    private let logger: Logger
    private let metrics: DaemonMetrics
    /// Next offset after the highest delivered one, per output partition.
    private let delivered = Mutex<[KafkaTopicPartition: Int64]>([:])
    /// The first fatal delivery failure; once set, the daemon stops (fail-stop, then recover).
    private let failure = Mutex<KafkaError?>(nil)

    init(producer: KafkaProducer, topics: DaemonConfiguration.Topics, instanceID: String, maxRecordBytes: Int = 1_000_000,
         logger: Logger, metrics: DaemonMetrics) {
        self.producer = producer
        self.maxRecordBytes = maxRecordBytes
        self.metrics = metrics
        self.topics = topics
        self.instanceID = instanceID
        self.logger = logger
    }

    /// The topic an output kind goes to.
    func topic(for kind: OutputEvent.Kind) -> String {
        switch kind {
        case .scores: topics.scores
        case .routing: topics.routing
        case .enrichment: topics.enrichment
        }
    }

    /// The stable dedupe key of an output.
    static func dedupeKey(_ output: OutputEvent) -> String {
        switch output {
        case .leadRescored(let e): e.idempotencyKey
        case .leadRouted(let e): e.idempotencyKey
        case .enrichmentRequested(let e): e.idempotencyKey
        }
    }

    /// Enqueues one output produced by input `source` at `sourceOffset`. For a routing decision,
    /// `inputTimestamp` (the input record's broker timestamp, epoch milliseconds) feeds the
    /// input-to-routing latency histogram when the broker acknowledges the output.
    func publish(_ output: OutputEvent, source: KafkaTopicPartition, sourceOffset: Int64, inputTimestamp: Int64? = nil) throws(KafkaError) {
        var value: [UInt8] = []
        value.reserveCapacity(512)
        output.appendJSON(to: &value)
        try send(topic: topic(for: output.kind), key: Array(output.partitionKey.utf8), value: value,
                 dedupe: Self.dedupeKey(output), source: source, sourceOffset: sourceOffset,
                 latencyFrom: output.kind == .routing ? inputTimestamp : nil)
    }

    /// Enqueues a dead letter, cut to fit in one record.
    func publish(_ letter: DeadLetter, source: KafkaTopicPartition) throws(KafkaError) {
        let letter = letter.fitted(maxRecordBytes: maxRecordBytes)
        try send(topic: topics.deadLetter, key: letter.key, value: letter.json(), dedupe: letter.dedupeKey,
                 source: source, sourceOffset: letter.offset)
    }

    /// Enqueues one record. An error that concerns this record alone (too large, invalid) is
    /// logged and counted and the record dropped: it can never be written, and stopping would
    /// stop the partition for good. Any other error is the caller's (fail-stop, then recovery).
    private func send(topic: String, key: [UInt8]?, value: [UInt8], dedupe: String,
                      source: KafkaTopicPartition, sourceOffset: Int64, latencyFrom: Int64? = nil) throws(KafkaError) {
        do {
            try enqueue(topic: topic, key: key, value: value, dedupe: dedupe, source: source, sourceOffset: sourceOffset,
                        latencyFrom: latencyFrom)
        } catch where error.isRecordError {
            dropped(topic: topic, dedupe: dedupe, bytes: value.count, error: error)
        }
    }

    private func dropped(topic: String, dedupe: String, bytes: Int, error: KafkaError) {
        metrics.outputErrors[topic].increment()
        logger.error("output record refused and dropped", metadata: [
            "kafka.topic": "\(topic)", "leadscore.dedupe": "\(dedupe)", "leadscore.bytes": "\(bytes)", "kafka.error": "\(error)",
        ])
    }

    private func enqueue(topic: String, key: [UInt8]?, value: [UInt8], dedupe: String,
                         source: KafkaTopicPartition, sourceOffset: Int64, latencyFrom: Int64?) throws(KafkaError) {
        let headers = [
            KafkaHeader(name: Header.source, string: "\(source.topic)/\(source.partition)"),
            KafkaHeader(name: Header.sourceOffset, string: String(sourceOffset)),
            KafkaHeader(name: Header.dedupe, string: dedupe),
            KafkaHeader(name: Header.instance, string: instanceID),
        ]
        try producer.produce(topic: topic, key: key, value: value, headers: headers) { [self] result in
            switch result {
            case .success(let report):
                if let latencyFrom {
                    let millis = Pipeline.wallMillis() - latencyFrom
                    if millis >= 0 { metrics.routingLatency.recordNanoseconds(millis * 1_000_000) }
                }
                guard let offset = report.offset else { return }
                let tp = KafkaTopicPartition(topic: report.topic, partition: report.partition)
                delivered.withLock { map in
                    if offset + 1 > map[tp, default: 0] { map[tp] = offset + 1 }
                }
            case .failure(let error) where error.isRecordError:
                dropped(topic: topic, dedupe: dedupe, bytes: value.count, error: error)
            case .failure(let error):
                logger.error("output delivery failed", metadata: ["kafka.topic": "\(topic)", "kafka.error": "\(error)"])
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
    }

    /// Waits until everything enqueued so far is delivered; throws the first delivery failure.
    func flush(timeout: Duration) throws(KafkaError) {
        try producer.flush(timeout: timeout)
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// The first delivery failure, if any.
    var deliveryFailure: KafkaError? { failure.withLock { $0 } }

    /// Next offset after the highest delivered output, per output partition this process wrote to.
    var deliveredPositions: [KafkaTopicPartition: Int64] { delivered.withLock { $0 } }

    /// Every output topic (including the dead-letter topic), for recovery scans.
    var outputTopics: [String] { [topics.scores, topics.routing, topics.enrichment, topics.deadLetter] }
}
