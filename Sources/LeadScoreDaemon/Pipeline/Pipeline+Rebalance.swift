import LeadScoreCore
import LeadScoreKafka
import Logging

/// Partition hand-over. The rebalance callbacks run on the poll thread (librdkafka calls them
/// inside `poll`, before it (un)assigns) and never wait for a restore: an assigned partition is
/// held paused while `PartitionRestorer` restores it on its own thread (snapshot, the partitions'
/// ends, recovery scan); the poll thread then seeks it, resumes it and hands it to its worker
/// (`applyRestores`). A revoked partition is snapshotted by its worker before it is let go, so
/// another instance never starts from older state than necessary.
extension Pipeline: KafkaRebalanceHandler {
    func assigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaStartOffset] {
        if let consumer = consumer.withLock({ $0 }) {
            let membership = consumer.groupMetadata()
            control.groupMetadata.withLock { $0 = membership }
        }
        let ids = partitions.filter { $0.topic == leadTopic }.map(\.partition).sorted()
        defer { joined.store(true, ordering: .releasing) }
        guard !ids.isEmpty else { return [:] }
        logger.info("partitions assigned; restoring", metadata: ["kafka.partitions": "\(ids)"])
        repFeed.setWritesCheckpoints(assignment.withLock { $0.formUnion(ids); return $0.contains(0) })
        let generations = control.assign(ids)
        restorer.withLock { $0 }?.submit(PartitionRestorer.Request(generations: generations))
        // A placeholder start: the partition stays paused until its restore says where to seek.
        return Dictionary(uniqueKeysWithValues: ids.map { (KafkaTopicPartition(topic: leadTopic, partition: $0), KafkaStartOffset.beginning) })
    }

    func pausedAfterAssignment(_ partitions: [KafkaTopicPartition]) -> Set<KafkaTopicPartition> {
        Set(partitions.filter { $0.topic == leadTopic })
    }

    /// Takes finished restores (poll thread): a current one is handed to its workers, then its
    /// partitions are sought to their restored offsets and resumed; a failed one stays paused, is
    /// reported, and is tried again in 5 s.
    func applyRestores(_ restorer: PartitionRestorer, _ consumer: KafkaConsumer) {
        for outcome in restorer.takeResults() {
            switch outcome.result {
            case .success(let list):
                metrics.restoreDuration.record(outcome.took)
                var handOver: [Int: [RestoredPartition]] = [:]
                var seeks: [KafkaTopicPartition: KafkaStartOffset] = [:]
                for r in list {
                    let id = r.partition.partition
                    guard let generation = outcome.generations[id], control.isCurrent(id, generation) else { continue }
                    handOver[workerIndex(for: id), default: []].append(r.partition)
                    seeks[KafkaTopicPartition(topic: leadTopic, partition: id)] = r.start
                }
                guard !seeks.isEmpty else { continue }
                control.restoreFailures.withLock { f in for tp in seeks.keys { f[tp.partition] = nil } }
                for (w, partitions) in handOver { workers[w].inbox.enqueue(.assign(partitions)) }
                do throws(KafkaError) {
                    try consumer.seek(seeks)
                } catch {
                    // Still correct, only slower: the worker skips what its restored state holds.
                    logger.warning("seek after restore failed; reading the partitions from the beginning",
                                   metadata: ["kafka.error": "\(error)"])
                }
                do throws(KafkaError) { try consumer.resume(Array(seeks.keys)) } catch {
                    let failure = DaemonError(.kafka, "cannot resume restored partitions", underlying: error)
                    logger.critical("resume failed; stopping", metadata: ["leadscore.error": "\(failure)"])
                    control.fail(failure)
                }
                logger.info("partitions live", metadata: [
                    "kafka.partitions": "\(seeks.keys.map(\.partition).sorted())",
                    "leadscore.restore_seconds": "\(Double(outcome.took.wholeMilliseconds) / 1000)",
                ])
            case .failure(let error):
                metrics.restoreFailures[error.code.name].increment()
                let ids = outcome.generations.keys.sorted()
                control.restoreFailures.withLock { f in for id in ids { f[id] = error } }
                logger.error("restore failed; the partitions stay paused and are tried again in 5 s", metadata: [
                    "kafka.partitions": "\(ids)", "leadscore.error": "\(error)",
                ])
                restorer.submit(PartitionRestorer.Request(generations: outcome.generations, notBefore: .now + .seconds(5)))
            }
        }
    }

    /// Restores partitions (restore thread): for each, the newest usable snapshot (or none), and
    /// the outputs already written after it; with where its input resumes.
    func restore(_ ids: [Int32]) throws(DaemonError) -> [PartitionRestorer.Restored] {
        let models = currentModels
        // Where every input and output partition ends now: snapshots that point past these ends
        // belong to another broker or an earlier incarnation of the topics, and a restored
        // partition counts as caught up once its replay reaches its input's end.
        let ends: [KafkaTopicPartition: Int64]
        let bounds: [KafkaTopicPartition: KafkaWatermarks]
        do {
            bounds = try TopicEnds.bounds(configuration: kafka, topics: [leadTopic] + publisher.outputTopics, firstRetainedOf: [leadTopic],
                                          timeout: .seconds(30), logger: logger)
            ends = bounds.mapValues(\.high)
        } catch {
            throw DaemonError(.kafka, "cannot read where the input and output partitions end", underlying: error)
        }

        var restored: [Int32: (state: PartitionState, snapshot: Snapshot?, source: RestoreSource, bytes: Int, chain: StateCommit?)] = [:]
        // The state topic's ends, read apart: without them (a topic not created, an unreachable
        // partition) the partitions restore from the local copy or the input, as before it existed.
        var stateEnds: [KafkaTopicPartition: Int64] = [:]
        do throws(KafkaError) {
            stateEnds = try TopicEnds.read(configuration: kafka, topics: [configuration.kafka.topics.state], timeout: .seconds(30), logger: logger)
        } catch {
            logger.warning("state topic not readable; restoring from the local snapshot or the input", metadata: [
                "kafka.topic": "\(configuration.kafka.topics.state)", "leadscore.error": "\(error)",
            ])
        }
        var took: [Int32: Duration] = [:]
        for id in ids {
            let started = ContinuousClock.now
            restored[id] = restoreNewest(partition: id, models: models, ends: ends, stateEnds: stateEnds)
            took[id] = ContinuousClock.now - started
        }

        // Outputs written after each snapshot: each restored partition's scan positions name
        // every output partition (the beginning where its snapshot records none), and the scan
        // starts at the lowest.
        let outputTopics = Set(publisher.outputTopics)
        let outputPartitions = ends.keys.filter { outputTopics.contains($0.topic) }
        var positions: [Int32: [Snapshot.OutputPosition]] = [:]
        for id in ids {
            positions[id] = Self.scanPositions(after: restored[id]?.snapshot, outputPartitions: outputPartitions)
        }
        let scanStarts = Self.scanStarts(positions.values)
        let found: [Int32: RecoveryScan.Found]
        do {
            found = try RecoveryScan.run(configuration: kafka, topics: configuration.kafka.topics, startOffsets: scanStarts,
                                         leadTopic: leadTopic, partitions: Set(ids), timeout: .seconds(300), logger: logger)
        } catch {
            // Without the scan a replay could write duplicates: the partitions wait for a retry.
            throw DaemonError(.recoveryScan, "the recovery scan of the output topics failed", underlying: error)
        }

        var out: [PartitionRestorer.Restored] = []
        for id in ids {
            guard let (state, snapshot, source, bytes, chain) = restored[id] else { continue }
            metrics.restoresBySource[source.rawValue].increment()
            metrics.restoreBytes[source.rawValue].increment(by: Int64(bytes))
            let f = found[id] ?? RecoveryScan.Found()
            let input = KafkaTopicPartition(topic: leadTopic, partition: id)
            let target = ends[input] ?? snapshot?.nextOffset ?? 0
            let replay = max(0, target - (snapshot?.nextOffset ?? 0))
            metrics.restoreReplayRecords[source.rawValue].increment(by: replay)
            if let gap = Self.inputGap(resumesAt: snapshot?.nextOffset ?? 0, logStart: bounds[input]?.low ?? 0) {
                reportInputGap(partition: id, gap: gap, source: source)
            }
            out.append(PartitionRestorer.Restored(
                partition: RestoredPartition(partition: id, book: state.live, challenger: state.challenger, snapshot: snapshot, found: f,
                                             restoreTarget: target,
                                             scanPositions: positions[id] ?? [], stateChain: chain, source: source.rawValue),
                start: snapshot.map { .offset($0.nextOffset) } ?? .beginning))
            logger.info("partition restored", metadata: [
                "kafka.partition": "\(id)", "kafka.offset": "\(snapshot?.nextOffset ?? 0)", "kafka.end": "\(target)",
                "leadscore.leads": "\(state.live.leadCount)", "leadscore.restore_source": "\(source.rawValue)",
                "leadscore.restore_bytes": "\(bytes)",
                "leadscore.load_seconds": "\(Double((took[id] ?? .zero).wholeMilliseconds) / 1000)",
                "leadscore.already_written": "\(f.written.count)", "leadscore.replay_records": "\(replay)",
            ])
        }
        return out
    }

    /// The input records a restored partition can never see: those below the input's first
    /// retained offset that its state does not cover yet (nil when none are missing).
    static func inputGap(resumesAt offset: Int64, logStart: Int64) -> Range<Int64>? {
        logStart > offset ? offset..<logStart : nil
    }

    /// Says that the input's retention deleted records this partition's state never saw: its
    /// consumer resumes at the first retained one, and the state differs from an uninterrupted
    /// run's. From a checkpoint that is an error (checkpoints fell behind the retention); a
    /// rebuild with no checkpoint anywhere (a first start on a topic with history) is a warning.
    private func reportInputGap(partition id: Int32, gap: Range<Int64>, source: RestoreSource) {
        metrics.inputGapRecords[source.rawValue].increment(by: Int64(gap.count))
        let metadata: Logger.Metadata = [
            "kafka.partition": "\(id)", "kafka.offset": "\(gap.lowerBound)", "kafka.log_start": "\(gap.upperBound)",
            "leadscore.missing_records": "\(gap.count)", "leadscore.restore_source": "\(source.rawValue)",
        ]
        if source == .rebuild {
            logger.warning("no checkpoint anywhere and the input's oldest records are gone: rebuilding from the first retained one",
                           metadata: metadata)
        } else {
            logger.error("input records deleted by retention before this partition's checkpoint covered them are skipped; its state differs from an uninterrupted run's (checkpoints must be written more often than the retention deletes)",
                         metadata: metadata)
        }
    }

    func revoked(_ partitions: [KafkaTopicPartition]) {
        let ids = Set(partitions.filter { $0.topic == leadTopic }.map(\.partition))
        repFeed.setWritesCheckpoints(assignment.withLock { $0.subtract(ids); return $0.contains(0) })
        control.unassign(ids)
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
        repFeed.setWritesCheckpoints(assignment.withLock { $0.subtract(ids); return $0.contains(0) })
        control.unassign(ids)
        logger.warning("partitions lost; dropping their state", metadata: ["kafka.partitions": "\(ids)"])
        var byWorker: [Int: Set<Int32>] = [:]
        for id in ids { byWorker[workerIndex(for: id), default: []].insert(id) }
        for (w, set) in byWorker { workers[w].inbox.enqueue(.drop(set)) }
    }

    /// Where a partition's state came from.
    enum RestoreSource: String, Sendable {
        /// The local snapshot directory.
        case cache
        /// The state topic.
        case kafka
        /// No checkpoint anywhere: an empty book, the input from its beginning.
        case rebuild
    }

    /// A partition's newest usable state: the local snapshot or the state topic's newest complete
    /// checkpoint, whichever resumes the input later (the local copy when they tie: no chain to
    /// read over the network), or an empty book. A checkpoint that points past the partitions'
    /// ends is from another broker or an earlier incarnation of the topics and is not used (local
    /// files are set aside). `chain`: the state topic's newest commit, used or not, whose chain
    /// this instance's first base supersedes.
    private func restoreNewest(partition id: Int32, models: ScoringModels, ends: [KafkaTopicPartition: Int64],
                               stateEnds: [KafkaTopicPartition: Int64])
        -> (state: PartitionState, snapshot: Snapshot?, source: RestoreSource, bytes: Int, chain: StateCommit?) {
        var local: (state: PartitionState, snapshot: Snapshot)?
        // One read of the newest usable file: a stale one is set aside without being deserialized.
        if let store, let newest = store.loadNewest(topic: leadTopic, partition: id, { snapshot -> (state: PartitionState?, stale: String?) in
            if let reason = Self.staleness(of: snapshot, ends: ends) { return (nil, reason) }
            return (try PartitionState(deserializing: snapshot.state, models: models), nil)
        }) {
            if let reason = newest.value.stale {
                let retired = store.retire(topic: leadTopic, partition: id)
                logger.warning("snapshot not used: \(reason); it was made against another broker or an earlier incarnation of the topic", metadata: [
                        "kafka.partition": "\(id)", "snapshot.offset": "\(newest.snapshot.nextOffset)",
                        "snapshot.set_aside": "\(retired)",
                    ])
            } else if let state = newest.value.state {
                local = (state, newest.snapshot)
            }
        }
        var chain: StateCommit?
        if let end = stateEnds[KafkaTopicPartition(topic: configuration.kafka.topics.state, partition: id)] {
            let remote = restoreFromStateTopic(partition: id, models: models, ends: ends, stateEnd: end, after: local?.snapshot.nextOffset ?? -1)
            chain = remote.newest
            if let state = remote.state { return (state.state, state.snapshot, .kafka, state.bytes, chain) }
        }
        if let local { return (local.state, local.snapshot, .cache, local.snapshot.state.count, chain) }
        return (PartitionState(models), nil, .rebuild, 0, chain)
    }

    /// The state topic's newest complete checkpoint of a partition, when it resumes the input
    /// past `after` and fits the topics as they are now; nil otherwise (logged when unusable).
    /// `newest` is the newest commit found, whether its state was read or not.
    private func restoreFromStateTopic(partition id: Int32, models: ScoringModels, ends: [KafkaTopicPartition: Int64], stateEnd end: Int64,
                                       after: Int64) -> (state: (state: PartitionState, snapshot: Snapshot, bytes: Int)?, newest: StateCommit?) {
        guard end > 0 else { return (nil, nil) }
        let reader = StateTopicReader(configuration: kafka, topic: configuration.kafka.topics.state, logger: logger)
        var loaded: StateTopicReader.Loaded?
        do throws(KafkaError) {
            let started = ContinuousClock.now
            loaded = try reader.newest(inputTopic: leadTopic, partition: id, end: end, after: after)
            loaded?.timings.total = ContinuousClock.now - started
        } catch {
            logger.warning("state topic not readable; restoring from the local snapshot or the input", metadata: [
                "kafka.partition": "\(id)", "leadscore.error": "\(error)",
            ])
            return (nil, nil)
        }
        guard let loaded else { return (nil, nil) }
        guard loaded.commit.nextOffset > after, !loaded.links.isEmpty else { return (nil, loaded.commit) }
        let commit = loaded.commit
        let snapshot = Snapshot(topic: leadTopic, partition: id, nextOffset: commit.nextOffset, outputPositions: commit.outputPositions,
                                configVersion: commit.configVersion, writtenAtMillis: commit.writtenAtMillis, state: [])
        if let reason = Self.staleness(of: snapshot, ends: ends) {
            logger.warning("state topic checkpoint not used: \(reason)", metadata: ["kafka.partition": "\(id)"])
            return (nil, nil)
        }
        do {
            let started = ContinuousClock.now
            let state = try PartitionState(deserializing: loaded.links[0], deltas: Array(loaded.links.dropFirst()), models: models)
            let t = loaded.timings
            logger.debug("state checkpoint loaded", metadata: [
                "kafka.partition": "\(id)", "leadscore.links": "\(loaded.links.count)", "leadscore.records": "\(loaded.records)",
                "leadscore.open_seconds": "\(Double(t.open.wholeMilliseconds) / 1000)", "leadscore.find_seconds": "\(Double(t.find.wholeMilliseconds) / 1000)",
                "leadscore.chunks_seconds": "\(Double(t.chunks.wholeMilliseconds) / 1000)", "leadscore.assemble_seconds": "\(Double(t.assemble.wholeMilliseconds) / 1000)",
                "leadscore.read_seconds": "\(Double(t.total.wholeMilliseconds) / 1000)",
                "leadscore.deserialize_seconds": "\(Double((ContinuousClock.now - started).wholeMilliseconds) / 1000)",
            ])
            return ((state, snapshot, loaded.bytes), commit)
        } catch {
            logger.warning("state topic checkpoint not usable; restoring from the local snapshot or the input", metadata: [
                "kafka.partition": "\(id)", "kafka.offset": "\(loaded.offset)", "leadscore.error": "\(error)",
            ])
            return (nil, commit)
        }
    }

    /// Where the recovery scan must read each output partition from for a partition restored
    /// from `snapshot`: the position the snapshot records, and the beginning for an output
    /// partition it does not name. A snapshot names none when it was taken before its partition's
    /// replay had met every output found for it (a partition restored with no snapshot records
    /// the beginning), and a partition with no snapshot replays its whole input: in both cases
    /// its outputs may lie anywhere in the topics.
    static func scanPositions(after snapshot: Snapshot?, outputPartitions: some Collection<KafkaTopicPartition>)
        -> [Snapshot.OutputPosition] {
        var recorded: [KafkaTopicPartition: Int64] = [:]
        for position in snapshot?.outputPositions ?? [] {
            recorded[position.topicPartition] = position.offset
        }
        return outputPartitions.sorted().map { tp in
            Snapshot.OutputPosition(topic: tp.topic, partition: tp.partition, offset: recorded[tp] ?? 0)
        }
    }

    /// The start of one recovery scan for several restored partitions: per output partition, the
    /// lowest of their positions.
    static func scanStarts(_ positions: some Sequence<[Snapshot.OutputPosition]>) -> [KafkaTopicPartition: Int64] {
        var starts: [KafkaTopicPartition: Int64] = [:]
        for list in positions {
            for position in list {
                let tp = position.topicPartition
                starts[tp] = min(starts[tp] ?? position.offset, position.offset)
            }
        }
        return starts
    }

    /// Why a snapshot cannot belong to the topics as they are now (nil when it can): an offset
    /// it records lies past the end of its partition, or names a partition that does not exist.
    static func staleness(of snapshot: Snapshot, ends: [KafkaTopicPartition: Int64]) -> String? {
        let input = KafkaTopicPartition(topic: snapshot.topic, partition: snapshot.partition)
        if let end = ends[input], snapshot.nextOffset > end {
            return "it resumes \(input) at offset \(snapshot.nextOffset), but the partition ends at \(end)"
        }
        for position in snapshot.outputPositions {
            let tp = position.topicPartition
            guard let end = ends[tp] else { return "it records output partition \(tp), which does not exist" }
            if position.offset > end { return "it records output \(tp) at offset \(position.offset), but the partition ends at \(end)" }
        }
        return nil
    }
}
