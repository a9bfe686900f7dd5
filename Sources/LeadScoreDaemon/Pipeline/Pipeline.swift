import Foundation
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// The daemon's engine room: reads lead events as a consumer-group member, scores them, writes
/// the outputs, snapshots state, and restores it when partitions are assigned.
///
/// All scoring state lives behind one `Mutex` and is touched by the pipeline thread (one batch at a
/// time, and in the rebalance callbacks, which librdkafka runs on the same thread inside `poll`)
/// and briefly by HTTP readers. Blocking Kafka calls run on that dedicated thread, never on the
/// cooperative pool.
final class Pipeline: Sendable {
    /// State shared by the pipeline thread and HTTP readers.
    struct Shared: Sendable {
        var partitions: [Int32: PartitionState] = [:]
        var reps: RepBook
        var scoring: ScoringConfig
        /// Newest last, at most `recentLimit`.
        var recentRouting: [LeadRouted] = []
        var eventsIn = 0
        var lastSnapshotMillis: Int64?
        var fatal: String?
        var joined = false
    }

    static let recentLimit = 50

    let configuration: DaemonConfiguration
    let kafka: KafkaConfiguration
    let logger: Logger
    let metrics: DaemonMetrics
    let store: SnapshotStore
    let publisher: OutputPublisher
    let repFeed: RepFeed
    let shared: Mutex<Shared>
    private let decoder = EventDecoder()
    private let stopRequested = Atomic<Bool>(false)
    private let pendingScoring = Mutex<ScoringConfig?>(nil)
    let consumerSlot = Mutex<KafkaConsumer?>(nil)
    /// Where output partitions stood at start (a lower bound: some brokers answer low), used as the
    /// scan start for output partitions this process has not written to yet.
    private let startPositions = Mutex<[KafkaTopicPartition: Int64]>([:])
    private let outputPartitionList = Mutex<[KafkaTopicPartition]>([])

    init(configuration: DaemonConfiguration, scoring: ScoringConfig, kafka: KafkaConfiguration, producer: KafkaProducer,
         repFeed: RepFeed, instanceID: String, logger: Logger, metrics: DaemonMetrics) {
        self.configuration = configuration
        self.kafka = kafka
        self.logger = logger
        self.metrics = metrics
        self.store = SnapshotStore(directory: configuration.snapshots.directory, keep: configuration.snapshots.keep, logger: logger)
        self.publisher = OutputPublisher(producer: producer, topics: configuration.kafka.topics, instanceID: instanceID,
                                         maxRecordBytes: configuration.kafka.maxRecordBytes, logger: logger, metrics: metrics)
        self.repFeed = repFeed
        self.shared = Mutex(Shared(reps: RepBook(config: scoring), scoring: scoring))
    }

    private var leadTopic: String { configuration.kafka.topics.leadEvents }

    // MARK: - Control

    /// Asks the loop to stop after the current batch; it then snapshots, commits and leaves.
    func requestStop() { stopRequested.store(true, ordering: .releasing) }

    /// Queues a new scoring configuration; the pipeline thread swaps it in between batches.
    func reload(_ scoring: ScoringConfig) { pendingScoring.withLock { $0 = scoring } }

    // MARK: - The loop

    /// Runs until `requestStop()`; call on a dedicated thread. Throws on a failure the daemon must
    /// not continue from (the process then exits non-zero and a restart recovers from snapshots).
    func runLoop() throws {
        try store.prepare()
        var groupConfig = kafka
        groupConfig.groupID = configuration.kafka.group
        let consumer = try KafkaConsumer(configuration: groupConfig, topics: [leadTopic], rebalanceHandler: self, logger: logger)
        consumerSlot.withLock { $0 = consumer }
        recordStartPositions(consumer)
        repFeed.start()
        defer { repFeed.stop() }

        var lastSnapshot = ContinuousClock.now
        var lastHousekeeping = ContinuousClock.now
        var outputs: [OutputEvent] = []
        while !stopRequested.load(ordering: .acquiring) {
            applyRepEvents()
            applyPendingScoring()
            let batch = try consumer.poll(maxMessages: 2_000, timeout: .milliseconds(50))
            if !batch.isEmpty {
                try inTransaction(consumer) { () throws in try process(batch, outputs: &outputs) }
            }
            if let failure = publisher.deliveryFailure {
                throw failure
            }
            let now = ContinuousClock.now
            if now - lastHousekeeping >= .milliseconds(500) {
                lastHousekeeping = now
                try inTransaction(consumer) { () throws in try advanceIdlePartitions(now: now) }
                updateGauges(consumer)
            }
            if now - lastSnapshot >= configuration.snapshots.interval {
                lastSnapshot = now
                try snapshotAll(consumer: consumer, reason: "interval")
            }
        }
        logger.info("stopping: snapshotting and leaving the group")
        try snapshotAll(consumer: consumer, reason: "shutdown")
        try consumer.close()
        consumerSlot.withLock { $0 = nil }
    }

