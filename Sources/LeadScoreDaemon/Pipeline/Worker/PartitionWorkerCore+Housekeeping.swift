import LeadScoreCore
import LeadScoreKafka

/// Between rounds: the idle clock, periodic snapshots, and configuration reloads.
extension PartitionWorkerCore {
    /// Idle clock, periodic snapshots. Reads the clock once.
    mutating func housekeeping(now: ContinuousClock.Instant) throws(DaemonError) {
        if now - lastHousekeeping >= .milliseconds(500) {
            lastHousekeeping = now
            try advanceIdlePartitions(now: now)
            if challengerScoring != nil {
                for id in partitions.keys { partitions[id]?.refreshAgreement(now: now) }
            }
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
            var json = JSONWriter()
            for id in core.partitions.keys.sorted() {
                guard var p = core.partitions.removeValue(forKey: id) else { continue }
                defer { core.partitions[id] = p }
                let idle = now - p.lastInputAt
                let base = p.streamTimeAtLastInput.millisecondsSinceEpoch
                guard idle >= idleAfter, base != Int64.min else { continue }
                core.outputs.removeAll(keepingCapacity: true)
                core.challengerOutputs.removeAll(keepingCapacity: true)
                let target = Timestamp(millisecondsSinceEpoch: base + idle.milliseconds)
                var desk = core.environment.reps.desk
                p.book.advance(to: target, reps: &desk, into: &core.outputs)
                if p.challenger != nil {
                    var none = NoRoutingDesk()
                    p.challenger?.advance(to: target, reps: &none, into: &core.challengerOutputs)
                }
                do throws(KafkaError) {
                    try core.emit(partition: &p, sourceOffset: p.nextOffset - 1, inputTimestamp: nil, counts: &counts, json: &json)
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
        partitions[id]?.challenger?.markCheckpointed()
        partitions[id]?.checkpointChained = true
        partitions[id]?.adoptedChain = nil
        return SnapshotWriter.Job(partition: id, book: p.book, challenger: p.challenger, nextOffset: p.nextOffset, positions: positions,
                                  configVersion: scoring.version, reason: reason, startsChain: !p.checkpointChained,
                                  adopt: p.adoptedChain, done: wait ? WorkDone() : nil)
    }

    /// Re-opens every book under the new configurations (through their snapshot form): the live
    /// book under the live model, the challenger's under the challenger's (a challenger added
    /// by this reload starts from the live book). A book that refuses keeps the running
    /// configurations; the failure is logged.
    mutating func reload(_ models: ScoringModels) {
        var states: [Int32: PartitionState] = [:]
        do {
            for (id, p) in partitions {
                var bytes: [UInt8] = []
                PartitionState.serialize(live: p.book, challenger: p.challenger, into: &bytes)
                states[id] = try PartitionState(deserializing: bytes, models: models)
            }
        } catch {
            environment.logger.error("reload rejected by a partition: its state cannot move to the new configuration",
                                     metadata: ["leadscore.error": "\(error)", "leadscore.config_version": "\(models.live.version)"])
            return
        }
        let now = ContinuousClock.now
        // Conversion under a new challenger counts from when it is in place.
        let newChallenger = models.challenger?.version != challengerScoring?.version
        for (id, state) in states {
            if newChallenger { partitions[id]?.outcomes = OutcomesByModel() }
            partitions[id]?.book = state.live
            partitions[id]?.challenger = state.challenger
            partitions[id]?.agreement = state.challenger.map { BucketAgreement(live: state.live, challenger: $0) }
            partitions[id]?.agreementAt = now
            partitions[id]?.checkpointChained = false
        }
        self.scoring = models.live
        self.challengerScoring = models.challenger
    }
}
