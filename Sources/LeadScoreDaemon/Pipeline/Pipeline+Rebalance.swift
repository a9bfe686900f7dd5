import LeadScoreCore
import LeadScoreKafka
import Logging

/// Partition hand-over, on the poll thread (librdkafka calls these inside `poll`, before it
/// (un)assigns): an assigned partition is restored here (snapshot, recovery scan) and handed to
/// its worker before its first record; a revoked one is snapshotted by its worker before it is
/// let go, so another instance never starts from older state than necessary.
extension Pipeline: KafkaRebalanceHandler {
    func assigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaStartOffset] {
        let ids = partitions.filter { $0.topic == leadTopic }.map(\.partition).sorted()
        guard !ids.isEmpty else { return [:] }
        logger.info("partitions assigned", metadata: ["kafka.partitions": "\(ids)"])
        joined.store(true, ordering: .releasing)
        let scoring = currentScoring
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
        var found: [Int32: RecoveryScan.Found] = [:]
        do {
            found = try RecoveryScan.run(configuration: kafka, topics: configuration.kafka.topics, startOffsets: scanStarts,
                                         leadTopic: leadTopic, partitions: Set(ids), timeout: .seconds(300), logger: logger)
        } catch {
            // Without the scan a replay could write duplicates; stop and let a restart try again.
            logger.critical("recovery scan failed; stopping", metadata: ["kafka.error": "\(error)"])
            control.fail("recovery scan failed: \(error)")
        }

        var starts: [KafkaTopicPartition: KafkaStartOffset] = [:]
        var handOver: [Int: [RestoredPartition]] = [:]
        for id in ids {
            guard let (book, snapshot) = restored[id] else { continue }
            let f = found[id] ?? RecoveryScan.Found()
            handOver[workerIndex(for: id), default: []].append(
                RestoredPartition(partition: id, book: book, snapshot: snapshot, found: f))
            starts[KafkaTopicPartition(topic: leadTopic, partition: id)] = snapshot.map { .offset($0.nextOffset) } ?? .beginning
            logger.info("partition restored", metadata: [
                "kafka.partition": "\(id)", "kafka.offset": "\(snapshot?.nextOffset ?? 0)", "leadscore.leads": "\(book.leadCount)",
                "leadscore.from_snapshot": "\(snapshot != nil)", "leadscore.already_written": "\(f.written.count)",
            ])
        }
        for (w, list) in handOver { workers[w].inbox.enqueue(.assign(list)) }
        return starts
    }

    func revoked(_ partitions: [KafkaTopicPartition]) {
        let ids = Set(partitions.filter { $0.topic == leadTopic }.map(\.partition))
        guard !ids.isEmpty, !workersStopped.load(ordering: .acquiring) else { return }
        logger.info("partitions revoked", metadata: ["kafka.partitions": "\(ids.sorted())"])
        var byWorker: [Int: Set<Int32>] = [:]
        for id in ids { byWorker[workerIndex(for: id), default: []].insert(id) }
        let signals = byWorker.map { w, set -> WorkDone in
            let done = WorkDone()
            if !workers[w].inbox.enqueue(.revoke(set, done)) { done.signal(failure: "worker stopped") }
            return done
        }
        for done in signals {
            if !done.wait(timeout: .seconds(180)) || done.failureReason != nil {
                logger.error("snapshot on revoke failed; the next owner replays from an older one",
                             metadata: ["leadscore.error": "\(done.failureReason ?? "timed out")"])
            }
        }
    }

    func lost(_ partitions: [KafkaTopicPartition]) {
        let ids = partitions.filter { $0.topic == leadTopic }.map(\.partition)
        logger.warning("partitions lost; dropping their state", metadata: ["kafka.partitions": "\(ids)"])
        var byWorker: [Int: Set<Int32>] = [:]
        for id in ids { byWorker[workerIndex(for: id), default: []].insert(id) }
        for (w, set) in byWorker { workers[w].inbox.enqueue(.drop(set)) }
    }

    /// The newest snapshot of a partition whose state also deserializes, or an empty book.
    private func restoreNewest(partition id: Int32, scoring: ScoringConfig) -> (LeadBook, Snapshot?) {
        let loaded = store.loadNewest(topic: leadTopic, partition: id) { snapshot in
            try LeadBook(deserializing: snapshot.state, config: scoring)
        }
        guard let loaded else { return (LeadBook(config: scoring), nil) }
        return (loaded.value, loaded.snapshot)
    }
}
