import Foundation
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// Writes partition snapshots on its own thread, so no worker serializes, writes or fsyncs.
///
/// A worker hands over a copy of its partition's state taken at a safe point (between records;
/// the lead book is copy-on-write, so the copy is cheap until the worker changes it) together with
/// the output positions a recovery scan must start from. The writer first flushes the producer,
/// so every output of the copied state is in Kafka before a snapshot claims it (a crash right
/// after can then never lose an output), then serializes, writes atomically, and commits the
/// input offsets (kept for lag monitoring; recovery reads the offsets from the snapshots).
///
/// Each snapshot is also a checkpoint in the state topic (`StateTopicWriter`): the full state
/// when the partition's chain starts, else only what changed since the previous job. With no
/// local directory (`snapshots.dir: none`) the state topic holds the only copy, and a delta job
/// serializes only the changed leads.
final class SnapshotWriter: @unchecked Sendable {
    // @unchecked Sendable: `jobs` and `stopping` are only touched with `condition` locked; the
    // other stored properties are immutable and Sendable.

    /// One partition's state to write.
    struct Job: Sendable {
        var partition: Int32
        var book: LeadBook
        /// The challenger's book, written beside the live one (`PartitionState`).
        var challenger: LeadBook? = nil
        var nextOffset: Int64
        var positions: [Snapshot.OutputPosition]
        var configVersion: String
        var reason: String
        /// The first checkpoint of the partition's state as this worker holds it (after an
        /// assignment or a reload): its checkpoint in the state topic must be a base. Otherwise
        /// `book`'s changes since the partition's previous job are what a delta holds.
        var startsChain = true
        /// The state topic's chain found when the partition was restored (first job only): the
        /// writer tombstones it once this instance's base is committed.
        var adopt: StateCommit?
        /// Signalled once written (or failed); nil when nobody waits.
        var done: WorkDone?
    }

