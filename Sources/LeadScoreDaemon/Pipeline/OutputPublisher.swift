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
/// a scan must start (`deliveredPositions`).
///
/// The hot path allocates nothing per record of its own: the JSON goes into the caller's reused
/// buffer, headers are written straight into librdkafka's list, and the delivery outcome comes
/// back through one handler with a 63-bit token (`Token`) instead of a closure per record.
/// Safe to call from several partition workers at once.
final class OutputPublisher: Sendable {
    /// Header names, in one place (read back by `RecoveryScan` and `RepFeed`).
    enum Header {
        static let source: StaticString = "leadscore-source"
        static let sourceOffset: StaticString = "leadscore-source-offset"
        static let dedupe: StaticString = "leadscore-dedupe"
        static let instance: StaticString = "leadscore-instance"
        /// On an erasure's tombstones: the erased lead (the record key may be its account).
        static let erasedLead: StaticString = "leadscore-erased-lead"
        /// On routing decisions and breaches: the fields the rep feed reads (`RoutedRecord+Header`).
        static let routing: StaticString = "leadscore-routing"
    }

    /// What a delivery report needs to know about its record, packed into the producer's token:
    /// the low `topicBits` bits the output topic, the bits above the input's broker timestamp + 1
    /// (0: none), which feeds the input-to-routing latency histogram.
    ///
    /// The topic field is as wide as `OutputTopic.allCases` needs, computed from the list itself,
    /// so a new output topic widens it instead of decoding as another topic; a value that names no
    /// topic decodes as nil rather than as a guess.
    struct Token: Equatable {
        var topic: OutputTopic
        var inputTimestamp: Int64?

        /// Bits for the topic: enough for every `OutputTopic` raw value.
        static let topicBits = UInt64.bitWidth - UInt64(OutputTopic.allCases.map(\.rawValue).max() ?? 0).leadingZeroBitCount
        private static let topicMask = (UInt64(1) << topicBits) - 1

        var raw: UInt64 {
            let stamp = inputTimestamp.map { UInt64(max(0, $0) + 1) & (KafkaTokenDelivery.maxToken >> Self.topicBits) } ?? 0
            return stamp << Self.topicBits | UInt64(topic.rawValue)
        }

        init(topic: OutputTopic, inputTimestamp: Int64?) {
            self.topic = topic
            self.inputTimestamp = inputTimestamp
        }

        /// Decodes a token; nil when its topic bits name no output topic.
        init?(raw: UInt64) {
            guard let topic = OutputTopic(rawValue: UInt8(raw & Self.topicMask)) else { return nil }
            self.topic = topic
            let stamp = raw >> Self.topicBits
            inputTimestamp = stamp == 0 ? nil : Int64(stamp) - 1
        }
    }

    /// Where an input record came from, rendered once per input partition for the source header.
    struct Source: Sendable {
        var partition: Int32
        /// `"<topic>/<partition>"` as bytes.
        var label: [UInt8]

        init(topic: String, partition: Int32) {
            self.partition = partition
            self.label = Array("\(topic)/\(partition)".utf8)
        }
    }

    /// Next offset after the highest delivered one, by output topic and partition; and the first
    /// fatal delivery failure. Written by whichever thread serves the reports (the producer's
    /// delivery thread, or a partition worker).
    struct DeliveryState {
        var delivered: [[Int64]] = Array(repeating: [], count: OutputTopic.allCases.count)
        var failure: KafkaError?
    }

    /// Holds `DeliveryState` where both the publisher and the delivery handler reach it.
    final class DeliveryBook: Sendable {
        let state = Mutex(DeliveryState())
    }

    /// The producer (the pipeline drives its transactions in transactional mode).
    let producer: KafkaProducer
    let topics: DaemonConfiguration.Topics
    /// By `OutputTopic` raw value; nil for a topic this configuration does not write.
    private let handles: [KafkaProducerTopic?]
    private let instanceID: [UInt8]
    /// The producer's record size limit; dead letters are cut to fit it.
    let maxRecordBytes: Int
    private let logger: Logger
    private let metrics: DaemonMetrics
    private let book: DeliveryBook

