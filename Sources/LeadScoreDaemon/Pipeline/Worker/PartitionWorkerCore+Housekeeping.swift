import LeadScoreCore
import LeadScoreKafka

/// Between rounds: the idle clock, periodic snapshots, and configuration reloads.
extension PartitionWorkerCore {
    /// Idle clock, periodic snapshots. Reads the clock once.
    mutating func housekeeping(now: ContinuousClock.Instant) throws(DaemonError) {
        if now - lastHousekeeping >= .milliseconds(500) {
            lastHousekeeping = now
            try advanceIdlePartitions(now: now)
        }
        if now - lastSnapshot >= configuration.snapshots.interval {
            lastSnapshot = now
            for id in partitions.keys.sorted() {
                if let job = snapshotJob(id, reason: SnapshotWriter.intervalReason, wait: false) { environment.snapshots.submit(job) }
            }
        }
    }

    /// With the idle clock on, a partition with no input for `idleAfter` has its stream time follow
    /// the wall clock (from where it stood when input stopped), so decay downgrades still fire.
    mutating func advanceIdlePartitions(now: ContinuousClock.Instant) throws(DaemonError) {
        guard configuration.stream.idleClock else { return }
        let idleAfter = configuration.stream.idleAfter
        var counts = BatchCounts()
        defer { counts.report(to: environment.metrics) }
        try inTransaction { (core: inout PartitionWorkerCore) throws(DaemonError) in
            for id in core.partitions.keys.sorted() {
                guard var p = core.partitions.removeValue(forKey: id) else { continue }
                defer { core.partitions[id] = p }
                let idle = now - p.lastInputAt
                let base = p.streamTimeAtLastInput.millisecondsSinceEpoch
                guard idle >= idleAfter, base != Int64.min else { continue }
                core.outputs.removeAll(keepingCapacity: true)
                let target = Timestamp(millisecondsSinceEpoch: base + idle.milliseconds)
                var desk = core.environment.reps.desk
                p.book.advance(to: target, reps: &desk, into: &core.outputs)
                do throws(KafkaError) {
                    try core.emit(partition: &p, sourceOffset: p.nextOffset - 1, inputTimestamp: nil, counts: &counts)
                } catch {
                    throw DaemonError(.kafka, "cannot produce an idle-clock output", partition: id, underlying: error)
                }
            }
        }
    }

    /// A snapshot job for a partition whose state changed since its last snapshot (nil if none).
    mutating func snapshotJob(_ id: Int32, reason: String, wait: Bool) -> SnapshotWriter.Job? {
        guard let p = partitions[id], p.changedSinceSnapshot else { return nil }
        // While outputs found by the recovery scan have not all been met again by the replay, a
        // new snapshot keeps the restored scan start, or a second crash would scan too little.
        let positions = p.holdsRecoveredOutputs ? p.restoredPositions : environment.outputPositions()
        partitions[id]?.snapshotted = (p.nextOffset, p.book.streamTime)
        // The job's copy holds the changes since the previous job (a delta for the state topic);
        // the worker's book starts counting anew. Only the change marks are copied, not the leads.
        partitions[id]?.book.markCheckpointed()
        partitions[id]?.checkpointChained = true
        partitions[id]?.adoptedChain = nil
        return SnapshotWriter.Job(partition: id, book: p.book, nextOffset: p.nextOffset, positions: positions,
                                  configVersion: scoring.version, reason: reason, startsChain: !p.checkpointChained,
                                  adopt: p.adoptedChain, done: wait ? WorkDone() : nil)
    }

    /// Re-opens every book under a new configuration (through its snapshot form). A book that
    /// refuses keeps the running configuration; the failure is logged.
    mutating func reload(_ scoring: ScoringConfig) {
        var books: [Int32: LeadBook] = [:]
        do {
            for (id, p) in partitions {
                var bytes: [UInt8] = []
                p.book.serialize(into: &bytes)
                books[id] = try LeadBook(deserializing: bytes, config: scoring)
            }
        } catch {
            environment.logger.error("reload rejected by a partition: its state cannot move to the new configuration",
                                     metadata: ["leadscore.error": "\(error)", "leadscore.config_version": "\(scoring.version)"])
            return
        }
        for (id, book) in books {
            partitions[id]?.book = book
            partitions[id]?.checkpointChained = false
        }
        self.scoring = scoring
    }
}
