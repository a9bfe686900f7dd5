import LeadScoreCore
import LeadScoreKafka

/// The records: decode in place, score, publish, in offset order per partition.
extension PartitionWorkerCore {
    /// Decodes, scores and publishes batches of this worker's records in order, as one unit (one
    /// transaction in transactional mode).
    mutating func process(_ batches: [(batch: any RecordBatch, indexes: [Int])]) throws(DaemonError) {
        guard batches.contains(where: { !$0.indexes.isEmpty }) else { return }
        try inTransaction { (core: inout PartitionWorkerCore) throws(DaemonError) in
            for (batch, indexes) in batches { try core.processRecords(batch, indexes: indexes) }
        }
    }

    /// Runs `body`, which produces outputs; in transactional mode inside one Kafka transaction that
    /// also commits the input offsets reached. A failure aborts the transaction and is rethrown
    /// (the daemon stops; the restart recovers from the snapshots).
    mutating func inTransaction(_ body: (inout PartitionWorkerCore) throws(DaemonError) -> Void) throws(DaemonError) {
        guard configuration.kafka.transactions else { return try body(&self) }
        let producer = environment.publisher.producer
        do throws(KafkaError) { try producer.beginTransaction() } catch {
            throw DaemonError(.kafka, "cannot begin a transaction", underlying: error)
        }
        do throws(DaemonError) {
            try body(&self)
            do throws(KafkaError) {
                try environment.sendOffsets(inputOffsets)
                try producer.commitTransaction()
            } catch {
                throw DaemonError(.kafka, "cannot commit the transaction", underlying: error)
            }
        } catch {
            do throws(KafkaError) { try producer.abortTransaction() } catch {
                environment.logger.error("transaction abort failed", metadata: ["kafka.error": "\(error)"])
            }
            throw error
        }
    }

    private var inputOffsets: [KafkaTopicPartition: Int64] {
        partitions.reduce(into: [:]) { out, entry in
            out[KafkaTopicPartition(topic: leadTopic, partition: entry.key)] = entry.value.nextOffset
        }
    }

    private mutating func processRecords(_ batch: any RecordBatch, indexes: [Int]) throws(DaemonError) {
        let started = ContinuousClock.now
        let wallNow = WallClock.millis()
        let notAfter = Timestamp(millisecondsSinceEpoch: wallNow + configuration.stream.maxFutureSkew.milliseconds)
        var counts = BatchCounts()
        defer { counts.report(to: environment.metrics) }
        // The batch's outputs are rendered into one writer in turn, each produced from where it lies.
        var json = JSONWriter()
        // Records come in runs of one partition; each run works on the partition's state taken
        // out of the dictionary (a move, not a copy) and put back at the end of the run.
        var k = 0
        while k < indexes.count {
            let id = batch.partition(at: indexes[k])
            var end = k + 1
            while end < indexes.count && batch.partition(at: indexes[end]) == id { end += 1 }
            defer { k = end }
            guard var p = partitions.removeValue(forKey: id) else { continue }
            defer { partitions[id] = p }
            lookAhead.clear()
            let ahead = LookAhead.distance
            for n in k..<min(end, k + ahead) { decode(batch, index: indexes[n], position: n - k, book: p.book, nextOffset: p.nextOffset) }
            for n in k..<end {
                let i = indexes[n]
                // Decoded ahead (see `LookAhead`): the record `ahead` on, then the next one's lead
                // record hinted; and the message after those, allocated by librdkafka's threads
                // and first read here, hinted.
                if n + ahead < end { decode(batch, index: indexes[n + ahead], position: n + ahead - k, book: p.book, nextOffset: p.nextOffset) }
                if n + 1 < end { lookAhead.hintRecord(at: n + 1 - k, book: p.book) }
                if n + ahead + 1 < end { batch.prefetch(at: indexes[n + ahead + 1]) }
                do throws(KafkaError) {
                    try process(at: n - k, batch: batch, index: i, partition: &p, notAfter: notAfter, counts: &counts, json: &json)
                } catch {
                    if environment.fence.isClosed { throw DaemonError(.fenced, "nothing more is produced", partition: id, underlying: error) }
                    throw DaemonError(.kafka, "cannot produce an output", partition: id, underlying: error)
                }
                p.lastInputAt = started
                // Under load, this thread serves the reports of what it produced (freeing their
                // memory where the next outputs are allocated); at low rates the producer's
                // delivery thread does.
                recordsSinceDeliveryServe += 1
                if recordsSinceDeliveryServe == OutputPublisher.deliveryServeInterval {
                    recordsSinceDeliveryServe = 0
                    environment.publisher.serveDeliveries()
                }
            }
        }
        environment.metrics.processingLatency.record(ContinuousClock.now - started)
    }

    /// One record of partition `p`: record `i` of `batch`, held decoded in the look-ahead at
    /// `position` (released here).
    private mutating func process(at position: Int, batch: any RecordBatch, index i: Int, partition p: inout WorkerPartition,
                                  notAfter: Timestamp, counts: inout BatchCounts, json: inout JSONWriter) throws(KafkaError) {
        defer { lookAhead.release(position) }
        let offset = batch.offset(at: i)
        guard offset >= p.nextOffset, lookAhead.holds(position) else { return }
        // (Most records leave both lists empty; emptying an empty array still checks uniqueness
        // and calls the runtime.)
        if !outputs.isEmpty { outputs.removeAll(keepingCapacity: true) }
        if !challengerOutputs.isEmpty { challengerOutputs.removeAll(keepingCapacity: true) }
        // The event is applied where it lies in the look-ahead, not copied out.
        let letter: DeadLetter?
        if let refused = lookAhead.letter(at: position) {
            letter = refused
        } else {
            letter = apply(lookAhead.event(at: position), to: &p, notAfter: notAfter, counts: &counts, batch: batch, index: i)
        }
        if let letter { try publish(letter, partition: &p, counts: &counts) }
        try emit(partition: &p, sourceOffset: offset, inputTimestamp: batch.timestampMilliseconds(at: i), counts: &counts, json: &json)
        p.nextOffset = offset + 1
        p.eventsIn += 1
        p.streamTimeAtLastInput = p.book.streamTime
    }

