import LeadScoreCore
import LeadScoreKafka

/// Where dead letters are made: a record too large to decode, a tombstone, a decoding error, or
/// an event the engine refused (future stamp, wrong topic, no key). Each becomes one record on
/// the dead-letter topic, written once (de-duplicated like any output after a restore).
extension PartitionWorkerCore {
    /// Decodes record `i` and applies it to `p`; returns the dead letter when it cannot be used.
    mutating func decodeAndApply(_ batch: any RecordBatch, index i: Int, partition p: inout WorkerPartition, notAfter: Timestamp,
                                 counts: inout BatchCounts) -> DeadLetter? {
        let maxEventBytes = configuration.stream.maxEventBytes
        if batch.valueCount(at: i) > maxEventBytes {
            return DeadLetter(tooLarge: batch.message(at: i), limit: maxEventBytes)
        }
        // The event is applied where it was decoded: handed out of the closure (in a Result, an
        // Optional), its ~180 bytes would be copied at each step.
        return batch.withValue(at: i) { value -> DeadLetter? in
            guard let value else {
                return DeadLetter(reason: DeadLetter.Reason.tombstone, field: nil, message: "a record with no value", input: batch.message(at: i))
            }
            let event: InputEvent
            do throws(EventDecodingError) {
                event = try decoder.decode(value)
            } catch {
                return DeadLetter(decodingError: error, input: batch.message(at: i))
            }
            return apply(event, to: &p, notAfter: notAfter, counts: &counts, batch: batch, index: i)
        }
    }

    /// Applies one decoded event; returns the dead letter when it was refused.
    private mutating func apply(_ event: InputEvent, to p: inout WorkerPartition, notAfter: Timestamp, counts: inout BatchCounts,
                                batch: any RecordBatch, index i: Int) -> DeadLetter? {
        var desk = environment.reps.desk
        let outcome = p.book.apply(event, reps: &desk, into: &outputs, notAfter: notAfter)
        if p.challenger != nil {
            // The challenger sees every event the live model does, and only scores.
            var none = NoRoutingDesk()
            p.challenger?.apply(event, reps: &none, into: &challengerOutputs, notAfter: notAfter)
        }
        switch outcome {
        case .applied:
            counts.eventsIn[event.typeName, default: 0] += 1
            return nil
        case .appliedCapped:
            counts.eventsIn[event.typeName, default: 0] += 1
            if case .engagement(let e) = event { counts.capped[e.signal.rawValue, default: 0] += 1 }
            return nil
        case .rejectedFuture:
            return DeadLetter(reason: DeadLetter.Reason.futureTimestamp, field: "occurred_at",
                              message: "occurred_at \(event.occurredAt) is later than now + \(ConfigDuration.format(configuration.stream.maxFutureSkew))",
                              input: batch.message(at: i))
        case .ignored:
            return DeadLetter(reason: DeadLetter.Reason.wrongTopic, field: "type",
                              message: "\(event.typeName) belongs on the rep events topic", input: batch.message(at: i))
        case .rejectedMissingKey:
            return DeadLetter(reason: DeadLetter.Reason.missingKey, field: "lead_id",
                              message: "the event names neither a lead nor an account", input: batch.message(at: i))
        }
    }

    /// Publishes a dead letter unless the recovery scan found it already written.
    func publish(_ letter: DeadLetter, partition p: inout WorkerPartition, counts: inout BatchCounts) throws(KafkaError) {
        if case .found = p.takeWritten(OutputKey(topic: .deadLetter, dedupe: letter.dedupeKey)) {
            counts.suppressed += 1
            return
        }
        try checkFence()
        try environment.publisher.publish(letter, source: p.source)
        counts.letters[letter.reason, default: 0] += 1
    }
}
