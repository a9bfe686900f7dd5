import LeadScoreKafka
import Logging

/// Reads the output topics back from the positions recorded in snapshots and collects, per input
/// partition being restored, which outputs are already there.
///
/// This is how the daemon keeps "exactly once" without Kafka transactions: a restored partition
/// replays its input from the snapshot's offset, producing the same outputs again
/// (deterministically), and every output whose dedupe key this scan found is suppressed.
struct RecoveryScan {
    /// What the scan found for one input partition.
    struct Found: Sendable {
        /// Outputs already written.
        var written: Set<OutputKey> = []
        /// For routing decisions already written: dedupe key -> the rep they named (nil: none).
        var writtenOwners: [String: String?] = [:]
    }

    /// Scans `startOffsets` (output partition -> first offset to read) to the end of each
    /// partition and returns what belongs to `partitions` of `leadTopic`, by input partition.
    static func run(
        configuration: KafkaConfiguration, topics: DaemonConfiguration.Topics, startOffsets: [KafkaTopicPartition: Int64],
        leadTopic: String, partitions: Set<Int32>, timeout: Duration, logger: Logger
    ) throws(KafkaError) -> [Int32: Found] {
        var found: [Int32: Found] = [:]
        for id in partitions { found[id] = Found() }
        let outputTopics = OutputTopic.written(in: topics).map { $0.name(in: topics) }
        let starts = startOffsets.mapValues { KafkaStartOffset.offset($0) }
        let reader = try KafkaPartitionReader(
            configuration: configuration, topics: outputTopics, defaultStart: .beginning, startOffsets: starts, logger: logger)
        defer {
            do throws(KafkaError) { try reader.close() } catch {
                logger.debug("recovery reader close failed", metadata: ["kafka.error": "\(error)"])
            }
        }
        let sourcePrefix = leadTopic + "/"
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var scanned = 0
        while !reader.isAtEnd {
            guard ContinuousClock.now < deadline else {
                throw KafkaError(code: .timeout, message: "recovery scan of \(outputTopics.joined(separator: ",")) "
                    + "did not reach the end within \(timeout) (\(scanned) records read)")
            }
            for message in try reader.poll(maxMessages: 10_000, timeout: .milliseconds(200)) {
                scanned += 1
                var source: String?
                var dedupe: String?
                for header in message.headers {
                    guard let value = header.value else { continue }
                    switch header.name {
                    case OutputPublisher.Header.source.description: source = String(decoding: value, as: UTF8.self)
                    case OutputPublisher.Header.dedupe.description: dedupe = String(decoding: value, as: UTF8.self)
                    default: break
                    }
                }
                guard let source, source.hasPrefix(sourcePrefix), let id = Int32(source.dropFirst(sourcePrefix.count)),
                      let dedupe, found[id] != nil, let topic = OutputTopic(name: message.topic, in: topics) else { continue }
                found[id]?.written.insert(OutputKey(topic: topic, dedupe: dedupe))
                if topic == .routing, let value = message.value {
                    found[id]?.writtenOwners[dedupe] = RoutedRecord.repID(of: value)
                }
            }
        }
        logger.info("recovery scan done", metadata: [
            "leadscore.scanned": "\(scanned)",
            "leadscore.already_written": "\(found.values.reduce(0) { $0 + $1.written.count })",
        ])
        return found
    }
}