    /// In transactional mode, runs `body` (which produces outputs) in a Kafka transaction that also
    /// commits the input offsets it reached; any transaction error stops the daemon, and the restart
    /// recovers from the snapshots (the aborted outputs are invisible to `read_committed` readers,
    /// the recovery scan included). Otherwise just runs `body`.
    private func inTransaction(_ consumer: KafkaConsumer, _ body: () throws -> Void) throws {
        guard configuration.kafka.transactions else { return try body() }
        try publisher.producer.beginTransaction()
        do {
            try body()
            let offsets = shared.withLock { s in
                s.partitions.reduce(into: [KafkaTopicPartition: Int64]()) { out, entry in
                    out[KafkaTopicPartition(topic: leadTopic, partition: entry.key)] = entry.value.nextOffset
                }
            }
            try publisher.producer.sendOffsetsToTransaction(offsets, consumer: consumer)
            try publisher.producer.commitTransaction()
        } catch {
            do throws(KafkaError) { try publisher.producer.abortTransaction() } catch {
                logger.error("transaction abort failed", metadata: ["kafka.error": "\(error)"])
            }
            throw error
        }
    }

    /// Decodes, scores and publishes one batch.
    private func process(_ batch: [KafkaMessage], outputs: inout [OutputEvent]) throws {
        let started = ContinuousClock.now
        let notAfter = Timestamp(millisecondsSinceEpoch: Self.wallMillis() + configuration.stream.maxFutureSkew.milliseconds)
        var outputCounts: [OutputEvent.Kind: Int] = [:]
        var letters: [String: Int] = [:]
        var inCounts: [String: Int] = [:]
        var suppressed = 0
        try shared.withLock { (s: inout Shared) throws(KafkaError) in
            for message in batch {
                guard s.partitions[message.partition] != nil else { continue }
                let source = message.topicPartition
                if message.offset < s.partitions[message.partition]!.nextOffset { continue }
                outputs.removeAll(keepingCapacity: true)
                var letter: DeadLetter?
                if let value = message.value, value.count > configuration.stream.maxEventBytes {
                    letter = DeadLetter(tooLarge: message, limit: configuration.stream.maxEventBytes)
                } else if let value = message.value {
                    do throws(EventDecodingError) {
                        let event = try decoder.decode(value)
                        let outcome = s.partitions[message.partition]!.book.apply(event, reps: &s.reps, into: &outputs, notAfter: notAfter)
                        switch outcome {
                        case .applied: inCounts[event.typeName, default: 0] += 1
                        case .rejectedFuture:
                            letter = DeadLetter(reason: DeadLetter.Reason.futureTimestamp, field: "occurred_at",
                                                message: "occurred_at \(event.occurredAt) is later than now + \(ConfigDuration.format(configuration.stream.maxFutureSkew))", input: message)
                        case .ignored:
                            letter = DeadLetter(reason: DeadLetter.Reason.wrongTopic, field: "type",
                                                message: "\(event.typeName) belongs on the rep events topic", input: message)
                        case .rejectedMissingKey:
                            letter = DeadLetter(reason: "missing_field", field: "lead_id",
                                                message: "the event names neither a lead nor an account", input: message)
                        }
                    } catch {
                        letter = DeadLetter(decodingError: error, input: message)
                    }
                } else {
                    letter = DeadLetter(reason: DeadLetter.Reason.tombstone, field: nil, message: "a record with no value", input: message)
                }
                if let letter {
                    if s.partitions[message.partition]!.written.contains("\(configuration.kafka.topics.deadLetter)|\(letter.dedupeKey)") {
                        suppressed += 1
                    } else {
                        letters[letter.reason, default: 0] += 1
                        try publisher.publish(letter, source: source)
                    }
                }
                try emit(outputs, partition: message.partition, sourceOffset: message.offset,
                         inputTimestamp: message.timestampMilliseconds, into: &s, counts: &outputCounts, suppressed: &suppressed)
                s.partitions[message.partition]!.nextOffset = message.offset + 1
                s.partitions[message.partition]!.lastInputAt = started
                s.partitions[message.partition]!.streamTimeAtLastInput = s.partitions[message.partition]!.book.streamTime
                if !s.partitions[message.partition]!.isCatchingUp && !s.partitions[message.partition]!.written.isEmpty {
                    s.partitions[message.partition]!.written = []
                    s.partitions[message.partition]!.writtenOwners = [:]
                }
                s.eventsIn += 1
            }
        }
        for (type, n) in inCounts { metrics.eventsIn[type].increment(by: n) }
        for (kind, n) in outputCounts { metrics.outputs[kind.rawValue].increment(by: n) }
        for (reason, n) in letters {
            metrics.deadLetters[reason].increment(by: n)
            metrics.outputs["dead_letter"].increment(by: n)
        }
        if suppressed > 0 { metrics.suppressedDuplicates.increment(by: suppressed) }
        metrics.processingLatency.record(ContinuousClock.now - started)
    }

