import LeadScoreCore
import LeadScoreKafka

/// Where dead letters are made: a record too large to decode, a tombstone, a decoding error, or
/// an event the engine refused (future stamp, wrong topic, no key). Each becomes one record on
/// the dead-letter topic, written once (de-duplicated like any output after a restore).
extension PartitionWorkerCore {
    /// Decodes record `i`, the run's record at `position`, into the look-ahead: its event, or
    /// the dead letter it makes when it cannot be used (too large, a tombstone, not an event).
    /// Decoding needs no state, so the worker decodes a couple of records ahead of the one it
    /// applies (`LookAhead`). A record below `nextOffset` (already in the book: a redelivery) is
    /// left undecoded, as `process` skips it; the run's records come in offset order, so one at
    /// or past it now is still due when its turn comes.
    func decode(_ batch: any RecordBatch, index i: Int, position: Int, book: LeadBook, nextOffset: Int64) {
        guard batch.offset(at: i) >= nextOffset else { return lookAhead.release(position) }
        let maxEventBytes = configuration.stream.maxEventBytes
        if batch.valueCount(at: i) > maxEventBytes {
            return lookAhead.put(letter: DeadLetter(tooLarge: batch.message(at: i), limit: maxEventBytes), at: position)
        }
        batch.withValue(at: i) { value in
            guard let value else {
                return lookAhead.put(letter: DeadLetter(reason: DeadLetter.Reason.tombstone, field: nil, message: "a record with no value",
                                                        input: batch.message(at: i)), at: position)
            }
            do throws(EventDecodingError) {
                lookAhead.put(event: try decoder.decode(value), at: position, book: book)
            } catch {
                lookAhead.put(letter: DeadLetter(decodingError: error, input: batch.message(at: i)), at: position)
            }
        }
    }

    /// Applies one decoded event; returns the dead letter when it was refused.
    ///
    /// `event` is read where it lies (in the look-ahead): passed on as `pointee`, never bound to
    /// a name of its own, which would copy it (~180 bytes, its strings retained).
    mutating func apply(_ event: UnsafePointer<InputEvent>, to p: inout WorkerPartition, notAfter: Timestamp, counts: inout BatchCounts,
                        batch: any RecordBatch, index i: Int) -> DeadLetter? {
        var desk = environment.reps.desk
        let outcome = p.book.apply(event.pointee, reps: &desk, into: &outputs, notAfter: notAfter)
        if p.challenger != nil {
            // The challenger sees every event the live model does, and only scores.
            var none = NoRoutingDesk()
            p.challenger?.apply(event.pointee, reps: &none, into: &challengerOutputs, notAfter: notAfter)
        }
        switch outcome {
        case .applied:
            counts.eventsIn[event.pointee.typeIndex] += 1
            return nil
        case .appliedCapped:
            counts.eventsIn[event.pointee.typeIndex] += 1
            if case .engagement(let e) = event.pointee { counts.capped[e.signal.rawValue, default: 0] += 1 }
            return nil
        case .rejectedFuture:
            return DeadLetter(reason: DeadLetter.Reason.futureTimestamp, field: "occurred_at",
                              message: "occurred_at \(event.pointee.occurredAt) is later than now + \(ConfigDuration.format(configuration.stream.maxFutureSkew))",
                              input: batch.message(at: i))
        case .ignored:
            return DeadLetter(reason: DeadLetter.Reason.wrongTopic, field: "type",
                              message: "\(event.pointee.typeName) belongs on the rep events topic", input: batch.message(at: i))
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
