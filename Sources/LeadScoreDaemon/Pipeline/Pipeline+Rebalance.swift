import LeadScoreCore
import LeadScoreKafka
import Logging

/// Partition hand-over: restore on assignment, snapshot on revocation, drop on loss. librdkafka
/// calls these on the pipeline thread inside `poll`, before it (un)assigns, so state is always
/// saved before another instance can take a partition and restored before its first message.
extension Pipeline: KafkaRebalanceHandler {
    func assigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaStartOffset] {
        let ids = partitions.filter { $0.topic == configuration.kafka.topics.leadEvents }.map(\.partition).sorted()
        guard !ids.isEmpty else { return [:] }
        logger.info("partitions assigned", metadata: ["kafka.partitions": "\(ids)"])
        let scoring = shared.withLock { s in
            s.joined = true
            return s.scoring
        }
        var restored: [Int32: (book: LeadBook, snapshot: Snapshot?)] = [:]
        for id in ids {
            restored[id] = restoreNewest(partition: id, scoring: scoring)
        }

        // Outputs written after each snapshot: scan from the lowest recorded position of each
        // output partition (the beginning where a partition has no snapshot).
        var scanStarts: [KafkaTopicPartition: Int64] = [:]
        var anyFresh = false
        for id in ids {
            guard let snapshot = restored[id]?.snapshot else { anyFresh = true; continue }
            for position in snapshot.outputPositions {
                let tp = KafkaTopicPartition(topic: position.topic, partition: position.partition)
                scanStarts[tp] = min(scanStarts[tp] ?? position.offset, position.offset)
            }
        }
        if anyFresh {
            // A partition without a snapshot replays its input from the beginning, so everything
            // it ever wrote may be in the output topics.
            for key in scanStarts.keys { scanStarts[key] = 0 }
        }
        let sources = Set(ids.map { "\(configuration.kafka.topics.leadEvents)/\($0)" })
        var found: [String: RecoveryScan.Found] = [:]
        do {
            found = try RecoveryScan.run(configuration: kafka, outputTopics: publisher.outputTopics, startOffsets: scanStarts,
                                         routingTopic: configuration.kafka.topics.routing, sources: sources, timeout: .seconds(300), logger: logger)
        } catch {
            // Without the scan a replay could write duplicates; stop and let a restart try again.
            logger.critical("recovery scan failed; stopping", metadata: ["kafka.error": "\(error)"])
            shared.withLock { $0.fatal = "recovery scan failed: \(error)" }
            requestStop()
        }

        var starts: [KafkaTopicPartition: KafkaStartOffset] = [:]
        let now = ContinuousClock.now
        shared.withLock { s in
            for id in ids {
                let (book, snapshot) = restored[id]!
                let f = found["\(configuration.kafka.topics.leadEvents)/\(id)"] ?? RecoveryScan.Found()
                let next = snapshot?.nextOffset ?? 0
                s.partitions[id] = PartitionState(book: book, nextOffset: next, restoredPositions: snapshot?.outputPositions ?? [],
                                                  written: f.written, catchUpUntil: f.lastSourceOffset, now: now)
                s.partitions[id]!.snapshotted = snapshot.map { ($0.nextOffset, book.streamTime) }
                s.partitions[id]!.writtenOwners = f.writtenOwners
                starts[KafkaTopicPartition(topic: configuration.kafka.topics.leadEvents, partition: id)] =
                    snapshot.map { .offset($0.nextOffset) } ?? .beginning
                logger.info("partition restored", metadata: [
                    "kafka.partition": "\(id)", "kafka.offset": "\(next)", "leadscore.leads": "\(book.leadCount)",
                    "leadscore.from_snapshot": "\(snapshot != nil)", "leadscore.already_written": "\(f.written.count)",
                ])
            }
        }
        return starts
    }

    func revoked(_ partitions: [KafkaTopicPartition]) {
        let ids = Set(partitions.filter { $0.topic == configuration.kafka.topics.leadEvents }.map(\.partition))
        guard !ids.isEmpty else { return }
        logger.info("partitions revoked", metadata: ["kafka.partitions": "\(ids.sorted())"])
        if let consumer = consumerSlot.withLock({ $0 }) {
            do {
                try snapshotAll(consumer: consumer, reason: "revoke", only: ids)
            } catch {
                logger.error("snapshot on revoke failed; the next owner replays from an older one", metadata: ["leadscore.error": "\(error)"])
            }
        }
        shared.withLock { s in for id in ids { s.partitions[id] = nil } }
    }

    func lost(_ partitions: [KafkaTopicPartition]) {
        let ids = partitions.filter { $0.topic == configuration.kafka.topics.leadEvents }.map(\.partition)
        logger.warning("partitions lost; dropping their state", metadata: ["kafka.partitions": "\(ids)"])
        shared.withLock { s in for id in ids { s.partitions[id] = nil } }
    }

    /// The newest snapshot of a partition whose state also deserializes, or an empty book.
    private func restoreNewest(partition id: Int32, scoring: ScoringConfig) -> (LeadBook, Snapshot?) {
        let loaded = store.loadNewest(topic: configuration.kafka.topics.leadEvents, partition: id) { snapshot in
            try LeadBook(deserializing: snapshot.state, config: scoring)
        }
        guard let loaded else { return (LeadBook(config: scoring), nil) }
        return (loaded.value, loaded.snapshot)
    }
}
