import LeadScoreKafka
import Logging

/// Where partitions end (their high watermarks), as the broker's fetch responses report them.
///
/// Read at each assignment, before any snapshot is trusted: a snapshot whose input offset or
/// output positions lie past these ends was made against another broker or an earlier
/// incarnation of the topics (a recreated topic, an in-memory broker restarted), and the ends
/// are also where a restored partition's replay counts as caught up (readiness). ListOffsets is
/// not used because some brokers answer it wrongly (Tansu: the last batch's base + 1); a fetch
/// from the end is one small read per partition.
enum TopicEnds {
    /// The end of every partition of `topics`, or a timeout error after `timeout`.
    static func read(configuration: KafkaConfiguration, topics: [String], timeout: Duration,
                     logger: Logger) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try bounds(configuration: configuration, topics: topics, firstRetainedOf: [], timeout: timeout, logger: logger).mapValues(\.high)
    }

    /// The end (`high`, from the fetch responses) of every partition of `topics`, and for those of
    /// `firstRetainedOf` the first retained offset (`low`: what retention left, asked with one
    /// ListOffsets per partition; 0 where the broker does not answer, and for the other topics).
    static func bounds(configuration: KafkaConfiguration, topics: [String], firstRetainedOf: Set<String>, timeout: Duration,
                       logger: Logger) throws(KafkaError) -> [KafkaTopicPartition: KafkaWatermarks] {
        let reader = try KafkaPartitionReader(configuration: configuration, topics: topics, defaultStart: .end, logger: logger)
        defer {
            do throws(KafkaError) { try reader.close() } catch {
                logger.debug("end reader close failed", metadata: ["kafka.error": "\(error)"])
            }
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !reader.isAtEnd {
            guard ContinuousClock.now < deadline else {
                let missing = Set(reader.partitions).subtracting(reader.partitionsAtEnd).sorted().prefix(5)
                throw KafkaError(code: .timeout, message: "the ends of \(topics.joined(separator: ",")) were not known within \(timeout) "
                    + "(still waiting for \(missing.map(\.description).joined(separator: ", ")))")
            }
            _ = try reader.pollRecords(maxMessages: 10_000, timeout: .milliseconds(100))
        }
        var bounds: [KafkaTopicPartition: KafkaWatermarks] = [:]
        for tp in reader.partitions {
            guard var w = reader.cachedWatermarks(topic: tp.topic, partition: tp.partition) else { continue }
            w.low = 0
            if firstRetainedOf.contains(tp.topic) {
                do throws(KafkaError) {
                    w.low = min(w.high, max(0, try reader.queryWatermarks(topic: tp.topic, partition: tp.partition).low))
                } catch {
                    logger.debug("first retained offset not known", metadata: [
                        "kafka.topic": "\(tp.topic)", "kafka.partition": "\(tp.partition)", "kafka.error": "\(error)",
                    ])
                }
            }
            bounds[tp] = w
        }
        return bounds
    }
}
