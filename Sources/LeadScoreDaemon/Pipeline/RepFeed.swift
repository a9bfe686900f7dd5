import Foundation
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// Reads every partition of the rep events topic and of the routing topic, on its own thread,
/// from the rep state's newest checkpoint on (from the beginning when there is none), and applies
/// what it reads to the rep state.
///
/// Rep state is global: every instance reads all of it, so rep windows, availability and tiers are
/// the same everywhere, and every instance counts the routing decisions of the others toward each
/// rep's load today (its own it counts as it makes them). Each polled batch is applied under the
/// rep state's lock in one step.
///
/// A routing record is read from its `leadscore-routing` header when it has one this build reads
/// (`RoutedRecord+Header`), else from its JSON (`RoutedRecord.parse`).
///
/// The feed also keeps the live uplift (`UpliftTally`): every instance's routing decisions and
/// every `converted` outcome pass through it, on the feed's thread, which publishes the counts
/// after each batch that changed them.
///
/// Checkpoints: while this instance holds input partition 0, the feed writes the rep state and
/// the tally to the state topic every `snapshots.interval` (`RepCheckpoint`), from its own thread,
/// holding no lock while it writes. The book it writes is the one the topics make below the
/// feed's positions: this process's decisions not yet read back are taken out (`OwnDecisions`).
final class RepFeed: Sendable {
    /// What the feed applies to the rep book.
    enum Item: Sendable {
        /// A rep event.
        case event(InputEvent)
        /// Another instance routed a lead to this rep at this moment.
        case routedElsewhere(repID: String, at: Timestamp)
        /// A lead of another instance breached its first-touch deadline (`at`) with this rep.
        case breachedElsewhere(repID: String, at: Timestamp)
        /// This process's own decision or breach, read back: counted when it was made, it now
        /// belongs to the positions a checkpoint covers.
        case ownRead(OwnDecisions.Key)
    }

