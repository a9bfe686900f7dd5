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
    /// The local snapshot directory (nil: none, the state topic only).
    let store: SnapshotStore?
    let publisher: OutputPublisher
    let repFeed: RepFeed
    let reps: RepState
    let recent = RecentRouting()
    /// The bucket-mix history behind the drift gauge, sampled at the housekeeping tick.
    let drift: DriftMonitor
    let writer: SnapshotWriter
    let workers: [PartitionWorker]
    /// Restores assigned partitions off the poll thread (set up when the loop starts).
    let restorer = Mutex<PartitionRestorer?>(nil)
    /// The group consumer while the loop runs. Only the poll thread uses it; the slot exists so
    /// the rebalance callbacks (which run on the poll thread, inside `poll`) can reach it.
    let consumer = Mutex<KafkaConsumer?>(nil)
    private let scoring: Mutex<ScoringModels>
    private let pendingScoring = Mutex<ScoringModels?>(nil)
    /// Flags and slots several threads (and the closures given to the workers and the snapshot
    /// writer) reach.
    let control = Control()
    /// Closes when the process was paused past what its group membership survives (zombies).
    let fence: MembershipFence
    /// Set once the workers are stopped: a rebalance during `close` has nothing left to hand over.
    let workersStopped = Atomic<Bool>(false)
    /// Set once the first assignment was handed to the workers (an empty one included).
    let joined = Atomic<Bool>(false)
    /// The input partitions this instance holds; written by the poll thread at each rebalance,
    /// read by readiness.
    let assignment = Mutex<Set<Int32>>([])

    /// Flags and slots several threads (and the closures given to the workers and the snapshot
    /// writer) reach. Nothing in here touches the consumer: what others need from it (commits)
    /// waits here until the poll thread, its only user, takes it between two polls.
    final class Control: Sendable {
        let stopRequested = Atomic<Bool>(false)
        let fatal = Mutex<DaemonError?>(nil)
        /// Where output partitions stood at start (a lower bound: some brokers answer low), used
        /// as the scan start for output partitions this process has not written to yet.
        let startPositions = Mutex<[KafkaTopicPartition: Int64]>([:])
        let outputPartitions = Mutex<[KafkaTopicPartition]>([])
        /// Input offsets the snapshot writer has made safe to commit, newest per partition.
        let pendingCommits = Mutex<[KafkaTopicPartition: Int64]>([:])
        /// Transactional mode: the group membership the workers send offsets under, taken by the
        /// poll thread after each rebalance (the consumer itself stays with the poll thread).
        let groupMetadata = Mutex<KafkaConsumerGroupMetadata?>(nil)
        /// The generation of each assigned partition's assignment: bumped at each assignment,
        /// revocation and loss, so a restore that finishes after its partition moved is dropped.
        let restoreGenerations = Mutex<(next: UInt64, byPartition: [Int32: UInt64])>((1, [:]))
        /// Why a partition's restore failed (it stays paused and is retried), for logs and readiness.
        let restoreFailures = Mutex<[Int32: DaemonError]>([:])
        /// What the stop is doing now, for the log line when the deadline passes.
        let stopPhase = Mutex<String>("running")

        /// New generations for partitions just assigned.
        func assign(_ ids: [Int32]) -> [Int32: UInt64] {
            restoreGenerations.withLock { g in
                var out: [Int32: UInt64] = [:]
                for id in ids {
                    out[id] = g.next
                    g.byPartition[id] = g.next
                    g.next += 1
                }
                return out
            }
        }

        /// Partitions no longer held: any restore still running for them is stale.
        func unassign(_ ids: some Sequence<Int32>) {
            restoreGenerations.withLock { g in for id in ids { g.byPartition[id] = nil } }
            restoreFailures.withLock { f in for id in ids { f[id] = nil } }
        }

        /// True while `generation` is the assignment in force for `id`.
        func isCurrent(_ id: Int32, _ generation: UInt64) -> Bool {
            restoreGenerations.withLock { $0.byPartition[id] == generation }
        }

        /// Records the first fatal failure and asks the loop to stop.
        func fail(_ error: DaemonError) {
            fatal.withLock { if $0 == nil { $0 = error } }
            stopRequested.store(true, ordering: .releasing)
        }

        /// Queues input offsets for the poll thread to commit.
        func requestCommit(_ offsets: [KafkaTopicPartition: Int64]) {
            pendingCommits.withLock { $0.merge(offsets) { max($0, $1) } }
        }

        /// The output positions a snapshot taken now must record.
        func outputPositions(delivered: [KafkaTopicPartition: Int64]) -> [Snapshot.OutputPosition] {
            let base = startPositions.withLock { $0 }
            return outputPartitions.withLock { $0 }.map { tp in
                Snapshot.OutputPosition(topic: tp.topic, partition: tp.partition, offset: delivered[tp] ?? base[tp] ?? 0)
            }
        }
    }

    var fatal: DaemonError? { control.fatal.withLock { $0 } }

    init(configuration: DaemonConfiguration, scoring: ScoringModels, kafka: KafkaConfiguration, publisher: OutputPublisher,
         repFeed: RepFeed, reps: RepState, state: StateTopicWriter?, logger: Logger, metrics: DaemonMetrics) {
        self.configuration = configuration
        self.kafka = kafka
        self.logger = logger
        self.metrics = metrics
        self.publisher = publisher
        self.repFeed = repFeed
        self.reps = reps
        self.scoring = Mutex(scoring)
        self.drift = DriftMonitor(settings: configuration.drift, metrics: metrics)
        let fence = MembershipFence(sessionTimeout: configuration.kafka.sessionTimeout)
        self.fence = fence
        let store = configuration.snapshots.directory.map {
            SnapshotStore(directory: $0, keep: configuration.snapshots.keep, logger: logger)
        }
        self.store = store
        let control = self.control
        let onFatal: @Sendable (DaemonError) -> Void = { control.fail($0) }
        let writer = SnapshotWriter(
            store: store, state: state, publisher: publisher, topic: configuration.kafka.topics.leadEvents, fence: fence, metrics: metrics, logger: logger,
            commit: { control.requestCommit($0) }, onFatal: onFatal)
        self.writer = writer
        let environment = WorkerEnvironment(
            configuration: configuration, publisher: publisher, reps: reps, snapshots: writer, recent: recent, fence: fence,
            metrics: metrics, logger: logger,
            outputPositions: { control.outputPositions(delivered: publisher.deliveredPositions) },
            sendOffsets: { offsets throws(KafkaError) in
                guard let group = control.groupMetadata.withLock({ $0 }) else {
                    throw KafkaError(code: .invalidArgument, message: "no group membership to send offsets under", key: "group.id")
                }
                try publisher.producer.sendOffsetsToTransaction(offsets, groupMetadata: group)
            },
            onFatal: onFatal)
        let count = configuration.kafka.transactions ? 1 : configuration.pipeline.effectiveWorkers
        let workers = (0..<count).map { PartitionWorker(index: $0, scoring: scoring, environment: environment) }
        self.workers = workers
        if scoring.challenger != nil {
            repFeed.onOutcomes { outcomes in
                for worker in workers { worker.inbox.enqueue(.outcomes(outcomes)) }
            }
        }
    }

    var leadTopic: String { configuration.kafka.topics.leadEvents }

    /// The index of the worker that owns an input partition: the one rule for ownership.
    func workerIndex(for partition: Int32) -> Int {
        Int(partition.magnitude) % workers.count
    }

    /// The scoring configuration in force.
    var currentScoring: ScoringConfig { scoring.withLock { $0.live } }
    /// The live model and the challenger, if any.
    var currentModels: ScoringModels { scoring.withLock { $0 } }

    // MARK: - Control

    /// Asks the loop to stop; it then has the workers snapshot, and leaves the group.
    func requestStop() { control.stopRequested.store(true, ordering: .releasing) }

    /// The stop phase in progress ("running" before a stop), for the log when the deadline passes.
    var stopPhase: String { control.stopPhase.withLock { $0 } }

    /// Queues a new scoring configuration; the poll thread swaps it in between batches.
    func reload(_ scoring: ScoringModels) { pendingScoring.withLock { $0 = scoring } }

    // MARK: - The poll loop

    /// Runs until `requestStop()`; call on a dedicated thread. Throws on a failure the daemon must
    /// not continue from (the process then exits non-zero and a restart recovers from snapshots).
    func runLoop() throws(DaemonError) {
        if let store {
            do throws(SnapshotFileError) { try store.prepare() } catch {
                throw DaemonError(.snapshot, "cannot use the snapshot directory \(store.directory)", underlying: error)
            }
        }
        writer.start()
        for worker in workers { worker.start() }
        let control = self.control, producer = publisher.producer, log = logger
        fence.start { paused in
            // Nothing queued before the pause may go out now: another instance may own it.
            producer.purgeQueued()
            let error = DaemonError(.fenced, "the process was paused for \(paused), past half the group session timeout; "
                + "stopping without writing more (a restart rejoins the group and restores from snapshots)")
            log.critical("fenced", metadata: ["leadscore.error": "\(error)"])
            control.fail(error)
            // Exit now: an orderly stop would wait on the consumer's teardown, which can block
            // on a group this instance no longer belongs to.
            exit(75)
        }
        let restorer = PartitionRestorer(work: { [weak self] ids throws(DaemonError) in
            guard let self else { return [] }
            return try self.restore(ids)
        }, isCurrent: { control.isCurrent($0, $1) })
        restorer.start()
        self.restorer.withLock { $0 = restorer }
        var workersRunning = true
        defer {
            restorer.stop()
            if workersRunning { stopWorkers(snapshot: false, until: .now + .seconds(1)) }
            writer.stop(until: .now + .seconds(2))
            fence.stop()
        }
        let consumer: KafkaConsumer
        do {
            consumer = try KafkaConsumer(configuration: groupConfiguration, topics: [leadTopic], rebalanceHandler: self, logger: logger)
        } catch {
            throw DaemonError(.kafka, "cannot create the group consumer", underlying: error)
        }
        self.consumer.withLock { $0 = consumer }
        defer { self.consumer.withLock { $0 = nil } }
        try recordStartPositions(consumer)
        repFeed.start()
        defer { repFeed.stop() }

        var lastHousekeeping = ContinuousClock.now
        var split = [[Int]](repeating: [], count: workers.count)
        while !control.stopRequested.load(ordering: .acquiring) {
            applyPendingScoring()
            for worker in workers { worker.inbox.waitForRoom(limit: 20_000, timeout: .milliseconds(200)) }
            let batch: KafkaRecordBatch
            do { batch = try consumer.pollRecords(maxMessages: 5_000, timeout: .milliseconds(100)) } catch {
                throw DaemonError(.kafka, "consumer poll failed", underlying: error)
            }
            if !batch.isEmpty {
                for i in 0..<batch.count {
                    split[workerIndex(for: batch.partition(at: i))].append(i)
                }
                for (w, indexes) in split.enumerated() where !indexes.isEmpty {
                    workers[w].inbox.enqueue(.records(batch, indexes: indexes))
                    split[w].removeAll(keepingCapacity: true)
                }
            }
            // Routing (and first-touch SLAs) need the rep state: until the rep events have been
            // read to their end once, a routing decision would see a partial roster. The group is
            // joined and partitions restore meanwhile, paused; none goes live before.
            if repFeed.isCaughtUp { applyRestores(restorer, consumer) }
            commitPending(consumer)
            if let failure = publisher.deliveryFailure { throw DaemonError(.delivery, "an output could not be delivered", underlying: failure) }
            let now = ContinuousClock.now
            if now - lastHousekeeping >= .milliseconds(500) {
                lastHousekeeping = now
                updateGauges(consumer)
            }
        }
        if let fatal { throw fatal }
        workersRunning = false
        try stop(consumer)
    }

    /// The graceful stop, in phases, each logged with its duration and bounded by what is left of
    /// `pipeline.stop_deadline`: the workers finish the batch in hand and snapshot (the snapshot
    /// writer flushes the producer first), the offsets are committed, the group is left.
    private func stop(_ consumer: KafkaConsumer) throws(DaemonError) {
        let started = ContinuousClock.now
        // Leave a fifth of the deadline (at most 2 s) for the commit and leaving the group.
        let total = configuration.pipeline.stopDeadline
        let drainDeadline = started + total - min(total / 5, .seconds(2))
        var phases: Logger.Metadata = [:]
        func phase(_ name: String, _ body: () throws(DaemonError) -> Void) throws(DaemonError) {
            control.stopPhase.withLock { $0 = name }
            let t = ContinuousClock.now
            defer { phases["stop.\(name)_seconds"] = "\(Self.seconds(ContinuousClock.now - t))" }
            try body()
        }
        logger.info("stopping: snapshotting and leaving the group", metadata: ["stop.deadline": "\(total)"])
        var clean = true
        try phase("drain_snapshot") { clean = stopWorkers(snapshot: true, until: drainDeadline) }
        // The outputs are flushed: the rep state as the topics now say it (if this instance writes it).
        try phase("rep_checkpoint") { _ = repFeed.checkpointNow(timeout: max(.milliseconds(500), drainDeadline - .now)) }
        try phase("commit") { commitPending(consumer) }
        try phase("close") {
            do throws(KafkaError) { try consumer.close() } catch {
                logger.warning("leaving the group failed", metadata: ["kafka.error": "\(error)"])
            }
        }
        control.stopPhase.withLock { $0 = "done" }
        phases["stop.total_seconds"] = "\(Self.seconds(ContinuousClock.now - started))"
        logger.info("stopped", metadata: phases)
        if let fatal { throw fatal }
        if !clean {
            throw DaemonError(.timeout, "shutdown snapshots did not complete within the stop deadline (\(total)); "
                + "the next start replays from the previous snapshots")
        }
    }

    private static func seconds(_ d: Duration) -> String {
        String(format: "%.3f", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }

    /// Commits what the snapshot writer made safe (poll thread only): stored, then committed
    /// without waiting; a failed commit is only worth a warning, since recovery reads its offsets
    /// from the snapshots and committed offsets serve lag monitoring.
    private func commitPending(_ consumer: KafkaConsumer) {
        let offsets = control.pendingCommits.withLock { value -> [KafkaTopicPartition: Int64] in defer { value = [:] }; return value }
        guard !offsets.isEmpty else { return }
        let held = assignment.withLock { $0 }
        let owned = offsets.filter { $0.key.topic == leadTopic && held.contains($0.key.partition) }
        guard !owned.isEmpty else { return }
        do throws(KafkaError) {
            try consumer.storeOffsets(owned)
            try consumer.commitAsync()
        } catch {
            logger.warning("offset commit failed", metadata: ["kafka.error": "\(error)"])
        }
    }

    /// Stops every worker; with `snapshot`, each first snapshots its partitions, waiting no
    /// longer than `deadline`. Returns whether every worker finished cleanly.
    @discardableResult
    private func stopWorkers(snapshot: Bool, until deadline: ContinuousClock.Instant) -> Bool {
        var clean = true
        let signals = workers.map { worker -> WorkDone in
            let done = WorkDone()
            if !worker.inbox.enqueue(.stop(done, snapshot: snapshot, deadline: deadline)) { done.signal() }
            return done
        }
        for (i, done) in signals.enumerated() {
            if !done.wait(until: deadline) {
                clean = false
                logger.error("worker did not stop by the deadline", metadata: ["leadscore.worker": "\(i)"])
            } else if let failure = done.failure {
                clean = false
                logger.error("worker stopped with a failure", metadata: ["leadscore.worker": "\(i)", "leadscore.error": "\(failure)"])
            }
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
        guard let models = pendingScoring.withLock({ value -> ScoringModels? in defer { value = nil }; return value }) else { return }
        let scoring = models.live
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
            for worker in workers { worker.inbox.enqueue(.reload(models)) }
            self.scoring.withLock { $0 = models }
            logger.info("configuration reloaded", metadata: [
                "leadscore.config_version": "\(scoring.version)", "leadscore.challenger_version": "\(models.challenger?.version ?? "none")",
            ])
        case .failure(let error):
            logger.error("reload rejected: the running state cannot move to the new configuration",
                         metadata: ["leadscore.error": "\(error)", "leadscore.config_version": "\(scoring.version)"])
        }
    }

    /// The live model's and the challenger's agreement over every partition of this instance;
    /// nil without a challenger.
    var agreement: BucketAgreement? { BucketAgreement.total(summaries.values) }

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
        if let agreement = agreement {
            let mix = agreement.challengerBuckets
            for bucket in Bucket.allCases {
                metrics.challengerLeadsByBucket[bucket.name].record(Double(mix[Int(bucket.rawValue)]))
                for other in Bucket.allCases {
                    metrics.modelAgreement["\(bucket.name):\(other.name)"].record(Double(agreement[live: bucket, challenger: other]))
                }
            }
            metrics.modelAgreementRatio.record(agreement.total == 0 ? .nan : Double(agreement.agreeing) / Double(agreement.total))
        }
        let written = writer.lastWrittenMillis.load(ordering: .acquiring)
        if written != Int64.min { metrics.snapshotAge.record(Double(WallClock.millis() - written) / 1000) }
        let ready = isReady
        metrics.ready.record(ready ? 1 : 0)
        // A restore in progress is not drift: sample only once every partition is restored.
        if ready {
            let streamTime = summaries.values.map(\.streamTime.millisecondsSinceEpoch).filter { $0 != Int64.min }.max()
            drift.sampleIfDue(at: WallClock.millis(), streamTime: streamTime) { buckets }
        }
    }

    /// Lists every output partition and where each stood at start. A failure here stops the
    /// start: a snapshot that recorded too few output partitions would let a later recovery scan
    /// miss outputs.
    private func recordStartPositions(_ consumer: KafkaConsumer) throws(DaemonError) {
        var list: [KafkaTopicPartition] = []
        var starts: [KafkaTopicPartition: Int64] = [:]
        do throws(KafkaError) {
            let admin = try KafkaAdmin(configuration: kafka, logger: logger)
            for topic in publisher.outputTopics {
                let count = try admin.partitionCount(topic: topic)
                for p in 0..<Int32(count) {
                    let tp = KafkaTopicPartition(topic: topic, partition: p)
                    list.append(tp)
                    starts[tp] = try consumer.watermarks(topic: topic, partition: p).high
                }
            }
        } catch {
            throw DaemonError(.kafka, "cannot read the output topics' partitions and positions", underlying: error)
        }
        control.outputPartitions.withLock { $0 = list }
        control.startPositions.withLock { $0 = starts }
    }
}