    private func applyRepEvents() {
        let events = repFeed.drain()
        guard !events.isEmpty else { return }
        shared.withLock { s in
            for item in events {
                switch item {
                case .event(let event): s.reps.apply(event)
                case .routedElsewhere(let repID, let at): s.reps.recordRouting(repID: repID, at: at)
                }
            }
        }
    }

    /// Swaps in a reloaded scoring configuration. Books are re-opened under the new configuration
    /// through their snapshot form, all or nothing: if any refuses it (e.g. the technographics
    /// list changed, which lead state is encoded against), the reload is rejected and the running
    /// configuration stays.
    private func applyPendingScoring() {
        guard let scoring = pendingScoring.withLock({ value -> ScoringConfig? in defer { value = nil }; return value }) else { return }
        let result: Result<Void, any Error> = shared.withLock { s in
            do {
                var books: [Int32: LeadBook] = [:]
                for (id, p) in s.partitions {
                    var bytes: [UInt8] = []
                    p.book.serialize(into: &bytes)
                    books[id] = try LeadBook(deserializing: bytes, config: scoring)
                }
                var repBytes: [UInt8] = []
                s.reps.serialize(into: &repBytes)
                let reps = try RepBook(deserializing: repBytes, config: scoring)
                for (id, book) in books { s.partitions[id]!.book = book }
                s.reps = reps
                s.scoring = scoring
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success:
            logger.info("configuration reloaded", metadata: ["leadscore.config_version": "\(scoring.version)"])
        case .failure(let error):
            logger.error("reload rejected: the running state cannot move to the new configuration",
                         metadata: ["leadscore.error": "\(error)", "leadscore.config_version": "\(scoring.version)"])
        }
    }

    /// With the idle clock on, a partition with no input for `idleAfter` has its stream time follow
    /// the wall clock (from where it stood when input stopped), so decay downgrades still fire.
    private func advanceIdlePartitions(now: ContinuousClock.Instant) throws {
        guard configuration.stream.idleClock else { return }
        let idleAfter = configuration.stream.idleAfter
        var outputs: [OutputEvent] = []
        var counts: [OutputEvent.Kind: Int] = [:]
        var suppressed = 0
        try shared.withLock { (s: inout Shared) throws(KafkaError) in
            for id in Array(s.partitions.keys) {
                // Scalars only: holding a copy of the partition state while its book is mutated
                // would make that mutation copy the whole book.
                let idle = now - s.partitions[id]!.lastInputAt
                let base = s.partitions[id]!.streamTimeAtLastInput.millisecondsSinceEpoch
                guard idle >= idleAfter, base != Int64.min else { continue }
                outputs.removeAll(keepingCapacity: true)
                s.partitions[id]!.book.advance(to: Timestamp(millisecondsSinceEpoch: base + idle.milliseconds), reps: &s.reps, into: &outputs)
                try emit(outputs, partition: id, sourceOffset: s.partitions[id]!.nextOffset - 1, inputTimestamp: nil, into: &s,
                         counts: &counts, suppressed: &suppressed)
            }
        }
        for (kind, n) in counts { metrics.outputs[kind.rawValue].increment(by: n) }
        if suppressed > 0 { metrics.suppressedDuplicates.increment(by: suppressed) }
    }

    /// Publishes the outputs one input (or an idle-clock advance) caused, except those the
    /// recovery scan found already written, and keeps the dashboard's recent routing list.
    private func emit(_ outputs: [OutputEvent], partition id: Int32, sourceOffset: Int64, inputTimestamp: Int64?,
                      into s: inout Shared, counts: inout [OutputEvent.Kind: Int], suppressed: inout Int) throws(KafkaError) {
        let source = KafkaTopicPartition(topic: leadTopic, partition: id)
        for output in outputs {
            if !s.partitions[id]!.written.isEmpty,
               s.partitions[id]!.written.contains("\(publisher.topic(for: output.kind))|\(OutputPublisher.dedupeKey(output))") {
                suppressed += 1
                // The decision already written is the one downstream acted on: keep its rep even
                // if the replay, seeing other rep load, chose another.
                if case .leadRouted(let routed) = output,
                   let written = s.partitions[id]!.writtenOwners[routed.idempotencyKey], written != routed.repID {
                    s.partitions[id]!.book.adoptOwner(leadID: routed.leadID, repID: written)
                }
                continue
            }
            try publisher.publish(output, source: source, sourceOffset: sourceOffset, inputTimestamp: inputTimestamp)
            counts[output.kind, default: 0] += 1
            if case .leadRouted(let routed) = output {
                s.recentRouting.append(routed)
                if s.recentRouting.count > Self.recentLimit { s.recentRouting.removeFirst(s.recentRouting.count - Self.recentLimit) }
            }
        }
    }

    private func updateGauges(_ consumer: KafkaConsumer) {
        let (lags, buckets, snapshotMillis) = shared.withLock { s in
            var lags: [(Int32, Int64)] = []
            var buckets: [Bucket: Int] = [:]
            for (id, p) in s.partitions {
                if let w = consumer.cachedWatermarks(topic: leadTopic, partition: id) {
                    lags.append((id, max(0, w.high - p.nextOffset)))
                }
                for (bucket, n) in p.book.bucketCounts { buckets[bucket, default: 0] += n }
            }
            return (lags, buckets, s.lastSnapshotMillis)
        }
        for (id, lag) in lags { metrics.consumerLag[String(id)].record(Double(lag)) }
        for bucket in Bucket.allCases { metrics.leadsByBucket[bucket.name].record(Double(buckets[bucket] ?? 0)) }
        if let snapshotMillis { metrics.snapshotAge.record(Double(Self.wallMillis() - snapshotMillis) / 1000) }
        metrics.ready.record(isReady ? 1 : 0)
    }

    // MARK: - Snapshots

    /// Snapshots every assigned partition (or `only` these) and commits their offsets.
    ///
    /// The producer is flushed first, so every output of the snapshotted state is in Kafka before
    /// the snapshot claims it: a crash right after can then never lose an output.
    func snapshotAll(consumer: KafkaConsumer, reason: String, only: Set<Int32>? = nil) throws {
        try publisher.flush(timeout: .seconds(60))
        let delivered = publisher.deliveredPositions
        let starts = startPositions.withLock { $0 }
        let outputPartitions = outputPartitionList.withLock { $0 }
        var commits: [KafkaTopicPartition: Int64] = [:]
        try shared.withLock { (s: inout Shared) throws(SnapshotFileError) in
            for id in s.partitions.keys.sorted() where only?.contains(id) ?? true {
                let started = ContinuousClock.now
                let p = s.partitions[id]!
                guard p.changedSinceSnapshot else { continue }
                let positions: [Snapshot.OutputPosition]
                if p.isCatchingUp {
                    positions = p.restoredPositions
                } else {
                    positions = outputPartitions.map { tp in
                        Snapshot.OutputPosition(topic: tp.topic, partition: tp.partition, offset: delivered[tp] ?? starts[tp] ?? 0)
                    }
                }
                var state: [UInt8] = []
                p.book.serialize(into: &state)
                let snapshot = Snapshot(topic: leadTopic, partition: id, nextOffset: p.nextOffset, outputPositions: positions,
                                        configVersion: s.scoring.version, writtenAtMillis: Self.wallMillis(), state: state)
                let file = try store.write(snapshot)
                metrics.snapshotDuration.record(ContinuousClock.now - started)
                s.lastSnapshotMillis = snapshot.writtenAtMillis
                s.partitions[id]!.snapshotted = (p.nextOffset, p.book.streamTime)
                commits[KafkaTopicPartition(topic: leadTopic, partition: id)] = p.nextOffset
                logger.debug("snapshot written", metadata: [
                    "snapshot.file": "\(file)", "snapshot.reason": "\(reason)", "kafka.partition": "\(id)",
                    "kafka.offset": "\(p.nextOffset)", "snapshot.bytes": "\(state.count)",
                ])
            }
        }
        if !commits.isEmpty {
            do throws(KafkaError) { try consumer.commit(commits) } catch {
                // Recovery does not depend on committed offsets (snapshots carry them); they are
                // kept for lag monitoring, so a failed commit is only worth a warning.
                logger.warning("offset commit failed", metadata: ["kafka.error": "\(error)"])
            }
        }
    }

    private func recordStartPositions(_ consumer: KafkaConsumer) {
        let admin: KafkaAdmin
        do { admin = try KafkaAdmin(configuration: kafka, logger: logger) } catch {
            logger.warning("cannot read output partitions", metadata: ["kafka.error": "\(error)"])
            return
        }
        var list: [KafkaTopicPartition] = []
        var starts: [KafkaTopicPartition: Int64] = [:]
        for topic in publisher.outputTopics {
            let count = (try? admin.partitionCount(topic: topic)) ?? 0
            for p in 0..<Int32(count) {
                let tp = KafkaTopicPartition(topic: topic, partition: p)
                list.append(tp)
                if let w = try? consumer.watermarks(topic: topic, partition: p) { starts[tp] = w.high }
            }
        }
        outputPartitionList.withLock { $0 = list }
        startPositions.withLock { $0 = starts }
    }

    static func wallMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
