import Foundation
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// The daemon's engine room: a staged pipeline with one owner per piece of state.
///
/// - The **poll thread** (`runLoop`) owns the consumer: it polls records (left in librdkafka's
///   buffers), hands each partition's records to the worker that owns the partition, and handles
///   rebalances (restoring assigned partitions from snapshots plus a recovery scan, and asking the
///   owning worker to snapshot a revoked one before it is let go).
/// - **Partition workers** (`PartitionWorker`, `pipeline.workers`, default one per core) each own
///   their partitions' state exclusively and do the per-record work: decode, score, render,
///   produce. The hot path takes one small lock, the rep state's, only to route a transition.
/// - **Rep state** (`RepState`) is fed by the rep feed's own thread and read by routing and HTTP.
/// - The **snapshot writer** (`SnapshotWriter`) flushes, serializes, writes, fsyncs and commits,
///   off the workers.
/// - HTTP reads what the workers publish (`PartitionSummary`) and asks a worker for a lead.
///
/// Threads meet through inboxes (`WorkerInbox`), one-shot signals (`WorkDone`) and small locks
/// around values; no lock is held across I/O.
final class Pipeline: Sendable {
    let configuration: DaemonConfiguration
    let kafka: KafkaConfiguration
    let logger: Logger
    let metrics: DaemonMetrics
    let store: SnapshotStore
    let publisher: OutputPublisher
    let repFeed: RepFeed
    let reps: RepState
    let recent = RecentRouting()
    /// The bucket-mix history behind the drift gauge, sampled at the housekeeping tick.
    let drift: DriftMonitor
    let writer: SnapshotWriter
    let workers: [PartitionWorker]
    private let scoring: Mutex<ScoringConfig>
    private let pendingScoring = Mutex<ScoringConfig?>(nil)
    /// Flags and slots several threads (and the closures given to the workers and the snapshot
    /// writer) reach.
    let control = Control()
    /// Set once the workers are stopped: a rebalance during `close` has nothing left to hand over.
    let workersStopped = Atomic<Bool>(false)
    let joined = Atomic<Bool>(false)

    /// See `control`.
    final class Control: Sendable {
        let stopRequested = Atomic<Bool>(false)
        let fatal = Mutex<String?>(nil)
        let consumer = Mutex<KafkaConsumer?>(nil)
        /// Where output partitions stood at start (a lower bound: some brokers answer low), used
        /// as the scan start for output partitions this process has not written to yet.
        let startPositions = Mutex<[KafkaTopicPartition: Int64]>([:])
        let outputPartitions = Mutex<[KafkaTopicPartition]>([])

        /// Records the first fatal failure and asks the loop to stop.
        func fail(_ reason: String) {
            fatal.withLock { if $0 == nil { $0 = reason } }
            stopRequested.store(true, ordering: .releasing)
        }

        /// The output positions a snapshot taken now must record.
        func outputPositions(delivered: [KafkaTopicPartition: Int64]) -> [Snapshot.OutputPosition] {
            let base = startPositions.withLock { $0 }
            return outputPartitions.withLock { $0 }.map { tp in
                Snapshot.OutputPosition(topic: tp.topic, partition: tp.partition, offset: delivered[tp] ?? base[tp] ?? 0)
            }
        }
    }

    var fatal: String? { control.fatal.withLock { $0 } }

