import LeadScoreCore
import LeadScoreKafka
import Logging

/// Partition hand-over, on the poll thread (librdkafka calls these inside `poll`, before it
/// (un)assigns): an assigned partition is restored here (snapshot, recovery scan) and handed to
/// its worker before its first record; a revoked one is snapshotted by its worker before it is
/// let go, so another instance never starts from older state than necessary.
extension Pipeline: KafkaRebalanceHandler {
    func assigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaStartOffset] {
        if let consumer = consumer.withLock({ $0 }) {
            let membership = consumer.groupMetadata()
            control.groupMetadata.withLock { $0 = membership }
        }
        let ids = partitions.filter { $0.topic == leadTopic }.map(\.partition).sorted()
        guard !ids.isEmpty else {
            joined.store(true, ordering: .releasing)
            return [:]
        }
        logger.info("partitions assigned", metadata: ["kafka.partitions": "\(ids)"])
        assignment.withLock { $0.formUnion(ids) }
        let scoring = currentScoring

        // Where every input and output partition ends now: snapshots that point past these ends
        // belong to another broker or an earlier incarnation of the topics, and a restored
        // partition counts as caught up once its replay reaches its input's end.
        let ends: [KafkaTopicPartition: Int64]
        do {
            ends = try TopicEnds.read(configuration: kafka, topics: [leadTopic] + publisher.outputTopics, timeout: .seconds(30), logger: logger)
        } catch {
            let failure = DaemonError(.kafka, "cannot read where the input and output partitions end", underlying: error)
            logger.critical("restore failed; stopping", metadata: ["leadscore.error": "\(failure)"])
            control.fail(failure)
            return [:]
        }

        var restored: [Int32: (book: LeadBook, snapshot: Snapshot?)] = [:]
        for id in ids {
            restored[id] = restoreNewest(partition: id, scoring: scoring, ends: ends)
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
            let failure = DaemonError(.recoveryScan, "the recovery scan of the output topics failed", underlying: error)
            logger.critical("recovery scan failed; stopping", metadata: ["leadscore.error": "\(failure)"])
            control.fail(failure)
        }

        var starts: [KafkaTopicPartition: KafkaStartOffset] = [:]
        var handOver: [Int: [RestoredPartition]] = [:]
        for id in ids {
            guard let (book, snapshot) = restored[id] else { continue }
            let f = found[id] ?? RecoveryScan.Found()
            let input = KafkaTopicPartition(topic: leadTopic, partition: id)
            let target = ends[input] ?? snapshot?.nextOffset ?? 0
            handOver[workerIndex(for: id), default: []].append(
                RestoredPartition(partition: id, book: book, snapshot: snapshot, found: f, restoreTarget: target))
            starts[input] = snapshot.map { .offset($0.nextOffset) } ?? .beginning
            logger.info("partition restored", metadata: [
                "kafka.partition": "\(id)", "kafka.offset": "\(snapshot?.nextOffset ?? 0)", "kafka.end": "\(target)",
                "leadscore.leads": "\(book.leadCount)", "leadscore.from_snapshot": "\(snapshot != nil)",
                "leadscore.already_written": "\(f.written.count)",
            ])
        }
        for (w, list) in handOver { workers[w].inbox.enqueue(.assign(list)) }
        joined.store(true, ordering: .releasing)
        return starts
    }

    func revoked(_ partitions: [KafkaTopicPartition]) {
        let ids = Set(partitions.filter { $0.topic == leadTopic }.map(\.partition))
        assignment.withLock { $0.subtract(ids) }
        guard !ids.isEmpty, !workersStopped.load(ordering: .acquiring) else { return }
        logger.info("partitions revoked", metadata: ["kafka.partitions": "\(ids.sorted())"])
        var byWorker: [Int: Set<Int32>] = [:]
        for id in ids { byWorker[workerIndex(for: id), default: []].insert(id) }
        // The rebalance waits for us: bound the hand-over snapshot like a stop.
        let deadline = ContinuousClock.now + configuration.pipeline.stopDeadline
        let signals = byWorker.map { w, set -> WorkDone in
            let done = WorkDone()
            if !workers[w].inbox.enqueue(.revoke(set, done, deadline: deadline)) {
                done.signal(failure: DaemonError(.worker, "the worker had already stopped"))
            }
            return done
        }
        for done in signals {
            let finished = done.wait(until: deadline)
            if !finished || done.failure != nil {
                let failure = done.failure ?? DaemonError(.timeout, "the snapshot on revoke did not finish within \(configuration.pipeline.stopDeadline)")
                logger.error("snapshot on revoke failed; the next owner replays from an older one",
                             metadata: ["leadscore.error": "\(failure)"])
            }
        }
    }

    func lost(_ partitions: [KafkaTopicPartition]) {
        let ids = partitions.filter { $0.topic == leadTopic }.map(\.partition)
        assignment.withLock { $0.subtract(ids) }
        logger.warning("partitions lost; dropping their state", metadata: ["kafka.partitions": "\(ids)"])
        var byWorker: [Int: Set<Int32>] = [:]
        for id in ids { byWorker[workerIndex(for: id), default: []].insert(id) }
        for (w, set) in byWorker { workers[w].inbox.enqueue(.drop(set)) }
    }

    /// The newest snapshot of a partition whose state also deserializes, or an empty book. A
    /// newest snapshot that points past the partitions' ends is from another broker or an earlier
    /// incarnation of the topics: it and its older siblings are set aside (never used) and the
    /// partition starts from the beginning.
    private func restoreNewest(partition id: Int32, scoring: ScoringConfig,
                               ends: [KafkaTopicPartition: Int64]) -> (LeadBook, Snapshot?) {
        if let newest = store.loadNewest(topic: leadTopic, partition: id, { $0 }),
           let reason = Self.staleness(of: newest.snapshot, ends: ends) {
            let retired = store.retire(topic: leadTopic, partition: id)
            logger.warning("snapshot not used: \(reason); it was made against another broker or an earlier incarnation of the topic, so partition \(id) starts from the beginning", metadata: [
                    "kafka.partition": "\(id)", "snapshot.offset": "\(newest.snapshot.nextOffset)",
                    "snapshot.set_aside": "\(retired)",
                ])
            return (LeadBook(config: scoring), nil)
        }
        let loaded = store.loadNewest(topic: leadTopic, partition: id) { snapshot in
            try LeadBook(deserializing: snapshot.state, config: scoring)
        }
        guard let loaded else { return (LeadBook(config: scoring), nil) }
        return (loaded.value, loaded.snapshot)
    }

    /// Why a snapshot cannot belong to the topics as they are now (nil when it can): an offset
    /// it records lies past the end of its partition, or names a partition that does not exist.
    static func staleness(of snapshot: Snapshot, ends: [KafkaTopicPartition: Int64]) -> String? {
        let input = KafkaTopicPartition(topic: snapshot.topic, partition: snapshot.partition)
        if let end = ends[input], snapshot.nextOffset > end {
            return "it resumes \(input) at offset \(snapshot.nextOffset), but the partition ends at \(end)"
        }
        for position in snapshot.outputPositions {
            let tp = KafkaTopicPartition(topic: position.topic, partition: position.partition)
            guard let end = ends[tp] else { return "it records output partition \(tp), which does not exist" }
            if position.offset > end { return "it records output \(tp) at offset \(position.offset), but the partition ends at \(end)" }
        }
        return nil
    }
}