    /// Creates the producer too, so its delivery handler can report here.
    init(producerConfiguration: KafkaConfiguration, topics: DaemonConfiguration.Topics, instanceID: String,
         maxRecordBytes: Int = 1_000_000, logger: Logger, metrics: DaemonMetrics) throws(KafkaError) {
        let book = DeliveryBook()
        self.book = book
        self.topics = topics
        self.instanceID = Array(instanceID.utf8)
        self.maxRecordBytes = maxRecordBytes
        self.logger = logger
        self.metrics = metrics
        let log = logger
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger) { delivery in
            OutputPublisher.delivered(delivery, book: book, metrics: metrics, logger: log, topics: topics)
        }
        self.producer = producer
        let written = OutputTopic.written(in: topics)
        self.handles = OutputTopic.allCases.map { written.contains($0) ? producer.topic($0.name(in: topics)) : nil }
    }

    /// The stable dedupe key of an output.
    static func dedupeKey(_ output: OutputEvent) -> String { output.idempotencyKey }

    /// Enqueues the tombstone of an erased lead on one output topic: a null value under the key
    /// its outputs had, the erased lead id in a header (the key may be its account's), and the
    /// erasure's dedupe key.
    func publishTombstone(_ erased: LeadErased, topic: OutputTopic, source: Source, sourceOffset: Int64) throws(KafkaError) {
        var key = erased.accountID ?? erased.leadID
        var dedupe = erased.idempotencyKey
        var lead = erased.leadID
        let result: Result<Void, KafkaError> = key.withUTF8 { k in
            Result { () throws(KafkaError) in
                try send(topic, key: UnsafeRawBufferPointer(k), value: nil, token: Token(topic: topic, inputTimestamp: nil), size: 0) { headers in
                    Self.addHeaders(&headers, source: source, sourceOffset: sourceOffset, instanceID: instanceID)
                    dedupe.withUTF8 { headers.add(Header.dedupe, UnsafeRawBufferPointer($0)) }
                    lead.withUTF8 { headers.add(Header.erasedLead, UnsafeRawBufferPointer($0)) }
                }
            }
        }
        try result.get()
    }

    /// Enqueues one output produced by input `source` at `sourceOffset`, rendering its JSON with
    /// `json` (reused across calls; the bytes go to the producer from where they lie), to its
    /// kind's topic or to `topic` (the challenger's). For a routing decision, `inputTimestamp`
    /// (the input record's broker timestamp, epoch milliseconds) feeds the input-to-routing
    /// latency histogram.
    func publish(_ output: OutputEvent, to topic: OutputTopic? = nil, source: Source, sourceOffset: Int64, inputTimestamp: Int64?,
                 json: inout JSONWriter) throws(KafkaError) {
        json.removeAll()
        output.write(to: &json)
        let topic = topic ?? OutputTopic(output.kind)
        let token = Token(topic: topic, inputTimestamp: topic == .routing ? inputTimestamp : nil)
        var key = output.partitionKey
        let result: Result<Void, KafkaError> = key.withUTF8 { k in
            json.withUnsafeBytes { v in
                Result { () throws(KafkaError) in
                    try send(topic, key: UnsafeRawBufferPointer(k), value: v, token: token, size: v.count) { headers in
                        Self.addHeaders(&headers, source: source, sourceOffset: sourceOffset, instanceID: instanceID)
                        Self.addDedupe(&headers, output)
                        if topic == .routing { Self.addRouting(&headers, output) }
                    }
                }
            }
        }
        try result.get()
    }

    /// Enqueues a dead letter, cut to fit in one record.
    func publish(_ letter: DeadLetter, source: Source) throws(KafkaError) {
        let letter = letter.fitted(maxRecordBytes: maxRecordBytes)
        let value = letter.json()
        let key = letter.key ?? []
        var dedupe = letter.dedupeKey
        let result: Result<Void, KafkaError> = key.withUnsafeBytes { k in
            value.withUnsafeBytes { v in
                Result { () throws(KafkaError) in
                    try send(.deadLetter, key: letter.key == nil ? nil : k, value: v, token: Token(topic: .deadLetter, inputTimestamp: nil),
                             size: v.count) { headers in
                        Self.addHeaders(&headers, source: source, sourceOffset: letter.offset, instanceID: instanceID)
                        dedupe.withUTF8 { headers.add(Header.dedupe, UnsafeRawBufferPointer($0)) }
                    }
                }
            }
        }
        try result.get()
    }

    private static func addHeaders(_ headers: inout KafkaOutgoingHeaders, source: Source, sourceOffset: Int64, instanceID: [UInt8]) {
        source.label.withUnsafeBytes { headers.add(Header.source, $0) }
        headers.add(Header.sourceOffset, decimal: sourceOffset)
        instanceID.withUnsafeBytes { headers.add(Header.instance, $0) }
    }

    /// `leadscore-routing` on a routing decision or breach: what the rep feeds read instead of
    /// the JSON (see `RoutedRecord+Header`).
    private static func addRouting(_ headers: inout KafkaOutgoingHeaders, _ output: OutputEvent) {
        RoutedRecord(output)?.withHeaderBytes { bytes in
            if let bytes { headers.add(Header.routing, bytes) }
        }
    }

    /// `leadscore-dedupe`: the idempotency key, written without building it as a String.
    private static func addDedupe(_ headers: inout KafkaOutgoingHeaders, _ output: OutputEvent) {
        func leadAndSeq(_ leadID: String, _ seq: Int) {
            var id = leadID
            id.withUTF8 { idBytes in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: idBytes.count + 21) { out in
                    _ = out.initialize(fromContentsOf: idBytes)
                    var n = idBytes.count
                    out[n] = UInt8(ascii: ":")
                    n += 1
                    var digits = 0
                    var v = UInt64(max(0, seq))
                    repeat { digits += 1; v /= 10 } while v > 0
                    v = UInt64(max(0, seq))
                    for i in stride(from: n + digits - 1, through: n, by: -1) {
                        out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                        v /= 10
                    }
                    headers.add(Header.dedupe, UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(out)[0..<(n + digits)]))
                }
            }
        }
        switch output {
        case .leadRescored(let e): leadAndSeq(e.leadID, Int(e.seq))
        case .leadRouted(let e) where e.reroute == 0: leadAndSeq(e.leadID, Int(e.seq))
        default: headers.add(Header.dedupe, string: output.idempotencyKey)
        }
    }

    /// Enqueues one record. An error that concerns this record alone (too large, invalid) is
    /// logged and counted and the record dropped: it can never be written, and stopping would
    /// stop the partition for good. Any other error is the caller's (fail-stop, then recovery).
    private func send(_ topic: OutputTopic, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, token: Token, size: Int,
                      headers: (inout KafkaOutgoingHeaders) -> Void) throws(KafkaError) {
        guard let handle = handles[Int(topic.rawValue)] else {
            throw KafkaError(code: .invalidArgument, message: "no output topic \(topic.name(in: topics)) in this configuration")
        }
        do {
            try producer.produce(to: handle, key: key, value: value, token: token.raw, headers: headers)
        } catch where error.isRecordError {
            Self.dropped(topic.name(in: topics), bytes: size, error: error, metrics: metrics, logger: logger)
        }
    }

    private static func dropped(_ topic: String, bytes: Int, error: KafkaError, metrics: DaemonMetrics, logger: Logger) {
        metrics.outputErrors[topic].increment()
        logger.error("output record refused and dropped", metadata: [
            "kafka.topic": "\(topic)", "leadscore.bytes": "\(bytes)", "kafka.error": "\(error)",
        ])
    }

    /// The delivery handler (the producer's delivery thread, or a worker serving reports).
    private static func delivered(_ delivery: KafkaTokenDelivery, book: DeliveryBook, metrics: DaemonMetrics,
                                  logger: Logger, topics: DaemonConfiguration.Topics) {
        guard let token = Token(raw: delivery.token) else {
            // Only this publisher makes tokens; one it cannot read is a bug worth stopping for.
            logger.critical("delivery report with an unreadable token", metadata: ["leadscore.token": "\(delivery.token)"])
            book.state.withLock { if $0.failure == nil { $0.failure = KafkaError(code: .invalidArgument, message: "unreadable delivery token \(delivery.token)") } }
            return
        }
        if let error = delivery.error {
            if error.isRecordError {
                dropped(token.topic.name(in: topics), bytes: 0, error: error, metrics: metrics, logger: logger)
                return
            }
            logger.error("output delivery failed", metadata: ["kafka.topic": "\(token.topic.name(in: topics))", "kafka.error": "\(error)"])
            book.state.withLock { if $0.failure == nil { $0.failure = error } }
            return
        }
        if let stamp = token.inputTimestamp {
            let millis = WallClock.millis() - stamp
            if millis >= 0 { metrics.routingLatency.recordNanoseconds(millis * 1_000_000) }
        }
        guard let offset = delivery.offset, delivery.partition >= 0 else { return }
        book.state.withLock { s in
            let t = Int(token.topic.rawValue), p = Int(delivery.partition)
            if s.delivered[t].count <= p { s.delivered[t] += Array(repeating: 0, count: p + 1 - s.delivered[t].count) }
            if offset + 1 > s.delivered[t][p] { s.delivered[t][p] = offset + 1 }
        }
    }

    /// Serves the delivery reports that have arrived, on the calling thread (see
    /// `KafkaProducer.serveDeliveries()`): a partition worker calls it every
    /// `deliveryServeInterval` records it processes, so the memory of its outputs is freed where
    /// the next outputs are allocated.
    func serveDeliveries() {
        producer.serveDeliveries()
    }

    /// Records a worker processes between two `serveDeliveries()` calls.
    static let deliveryServeInterval = 16

    /// Waits until everything enqueued so far is delivered; throws the first delivery failure.
    func flush(timeout: Duration) throws(KafkaError) {
        try producer.flush(timeout: timeout)
        if let error = deliveryFailure { throw error }
    }

    /// The first delivery failure, if any.
    var deliveryFailure: KafkaError? { book.state.withLock { $0.failure } }

    /// Next offset after the highest delivered output, per output partition this process wrote to.
    var deliveredPositions: [KafkaTopicPartition: Int64] {
        book.state.withLock { s in
            var out: [KafkaTopicPartition: Int64] = [:]
            for topic in OutputTopic.allCases {
                for (p, next) in s.delivered[Int(topic.rawValue)].enumerated() where next > 0 {
                    out[KafkaTopicPartition(topic: topic.name(in: topics), partition: Int32(p))] = next
                }
            }
            return out
        }
    }

    /// Every output topic (including the dead-letter topic), for recovery scans.
    var outputTopics: [String] { OutputTopic.written(in: topics).map { $0.name(in: topics) } }
}
