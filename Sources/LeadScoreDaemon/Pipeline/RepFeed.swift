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
final class RepFeed: Sendable {
    /// What the feed applies to the rep book.
    enum Item: Sendable {
        /// A rep event.
        case event(InputEvent)
        /// Another instance routed a lead to this rep at this moment.
        case routedElsewhere(repID: String, at: Timestamp)
    }

    private let reader: KafkaPartitionReader
    private let routingTopic: String
    private let instanceBytes: [UInt8]
    private let instanceHeader = OutputPublisher.Header.instance.description
    /// Rep events stamped later than now + this are skipped: applied, one would slide every
    /// rep's windows past its outcomes, and the topic is re-read at every start.
    private let maxFutureSkew: Duration
    private let decoder = EventDecoder()
    private let logger: Logger
    private let metrics: DaemonMetrics
    private let reps: RepState
    private let caughtUpOnce = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)

    init(configuration: KafkaConfiguration, repTopic: String, routingTopic: String, instanceID: String, reps: RepState,
         maxFutureSkew: Duration = .seconds(3600), logger: Logger, metrics: DaemonMetrics) throws(KafkaError) {
        self.reps = reps
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

    /// Applies items to a rep book (in order).
    static func apply(_ items: [Item], to book: inout RepBook) {
        for item in items {
            switch item {
            case .event(let event): book.apply(event)
            case .routedElsewhere(let repID, let at): book.recordRouting(repID: repID, at: at)
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
            for i in 0..<batch.count {
                if batch.topic(at: i) == routingTopic {
                    // This instance's own decisions (most of the topic) are recognised in place.
                    let own = batch.withHeader(at: i, named: instanceHeader) { $0.map { $0.elementsEqual(instanceBytes) } ?? false }
                    if !own, let item = routedElsewhere(batch.message(at: i)) { decoded.append(item) }
                    continue
                }
                if let item = repItem(batch.message(at: i), notAfter: notAfter) { decoded.append(item) }
            }
            if !decoded.isEmpty { reps.withBook { Self.apply(decoded, to: &$0) } }
            if !isCaughtUp && reader.isAtEnd {
                caughtUpOnce.store(true, ordering: .releasing)
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

    /// A routing decision made by another instance (own decisions are counted when made).
    private func routedElsewhere(_ message: KafkaMessage) -> Item? {
        guard let value = message.value,
              let json = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
              let repID = json["rep_id"] as? String, repID != "self_serve",
              let when = json["occurred_at"] as? String, let at = try? Timestamp(rfc3339: when) else { return nil }
        return .routedElsewhere(repID: repID, at: at)
    }
}