    init(configuration: DaemonConfiguration, scoring: ScoringConfig, kafka: KafkaConfiguration, publisher: OutputPublisher,
         repFeed: RepFeed, reps: RepState, logger: Logger, metrics: DaemonMetrics) {
        self.configuration = configuration
        self.kafka = kafka
        self.logger = logger
        self.metrics = metrics
        self.publisher = publisher
        self.repFeed = repFeed
        self.reps = reps
        self.scoring = Mutex(scoring)
        self.drift = DriftMonitor(settings: configuration.drift, metrics: metrics)
        let store = SnapshotStore(directory: configuration.snapshots.directory, keep: configuration.snapshots.keep, logger: logger)
        self.store = store
        let control = self.control
        let log = logger
        let onFatal: @Sendable (String) -> Void = { control.fail($0) }
        let writer = SnapshotWriter(
            store: store, publisher: publisher, topic: configuration.kafka.topics.leadEvents, metrics: metrics, logger: logger,
            commit: { offsets in
                // Recovery does not depend on committed offsets (snapshots carry them); they are
                // kept for lag monitoring, so a failed commit is only worth a warning.
                guard let consumer = control.consumer.withLock({ $0 }) else { return }
                do throws(KafkaError) { try consumer.commit(offsets) } catch {
                    log.warning("offset commit failed", metadata: ["kafka.error": "\(error)"])
                }
            },
            onFatal: onFatal)
        self.writer = writer
        let environment = WorkerEnvironment(
            configuration: configuration, publisher: publisher, reps: reps, snapshots: writer, recent: recent, metrics: metrics,
            logger: logger,
            outputPositions: { control.outputPositions(delivered: publisher.deliveredPositions) },
            sendOffsets: { offsets in
                guard let consumer = control.consumer.withLock({ $0 }) else { return }
                try publisher.producer.sendOffsetsToTransaction(offsets, consumer: consumer)
            },
            onFatal: onFatal)
        let count = configuration.kafka.transactions ? 1 : configuration.pipeline.effectiveWorkers
        self.workers = (0..<count).map { PartitionWorker(index: $0, scoring: scoring, environment: environment) }
    }

    var leadTopic: String { configuration.kafka.topics.leadEvents }

    /// The index of the worker that owns an input partition: the one rule for ownership.
    func workerIndex(for partition: Int32) -> Int {
        Int(partition.magnitude) % workers.count
    }

    /// The scoring configuration in force.
    var currentScoring: ScoringConfig { scoring.withLock { $0 } }

    // MARK: - Control

    /// Asks the loop to stop; it then has the workers snapshot, and leaves the group.
    func requestStop() { control.stopRequested.store(true, ordering: .releasing) }

    /// Queues a new scoring configuration; the poll thread swaps it in between batches.
    func reload(_ scoring: ScoringConfig) { pendingScoring.withLock { $0 = scoring } }

    // MARK: - The poll loop

    /// Runs until `requestStop()`; call on a dedicated thread. Throws on a failure the daemon must
    /// not continue from (the process then exits non-zero and a restart recovers from snapshots).
    func runLoop() throws {
        try store.prepare()
        writer.start()
        for worker in workers { worker.start() }
        var workersRunning = true
        defer {
            if workersRunning { stopWorkers(snapshot: false) }
            writer.stop()
        }
        let consumer = try KafkaConsumer(configuration: groupConfiguration, topics: [leadTopic], rebalanceHandler: self, logger: logger)
        control.consumer.withLock { $0 = consumer }
        recordStartPositions(consumer)
        repFeed.start()
        defer { repFeed.stop() }
        // Routing (and first-touch SLAs) need the rep state: until the rep events have been read
        // to their end once, a routing decision would see a partial roster. No lead record is
        // polled before then (the group is joined at the first poll).
        while !repFeed.waitUntilCaughtUp(timeout: .milliseconds(200)) {
            if control.stopRequested.load(ordering: .acquiring) { break }
        }

        var lastHousekeeping = ContinuousClock.now
        var split = [[Int]](repeating: [], count: workers.count)
        while !control.stopRequested.load(ordering: .acquiring) {
            applyPendingScoring()
            for worker in workers { worker.inbox.waitForRoom(limit: 20_000, timeout: .milliseconds(200)) }
            let batch = try consumer.pollRecords(maxMessages: 5_000, timeout: .milliseconds(100))
            if !batch.isEmpty {
                for i in 0..<batch.count {
                    split[workerIndex(for: batch.partition(at: i))].append(i)
                }
                for (w, indexes) in split.enumerated() where !indexes.isEmpty {
                    workers[w].inbox.enqueue(.records(batch, indexes: indexes))
                    split[w].removeAll(keepingCapacity: true)
                }
            }
            if let failure = publisher.deliveryFailure { throw failure }
            let now = ContinuousClock.now
            if now - lastHousekeeping >= .milliseconds(500) {
                lastHousekeeping = now
                updateGauges(consumer)
            }
        }
        if let reason = fatal { throw DaemonError(reason) }
        logger.info("stopping: snapshotting and leaving the group")
        workersRunning = false
        let clean = stopWorkers(snapshot: true)
        try consumer.close()
        control.consumer.withLock { $0 = nil }
        if let reason = fatal { throw DaemonError(reason) }
        if !clean { throw DaemonError("shutdown snapshots did not complete") }
    }