    /// The local snapshot directory (nil: none; the state topic holds the only copy).
    private let store: SnapshotStore?
    /// The state topic's writer; only this writer's thread uses it.
    private let state: StateTopicWriter?
    private let publisher: OutputPublisher
    private let topic: String
    private let commit: @Sendable ([KafkaTopicPartition: Int64]) -> Void
    private let onFatal: @Sendable (DaemonError) -> Void
    private let fence: MembershipFence
    private let metrics: DaemonMetrics
    private let logger: Logger
    private let condition = NSCondition()
    private var jobs: [Job] = []
    /// Signalled once every job queued before them has been written (see `barrier`).
    private var barriers: [WorkDone] = []
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)
    /// Wall-clock milliseconds of the newest snapshot written (Int64.min: none).
    let lastWrittenMillis = Atomic<Int64>(Int64.min)

    /// `commit` receives the input offsets a written snapshot made safe (the pipeline hands them
    /// to the poll thread, the consumer's one user).
    init(store: SnapshotStore?, state: StateTopicWriter?, publisher: OutputPublisher, topic: String, fence: MembershipFence, metrics: DaemonMetrics, logger: Logger,
         commit: @escaping @Sendable ([KafkaTopicPartition: Int64]) -> Void, onFatal: @escaping @Sendable (DaemonError) -> Void) {
        self.store = store
        self.state = state
        self.fence = fence
        self.publisher = publisher
        self.topic = topic
        self.metrics = metrics
        self.logger = logger
        self.commit = commit
        self.onFatal = onFatal
    }

    /// Starts the writer thread.
    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "leadscore-snapshots"
        thread.start()
    }

    /// Queues a snapshot.
    func submit(_ job: Job) {
        condition.lock()
        jobs.append(job)
        condition.broadcast()
        condition.unlock()
    }

    /// Signalled once every job submitted before it (the one being written included) is written
    /// or failed: a revoke or shutdown that has nothing new to snapshot still waits for the
    /// interval's checkpoint in flight, or the next owner would restore an older one.
    func barrier() -> WorkDone {
        let done = WorkDone()
        condition.lock()
        barriers.append(done)
        condition.broadcast()
        condition.unlock()
        return done
    }

    /// Writes what is queued, then stops the thread; waits for it until `deadline`, and returns
    /// whether it finished (a write still waiting on the broker past it is left behind: the
    /// process is exiting, and the next start replays from the previous snapshot).
    @discardableResult
    func stop(until deadline: ContinuousClock.Instant) -> Bool {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        let wait = max(0, (deadline - ContinuousClock.now).wholeMilliseconds)
        return finished.wait(timeout: .now() + .milliseconds(wait)) == .success
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && barriers.isEmpty && !stopping { condition.wait() }
            let batch = jobs
            let reached = barriers
            jobs.removeAll()
            barriers.removeAll()
            let done = stopping && batch.isEmpty
            condition.unlock()
            if !batch.isEmpty { write(batch) }
            for barrier in reached { barrier.signal() }
            if done { return }
        }
    }

    /// Writes one round of jobs: one flush for all of them, then each file, then one commit.
    func write(_ batch: [Job]) {
        do throws(KafkaError) {
            try publisher.flush(timeout: .seconds(60))
        } catch {
            fail(batch, DaemonError(.snapshot, "flush before snapshot failed", underlying: error))
            return
        }
        // A snapshot of a fenced instance could claim state another instance has moved past.
        if fence.isClosed {
            fail(batch, DaemonError(.fenced, "snapshot not written: this instance was fenced"))
            return
        }
        var commits: [KafkaTopicPartition: Int64] = [:]
        for job in batch {
            let key = KafkaTopicPartition(topic: topic, partition: job.partition)
            // The local file holds the whole state, so it costs as much as all leads: with the state
            // topic it is written when the checkpoint there is a base anyway (the bytes serve both),
            // on revoke and shutdown (a restart on this machine then reads no chain), and when the
            // state topic refused the checkpoint. An interval's delta alone costs what changed.
            let kafkaBase = state == nil || job.startsChain || !(state?.canExtend(partition: job.partition, configVersion: job.configVersion) ?? false)
            var full: [UInt8]?
            if store != nil && (kafkaBase || job.reason != Self.intervalReason) {
                guard let bytes = writeFile(job) else { continue }
                full = bytes
                commits[key] = job.nextOffset
            }
            let failure = checkpoint(job, full: full)
            if let failure {
                if store == nil {
                    job.done?.signal(failure: failure)
                    continue
                }
                if full == nil {
                    guard writeFile(job) != nil else { continue }
                    commits[key] = job.nextOffset
                }
            } else {
                lastWrittenMillis.store(WallClock.millis(), ordering: .releasing)
                commits[key] = job.nextOffset
            }
            job.done?.signal()
        }
        if !commits.isEmpty { commit(commits) }
    }

    /// The reason of the periodic snapshots (`snapshots.interval`).
    static let intervalReason = "interval"

    /// Writes the job's state to the local directory; returns its bytes, or nil after failing the
    /// job (a snapshot that cannot be written stops the daemon).
    private func writeFile(_ job: Job) -> [UInt8]? {
        guard let store else { return nil }
        let started = ContinuousClock.now
        var state: [UInt8] = []
        PartitionState.serialize(live: job.book, challenger: job.challenger, into: &state)
        let snapshot = Snapshot(topic: topic, partition: job.partition, nextOffset: job.nextOffset, outputPositions: job.positions,
                                configVersion: job.configVersion, writtenAtMillis: WallClock.millis(), state: state)
        do throws(SnapshotFileError) {
            let file = try store.write(snapshot)
            metrics.snapshotDuration.record(ContinuousClock.now - started)
            lastWrittenMillis.store(snapshot.writtenAtMillis, ordering: .releasing)
            logger.debug("snapshot written", metadata: [
                "snapshot.file": "\(file)", "snapshot.reason": "\(job.reason)", "kafka.partition": "\(job.partition)",
                "kafka.offset": "\(job.nextOffset)", "snapshot.bytes": "\(state.count)",
            ])
            return state
        } catch {
            fail([job], DaemonError(.snapshot, "snapshot not written", partition: job.partition, underlying: error))
            return nil
        }
    }

    /// Writes the job's checkpoint to the state topic: a delta when the partition's chain can take
    /// one, else the full state (`full` when the file's serialization already made it). A failure
    /// is logged, counted and returned, never fatal: the local snapshot (if any) is written, and
    /// the next checkpoint starts a new base.
    private func checkpoint(_ job: Job, full: [UInt8]?) -> DaemonError? {
        guard let writer = self.state else { return nil }
        if let adopt = job.adopt { writer.adopt(adopt) }
        let started = ContinuousClock.now
        var bytes: [UInt8] = []
        var kind = StateCommit.Kind.base
        if !job.startsChain && writer.canExtend(partition: job.partition, configVersion: job.configVersion) {
            var book = job.book
            var challenger = job.challenger
            PartitionState.serializeDelta(live: &book, challenger: &challenger, into: &bytes)
            kind = .delta
        } else if let full {
            bytes = full
        } else {
            PartitionState.serialize(live: job.book, challenger: job.challenger, into: &bytes)
        }
        do throws(KafkaError) {
            let commit = try writer.write(bytes, kind: kind, inputTopic: topic, partition: job.partition, nextOffset: job.nextOffset,
                                          positions: job.positions, configVersion: job.configVersion, writtenAtMillis: WallClock.millis())
            metrics.checkpointDuration[kind.name].record(ContinuousClock.now - started)
            metrics.checkpointBytes[kind.name].increment(by: Int64(bytes.count))
            logger.debug("checkpoint written to the state topic", metadata: [
                "kafka.topic": "\(writer.topic)", "kafka.partition": "\(job.partition)", "kafka.offset": "\(job.nextOffset)",
                "leadscore.checkpoint": "\(kind.name)", "leadscore.chain": "\(commit.chain.count)", "snapshot.bytes": "\(bytes.count)",
            ])
            return nil
        } catch {
            writer.reset(job.partition)
            metrics.checkpointFailures.increment()
            logger.error("checkpoint not written to the state topic; the next one starts a new base", metadata: [
                "kafka.partition": "\(job.partition)", "leadscore.error": "\(error)",
            ])
            return DaemonError(.snapshot, "checkpoint not written to the state topic", partition: job.partition, underlying: error)
        }
    }

    private func fail(_ batch: [Job], _ error: DaemonError) {
        logger.critical("snapshot failed; stopping", metadata: ["leadscore.error": "\(error)"])
        onFatal(error)
        for job in batch { job.done?.signal(failure: error) }
    }
}