    private let reader: KafkaPartitionReader
    private let routingTopic: String
    private let instanceBytes: [UInt8]
    private let instanceHeader = OutputPublisher.Header.instance.description
    private let erasedLeadHeader = OutputPublisher.Header.erasedLead.description
    private let routingHeader = OutputPublisher.Header.routing.description
    /// Rep events stamped later than now + this are skipped: applied, one would slide every
    /// rep's windows past its outcomes, and the topic is re-read at every start.
    private let maxFutureSkew: Duration
    private let decoder = EventDecoder()
    private let logger: Logger
    private let metrics: DaemonMetrics
    private let reps: RepState
    private let caughtUpOnce = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)
    /// Most leads the uplift tally remembers.
    let upliftMaxLeads: Int
    private let publishedUplift = Mutex(UpliftTally.Counts())
    /// The tally the loop starts from (a checkpoint's, or empty).
    private let initialUplift: UpliftTally
    /// Where each partition starts (a checkpoint's positions; absent: the beginning).
    private let startPositions: [KafkaTopicPartition: Int64]
    private let repTopic: String
    /// Where rep checkpoints go (nil: none are written).
    private let checkpoints: StateTopicWriter?
    private let checkpointInterval: Duration
    /// Set while this instance holds input partition 0 (the pipeline says at each rebalance).
    private let writesCheckpoints = Atomic<Bool>(false)
    /// The shutdown's checkpoint, asked by `checkpointNow` and done by the feed's own thread.
    private let finalCheckpointRequested = Atomic<Bool>(false)
    private let finalCheckpointDone = WorkDone()
    /// Receives each batch's `lead_outcome` events (after they are applied), when set.
    private let outcomeSink = Mutex<(@Sendable ([LeadOutcomeEvent]) -> Void)?>(nil)

    /// Hands every batch's outcomes to `sink` from now on (the pipeline passes them to the
    /// workers, which count them by bucket under the live model and the challenger).
    func onOutcomes(_ sink: @escaping @Sendable ([LeadOutcomeEvent]) -> Void) {
        outcomeSink.withLock { $0 = sink }
    }

    init(configuration: KafkaConfiguration, repTopic: String, routingTopic: String, instanceID: String, reps: RepState,
         maxFutureSkew: Duration = .seconds(3600), upliftMaxLeads: Int = DaemonConfiguration.UpliftSettings().maxLeads,
         restored: RepCheckpoint? = nil, checkpoints: StateTopicWriter? = nil, checkpointInterval: Duration = .seconds(30),
         logger: Logger, metrics: DaemonMetrics) throws(KafkaError) {
        self.reps = reps
        self.upliftMaxLeads = upliftMaxLeads
        self.repTopic = repTopic
        self.initialUplift = restored?.uplift ?? UpliftTally(maxLeads: upliftMaxLeads)
        let starts = Dictionary((restored?.positions ?? []).map { ($0.topicPartition, $0.offset) }) { max($0, $1) }
        self.startPositions = starts
        self.checkpoints = checkpoints
        self.checkpointInterval = checkpointInterval
        self.reader = try KafkaPartitionReader(configuration: configuration, topics: [repTopic, routingTopic],
                                               defaultStart: .beginning, startOffsets: starts.mapValues { .offset($0) }, logger: logger)
        self.routingTopic = routingTopic
        self.instanceBytes = Array(instanceID.utf8)
        self.maxFutureSkew = maxFutureSkew
        self.logger = logger
        self.metrics = metrics
    }

    /// True once every partition of the topic has been read to its end at least once.
    var isCaughtUp: Bool { caughtUpOnce.load(ordering: .acquiring) }

    /// The uplift counts as of the last batch read.
    var uplift: UpliftTally.Counts { publishedUplift.withLock { $0 } }

    /// Applies items to a rep book and this process's decisions not yet read back (in order).
    static func apply(_ items: [Item], to book: inout RepBook, own: inout OwnDecisions) {
        for item in items {
            switch item {
            case .event(let event): book.apply(event)
            case .routedElsewhere(let repID, let at): book.recordRouting(repID: repID, at: at)
            case .breachedElsewhere(let repID, let at): book.recordBreach(repID: repID, at: at)
            case .ownRead(let key): own.remove(key)
            }
        }
    }

    /// Whether this instance writes the rep checkpoints (it holds input partition 0).
    func setWritesCheckpoints(_ value: Bool) { writesCheckpoints.store(value, ordering: .releasing) }

    /// Starts the reading thread.
    func start() {
        let thread = Thread { [self] in
            loop()
        }
        thread.name = "leadscore-rep-feed"
        thread.start()
    }

    /// Asks the thread to stop; it does within one poll timeout.
    func stop() { stopRequested.store(true, ordering: .releasing) }

    /// At shutdown, once the outputs are flushed: asks the feed's thread to read both topics to
    /// their present ends (this instance's last decisions included) and write one more checkpoint
    /// (if this instance writes them and anything was read since the last), so the next start
    /// reads the topics from there rather than from the last interval's. Waits up to `timeout`;
    /// false when it did not finish (the next start then reads a little more, nothing is lost).
    func checkpointNow(timeout: Duration) -> Bool {
        finalCheckpointRequested.store(true, ordering: .releasing)
        return finalCheckpointDone.wait(timeout: timeout)
    }

    /// The present end of every partition the feed reads (the shutdown checkpoint's target);
    /// a partition whose end cannot be asked is left out.
    private func presentEnds() -> [KafkaTopicPartition: Int64] {
        var ends: [KafkaTopicPartition: Int64] = [:]
        for tp in reader.partitions {
            do throws(KafkaError) {
                ends[tp] = try reader.queryWatermarks(topic: tp.topic, partition: tp.partition, timeout: .seconds(2)).high
            } catch {
                logger.debug("rep feed end query failed", metadata: ["kafka.topic": "\(tp.topic)", "kafka.error": "\(error)"])
            }
        }
        return ends
    }

    private func loop() {
        var uplift = initialUplift
        publishedUplift.withLock { $0 = uplift.counts }
        var positions = startPositions
        var checkpointed = startPositions
        var lastCheckpoint = ContinuousClock.now
        // The shutdown checkpoint: the ends to read to first, and how long to try.
        var finalTarget: (ends: [KafkaTopicPartition: Int64], deadline: ContinuousClock.Instant)?
        while !stopRequested.load(ordering: .acquiring) {
            let batch: KafkaRecordBatch
            do {
                batch = try reader.pollRecords(maxMessages: 5_000, timeout: .milliseconds(100))
            } catch {
                logger.warning("rep events poll failed", metadata: ["kafka.error": "\(error)"])
                continue
            }
            var decoded: [Item] = []
            var outcomes: [LeadOutcomeEvent] = []
            let notAfter = Timestamp(millisecondsSinceEpoch: WallClock.millis() + maxFutureSkew.milliseconds)
            let upliftBefore = uplift.counts
            // Records come in runs of one partition: a run's topic is compared once, and its
            // position is written once, after its last record (offsets only grow within a run).
            var runIsRouting = false
            var startsRun = true
            for i in 0..<batch.count {
                let partition = batch.partition(at: i)
                if startsRun { runIsRouting = batch.topic(at: i) == routingTopic }
                // This record ends its run: the next one (if any) starts another.
                startsRun = i + 1 == batch.count || batch.partition(at: i + 1) != partition || batch.topic(at: i + 1) != batch.topic(at: i)
                if startsRun {
                    positions[KafkaTopicPartition(topic: batch.topic(at: i), partition: partition)] = batch.offset(at: i) + 1
                }
                if runIsRouting {
                    // Load: this instance counted its own decisions as it made them; reading one back
                    // only moves it into what a checkpoint covers. An erasure's tombstone (no value,
                    // the erased lead in a header): the tally forgets the lead.
                    if batch.withValue(at: i, { $0 == nil }),
                       let erased = batch.withHeader(at: i, named: erasedLeadHeader, { $0.map { String(decoding: $0, as: UTF8.self) } }) {
                        uplift.forget(leadID: erased)
                        continue
                    }
                    let own = batch.withHeader(at: i, named: instanceHeader) { header in
                        header.map { h in instanceBytes.withUnsafeBytes { Self.sameBytes(h, $0) } } ?? false
                    }
                    // The routing header when the record has one this build reads, else the JSON.
                    guard let routed = batch.withHeader(at: i, named: routingHeader, { $0.flatMap(RoutedRecord.init(header:)) })
                        ?? batch.withValue(at: i, { $0.flatMap { RoutedRecord.parse($0) } }) else { continue }
                    if routed.kind == .breached {
                        if let repID = routed.repID, let at = routed.occurredAt {
                            decoded.append(own ? .ownRead(OwnDecisions.Key(.breach, repID: repID, at: at)) : .breachedElsewhere(repID: repID, at: at))
                        }
                        continue
                    }
                    uplift.recordRouting(leadID: routed.leadID, bucket: routed.bucket, holdout: routed.holdout)
                    if let item = Self.load(routed, own: own) { decoded.append(item) }
                    continue
                }
                guard let item = repItem(batch.message(at: i), notAfter: notAfter) else { continue }
                if case .event(.leadOutcome(let outcome)) = item {
                    if outcome.outcome == .converted { uplift.recordConversion(leadID: outcome.leadID) }
                    outcomes.append(outcome)
                }
                decoded.append(item)
            }
            if !decoded.isEmpty { reps.withBookAndOwn { Self.apply(decoded, to: &$0, own: &$1) } }
            if !outcomes.isEmpty, let sink = outcomeSink.withLock({ $0 }) { sink(outcomes) }
            if uplift.counts != upliftBefore {
                let counts = uplift.counts
                publishedUplift.withLock { $0 = counts }
            }
            if !isCaughtUp && reader.isAtEnd {
                caughtUpOnce.store(true, ordering: .releasing)
                logger.info("rep events caught up")
            }
            if finalCheckpointRequested.exchange(false, ordering: .acquiringAndReleasing) {
                finalTarget = (presentEnds(), ContinuousClock.now + .seconds(2))
            }
            let final = finalTarget.map { target in
                ContinuousClock.now >= target.deadline || target.ends.allSatisfy { positions[$0.key, default: 0] >= $0.value }
            } ?? false
            if isCaughtUp, let checkpoints, writesCheckpoints.load(ordering: .acquiring), positions != checkpointed,
               final || ContinuousClock.now - lastCheckpoint >= checkpointInterval {
                lastCheckpoint = ContinuousClock.now
                if writeCheckpoint(checkpoints, positions: positions, uplift: uplift) { checkpointed = positions }
            }
            if final {
                finalTarget = nil
                finalCheckpointDone.signal()
            }
        }
        do throws(KafkaError) { try reader.close() } catch {
            logger.debug("rep reader close failed", metadata: ["kafka.error": "\(error)"])
        }
    }

    /// Why a record on the rep events topic is not applied.
    struct Skip: Error, Equatable {
        /// Metric label and log field: a decoding error code, `tombstone`, `wrong_topic`, `future_timestamp`.
        var reason: String
        /// What is wrong, for the log.
        var message: String
    }

    /// Decides what a record of the rep events topic is: a rep event to apply, or a skip. Every
    /// instance reads every rep event, so a bad one is logged and counted rather than
    /// dead-lettered once per instance.
    static func classify(_ message: KafkaMessage, decoder: EventDecoder, notAfter: Timestamp, maxFutureSkew: Duration) -> Result<InputEvent, Skip> {
        guard let value = message.value else {
            return .failure(Skip(reason: DeadLetter.Reason.tombstone, message: "a record with no value"))
        }
        let event: InputEvent
        do {
            event = try decoder.decode(value)
        } catch {
            return .failure(Skip(reason: error.code.name, message: "\(error)"))
        }
        guard event.isRepEvent else {
            return .failure(Skip(reason: DeadLetter.Reason.wrongTopic, message: "\(event.typeName) belongs on the lead events topic"))
        }
        guard event.occurredAt <= notAfter else {
            return .failure(Skip(reason: DeadLetter.Reason.futureTimestamp,
                                 message: "occurred_at \(event.occurredAt) is later than now + \(ConfigDuration.format(maxFutureSkew))"))
        }
        return .success(event)
    }

    private func repItem(_ message: KafkaMessage, notAfter: Timestamp) -> Item? {
        switch Self.classify(message, decoder: decoder, notAfter: notAfter, maxFutureSkew: maxFutureSkew) {
        case .success(let event):
            metrics.eventsIn[event.typeName].increment()
            return .event(event)
        case .failure(let skip):
            metrics.repEventsSkipped[skip.reason].increment()
            logger.log(level: skip.reason == DeadLetter.Reason.tombstone ? .info : .warning, "rep event skipped", metadata: [
                "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
                "leadscore.reason": "\(skip.reason)", "leadscore.error": "\(skip.message)",
            ])
            return nil
        }
    }

    /// Writes the rep state as the topics make it below `positions` (called between batches, so
    /// the book reflects exactly what was read). True once the broker has the whole checkpoint.
    private func writeCheckpoint(_ writer: StateTopicWriter, positions: [KafkaTopicPartition: Int64], uplift: UpliftTally) -> Bool {
        let started = ContinuousClock.now
        let list = positions.sorted { $0.key < $1.key }.map {
            Snapshot.OutputPosition(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value)
        }
        let checkpoint = RepCheckpoint(book: reps.checkpointBook(), uplift: uplift, positions: list)
        let bytes = checkpoint.encode()
        do throws(KafkaError) {
            try writer.write(bytes, kind: .base, inputTopic: repTopic, partition: StateTopic.repPartition,
                             nextOffset: checkpoint.coveredRecords, positions: list, configVersion: "", writtenAtMillis: WallClock.millis())
        } catch {
            metrics.checkpointFailures.increment()
            logger.warning("rep state checkpoint failed; the next one is tried at the next interval", metadata: ["kafka.error": "\(error)"])
            return false
        }
        metrics.checkpointDuration[Self.checkpointKind].record(ContinuousClock.now - started)
        metrics.checkpointBytes[Self.checkpointKind].increment(by: Int64(bytes.count))
        return true
    }

    /// The `kind` label of rep checkpoints in the checkpoint metrics.
    static let checkpointKind = "reps"

    /// Byte-wise equality of two buffers (one `memcmp`).
    static func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }

    /// The load a routing decision puts on its rep, when it went to one (not sticky, not
    /// self-serve): another instance's is counted now; this process's own was counted when it was
    /// made, and reading it back only moves it into what a checkpoint covers.
    static func load(_ routed: RoutedRecord, own: Bool) -> Item? {
        guard let repID = routed.repID, repID != "self_serve", !routed.sticky, let at = routed.occurredAt else { return nil }
        return own ? .ownRead(OwnDecisions.Key(.load, repID: repID, at: at)) : .routedElsewhere(repID: repID, at: at)
    }
}
