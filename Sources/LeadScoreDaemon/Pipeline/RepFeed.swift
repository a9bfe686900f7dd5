import Foundation
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// Reads every partition of the rep events topic and of the routing topic, on its own thread,
/// from the beginning, and applies what it reads to the rep state.
///
/// Rep state is global: every instance reads all of it, so rep windows, availability and tiers are
/// the same everywhere, and every instance counts the routing decisions of the others toward each
/// rep's load today (its own it counts as it makes them). Each polled batch is applied under the
/// rep state's lock in one step.
///
/// The feed also keeps the live uplift (`UpliftTally`): every instance's routing decisions and
/// every `converted` outcome pass through it, on the feed's thread, which publishes the counts
/// after each batch that changed them.
final class RepFeed: Sendable {
    /// What the feed applies to the rep book.
    enum Item: Sendable {
        /// A rep event.
        case event(InputEvent)
        /// Another instance routed a lead to this rep at this moment.
        case routedElsewhere(repID: String, at: Timestamp)
        /// A lead of another instance breached its first-touch deadline (`at`) with this rep.
        case breachedElsewhere(repID: String, at: Timestamp)
    }

    private let reader: KafkaPartitionReader
    private let routingTopic: String
    private let instanceBytes: [UInt8]
    private let instanceHeader = OutputPublisher.Header.instance.description
    private let erasedLeadHeader = OutputPublisher.Header.erasedLead.description
    /// Rep events stamped later than now + this are skipped: applied, one would slide every
    /// rep's windows past its outcomes, and the topic is re-read at every start.
    private let maxFutureSkew: Duration
    private let decoder = EventDecoder()
    private let logger: Logger
    private let metrics: DaemonMetrics
    private let reps: RepState
    private let caughtUpOnce = Atomic<Bool>(false)
    /// Signalled once, when `caughtUpOnce` becomes true (the pipeline waits on it).
    private let caughtUpSignal = WorkDone()
    private let stopRequested = Atomic<Bool>(false)
    /// Most leads the uplift tally remembers.
    let upliftMaxLeads: Int
    private let publishedUplift = Mutex(UpliftTally.Counts())

    init(configuration: KafkaConfiguration, repTopic: String, routingTopic: String, instanceID: String, reps: RepState,
         maxFutureSkew: Duration = .seconds(3600), upliftMaxLeads: Int = DaemonConfiguration.UpliftSettings().maxLeads,
         logger: Logger, metrics: DaemonMetrics) throws(KafkaError) {
        self.reps = reps
        self.upliftMaxLeads = upliftMaxLeads
        self.reader = try KafkaPartitionReader(configuration: configuration, topics: [repTopic, routingTopic],
                                               defaultStart: .beginning, logger: logger)
        self.routingTopic = routingTopic
        self.instanceBytes = Array(instanceID.utf8)
        self.maxFutureSkew = maxFutureSkew
        self.logger = logger
        self.metrics = metrics
    }

    /// True once every partition of the topic has been read to its end at least once.
    var isCaughtUp: Bool { caughtUpOnce.load(ordering: .acquiring) }

    /// Waits up to `timeout` for the first catch-up; true once caught up.
    func waitUntilCaughtUp(timeout: Duration) -> Bool {
        isCaughtUp || caughtUpSignal.wait(timeout: timeout)
    }

    /// The uplift counts as of the last batch read.
    var uplift: UpliftTally.Counts { publishedUplift.withLock { $0 } }

    /// Applies items to a rep book (in order).
    static func apply(_ items: [Item], to book: inout RepBook) {
        for item in items {
            switch item {
            case .event(let event): book.apply(event)
            case .routedElsewhere(let repID, let at): book.recordRouting(repID: repID, at: at)
            case .breachedElsewhere(let repID, let at): book.recordBreach(repID: repID, at: at)
            }
        }
    }

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

    private func loop() {
        var uplift = UpliftTally(maxLeads: upliftMaxLeads)
        while !stopRequested.load(ordering: .acquiring) {
            let batch: KafkaRecordBatch
            do {
                batch = try reader.pollRecords(maxMessages: 5_000, timeout: .milliseconds(100))
            } catch {
                logger.warning("rep events poll failed", metadata: ["kafka.error": "\(error)"])
                continue
            }
            var decoded: [Item] = []
            let notAfter = Timestamp(millisecondsSinceEpoch: WallClock.millis() + maxFutureSkew.milliseconds)
            let upliftBefore = uplift.counts
            for i in 0..<batch.count {
                if batch.topic(at: i) == routingTopic {
                    // Load: this instance counted its own decisions (most of the topic) as it made them,
                    // so of those only the head (lead, bucket, holdout) is read, for the uplift.
                    // An erasure's tombstone (no value, the erased lead in a header): the tally forgets the lead.
                    if batch.withValue(at: i, { $0 == nil }),
                       let erased = batch.withHeader(at: i, named: erasedLeadHeader, { $0.map { String(decoding: $0, as: UTF8.self) } }) {
                        uplift.forget(leadID: erased)
                        continue
                    }
                    let own = batch.withHeader(at: i, named: instanceHeader) { $0.map { $0.elementsEqual(instanceBytes) } ?? false }
                    guard let routed = batch.withValue(at: i, { $0.flatMap { RoutedRecord.parse($0, repAndTime: !own) } }) else { continue }
                    if routed.kind == .breached {
                        // Own breaches were counted when they were decided.
                        if !own, let repID = routed.repID, let at = routed.occurredAt { decoded.append(.breachedElsewhere(repID: repID, at: at)) }
                        continue
                    }
                    uplift.recordRouting(leadID: routed.leadID, bucket: routed.bucket, holdout: routed.holdout)
                    if !own, let item = Self.routedElsewhere(routed) { decoded.append(item) }
                    continue
                }
                guard let item = repItem(batch.message(at: i), notAfter: notAfter) else { continue }
                if case .event(.leadOutcome(let outcome)) = item, outcome.outcome == .converted {
                    uplift.recordConversion(leadID: outcome.leadID)
                }
                decoded.append(item)
            }
            if !decoded.isEmpty { reps.withBook { Self.apply(decoded, to: &$0) } }
            if uplift.counts != upliftBefore {
                let counts = uplift.counts
                publishedUplift.withLock { $0 = counts }
            }
            if !isCaughtUp && reader.isAtEnd {
                caughtUpOnce.store(true, ordering: .releasing)
                caughtUpSignal.signal()
                logger.info("rep events caught up")
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

    /// A routing decision made by another instance (own decisions are counted when made): a
    /// load for its rep, when it went to one.
    static func routedElsewhere(_ routed: RoutedRecord) -> Item? {
        guard let repID = routed.repID, repID != "self_serve", !routed.sticky, let at = routed.occurredAt else { return nil }
        return .routedElsewhere(repID: repID, at: at)
    }
}