    /// Publishes the outputs one input (or an idle-clock advance) caused, except those the recovery
    /// scan found already written, and keeps bucket counts and the dashboard's recent decisions;
    /// the challenger's outputs of the same input go first. Each is rendered with `json`, the
    /// caller's writer (kept across its inputs).
    mutating func emit(partition p: inout WorkerPartition, sourceOffset: Int64, inputTimestamp: Int64?,
                       counts: inout BatchCounts, json: inout JSONWriter) throws(KafkaError) {
        if !challengerOutputs.isEmpty { try emitChallenger(partition: &p, sourceOffset: sourceOffset, counts: &counts, json: &json) }
        guard !outputs.isEmpty else { return }
        for output in outputs {
            if case .leadErased(let erased) = output {
                try erase(erased, partition: &p, sourceOffset: sourceOffset, counts: &counts)
                continue
            }
            if case .leadRescored(let rescored) = output { p.count(rescored) }
            // The emptiness check spares building the key (a String) for every output: the
            // recovery set is empty except for a while after a restore.
            if !p.written.isEmpty,
               case .found(let writtenRep) = p.takeWritten(OutputKey(topic: OutputTopic(output.kind), dedupe: OutputPublisher.dedupeKey(output))) {
                counts.suppressed += 1
                // The decision already written is the one downstream acted on: keep its rep even
                // if the replay, seeing other rep load, chose another.
                // The written record was counted on its rep when the rep feed read it (or when this
                // process made it); the replay's own count of the decision is taken back.
                if case .leadSLABreached(let breached) = output {
                    environment.reps.releaseReplayed(.breach, repID: breached.repID, at: breached.slaDueAt)
                }
                if case .leadRouted(let routed) = output {
                    if !routed.sticky, let rep = routed.repID, rep != "self_serve" {
                        environment.reps.releaseReplayed(.load, repID: rep, at: routed.occurredAt)
                    }
                    if let written = writtenRep, written != routed.repID {
                        p.book.adoptOwner(leadID: routed.leadID, repID: written)
                    }
                }
                continue
            }
            try checkFence()
            try environment.publisher.publish(output, source: p.source, sourceOffset: sourceOffset, inputTimestamp: inputTimestamp, json: &json)
            counts.outputs[output.kind.position] += 1
            if case .leadRouted(let routed) = output { environment.recent.append(routed) }
        }
    }

    /// The challenger's bucket changes to its topic, named by a `model` field, each written once
    /// (its keys, `lead_id:seq` of its own transitions, are checked against what the recovery scan
    /// found on that topic); an erasure tombstones the lead there.
    private mutating func emitChallenger(partition p: inout WorkerPartition, sourceOffset: Int64,
                                         counts: inout BatchCounts, json: inout JSONWriter) throws(KafkaError) {
        for output in challengerOutputs {
            switch output {
            case .leadRescored(var rescored):
                // (The emptiness check spares building the key when nothing was recovered.)
                if !p.written.isEmpty, case .found = p.takeWritten(OutputKey(topic: .challenger, dedupe: rescored.idempotencyKey)) {
                    counts.suppressed += 1
                    continue
                }
                rescored.model = ScoringModels.challengerName
                try checkFence()
                try environment.publisher.publish(.leadRescored(rescored), to: .challenger, source: p.source, sourceOffset: sourceOffset,
                                                  inputTimestamp: nil, json: &json)
                counts.challengerOutputs += 1
            case .leadErased(let erased) where erased.topics.contains(.scores):
                if !p.written.isEmpty, case .found = p.takeWritten(OutputKey(topic: .challenger, dedupe: erased.idempotencyKey)) {
                    counts.suppressed += 1
                    continue
                }
                try checkFence()
                try environment.publisher.publishTombstone(erased, topic: .challenger, source: p.source, sourceOffset: sourceOffset)
            default:
                // A scores-only book makes nothing else.
                continue
            }
        }
    }

    /// An erased lead: one tombstone per output topic it had records on (each checked against
    /// what the recovery scan found, since a crash may fall between them), and it leaves the
    /// bucket counts.
    private func erase(_ erased: LeadErased, partition p: inout WorkerPartition, sourceOffset: Int64,
                       counts: inout BatchCounts) throws(KafkaError) {
        p.uncount(erased)
        for topic in erased.topics.map(OutputTopic.init) {
            if !p.written.isEmpty, case .found = p.takeWritten(OutputKey(topic: topic, dedupe: erased.idempotencyKey)) {
                counts.suppressed += 1
                continue
            }
            try checkFence()
            try environment.publisher.publishTombstone(erased, topic: topic, source: p.source, sourceOffset: sourceOffset)
        }
        counts.outputs[OutputEvent.Kind.erased.position] += 1
    }

    /// A fenced instance writes nothing more (see `MembershipFence`).
    func checkFence() throws(KafkaError) {
        if environment.fence.isClosed {
            throw KafkaError(code: .closed, message: "fenced: this instance was paused past its group session; nothing more is produced")
        }
    }
}