    /// Stops every worker; with `snapshot`, each first snapshots its partitions. Returns whether
    /// every worker finished cleanly.
    @discardableResult
    private func stopWorkers(snapshot: Bool) -> Bool {
        var clean = true
        let signals = workers.map { worker -> WorkDone in
            let done = WorkDone()
            if !worker.inbox.enqueue(.stop(done, snapshot: snapshot)) { done.signal() }
            return done
        }
        for done in signals {
            if !done.wait(timeout: .seconds(150)) || done.failureReason != nil { clean = false }
        }
        workersStopped.store(true, ordering: .releasing)
        return clean || !snapshot
    }

    private var groupConfiguration: KafkaConfiguration {
        var config = kafka
        config.groupID = configuration.kafka.group
        return config
    }

    /// Swaps in a reloaded scoring configuration: first the rep book (all or nothing: a
    /// `long_window` change is refused), then every worker's books.
    private func applyPendingScoring() {
        guard let scoring = pendingScoring.withLock({ value -> ScoringConfig? in defer { value = nil }; return value }) else { return }
        let result: Result<Void, any Error> = reps.withBook { book in
            do {
                var bytes: [UInt8] = []
                book.serialize(into: &bytes)
                book = try RepBook(deserializing: bytes, config: scoring)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success:
            for worker in workers { worker.inbox.enqueue(.reload(scoring)) }
            self.scoring.withLock { $0 = scoring }
            logger.info("configuration reloaded", metadata: ["leadscore.config_version": "\(scoring.version)"])
        case .failure(let error):
            logger.error("reload rejected: the running state cannot move to the new configuration",
                         metadata: ["leadscore.error": "\(error)", "leadscore.config_version": "\(scoring.version)"])
        }
    }

    /// Every partition summary the workers published, by partition.
    var summaries: [Int32: PartitionSummary] {
        workers.reduce(into: [:]) { out, worker in out.merge(worker.summaries) { a, _ in a } }
    }

    private func updateGauges(_ consumer: KafkaConsumer) {
        var buckets = [Int](repeating: 0, count: Bucket.allCases.count)
        for (id, summary) in summaries {
            if let w = consumer.cachedWatermarks(topic: leadTopic, partition: id) {
                metrics.consumerLag[String(id)].record(Double(max(0, w.high - summary.nextOffset)))
            }
            for (i, n) in summary.buckets.enumerated() { buckets[i] += n }
        }
        for bucket in Bucket.allCases { metrics.leadsByBucket[bucket.name].record(Double(buckets[Int(bucket.rawValue)])) }
        let written = writer.lastWrittenMillis.load(ordering: .acquiring)
        if written != Int64.min { metrics.snapshotAge.record(Double(WallClock.millis() - written) / 1000) }
        let ready = isReady
        metrics.ready.record(ready ? 1 : 0)
        // A restore in progress is not drift: sample only once every partition is restored.
        if ready { drift.sampleIfDue(at: WallClock.millis()) { buckets } }
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
        control.outputPartitions.withLock { $0 = list }
        control.startPositions.withLock { $0 = starts }
    }

}
