import Foundation
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// Reads every partition of the rep events topic and of the routing topic, on its own thread,
/// from the beginning, and hands what it reads to the pipeline.
///
/// Rep state is global: every instance reads all of it, so rep windows, availability and tiers are
/// the same everywhere, and every instance counts the routing decisions of the others toward each
/// rep's load today (its own it counts as it makes them). The pipeline drains the inbox between
/// batches, so the rep book is only ever touched by the pipeline thread.
final class RepFeed: Sendable {
    /// What the pipeline applies to its rep book.
    enum Item: Sendable {
        /// A rep event.
        case event(InputEvent)
        /// Another instance routed a lead to this rep at this moment.
        case routedElsewhere(repID: String, at: Timestamp)
    }

    private let reader: KafkaPartitionReader
    private let routingTopic: String
    private let instanceID: String
    private let decoder = EventDecoder()
    private let logger: Logger
    private let metrics: DaemonMetrics
    private let inbox = Mutex<[Item]>([])
    private let caughtUpOnce = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)

    init(configuration: KafkaConfiguration, repTopic: String, routingTopic: String, instanceID: String,
         logger: Logger, metrics: DaemonMetrics) throws(KafkaError) {
        // A roster change should reach routing as soon as the lead events after it do.
        var readerConfig = configuration
        if readerConfig.librdkafka["fetch.wait.max.ms"] == nil { readerConfig.librdkafka["fetch.wait.max.ms"] = "10" }
        self.reader = try KafkaPartitionReader(configuration: readerConfig, topics: [repTopic, routingTopic],
                                               defaultStart: .beginning, logger: logger)
        self.routingTopic = routingTopic
        self.instanceID = instanceID
        self.logger = logger
        self.metrics = metrics
    }

    /// True once every partition of the topic has been read to its end at least once.
    var isCaughtUp: Bool { caughtUpOnce.load(ordering: .acquiring) }

    /// Takes what was received since the last call.
    func drain() -> [Item] {
        inbox.withLock { events in
            defer { events.removeAll(keepingCapacity: true) }
            return events
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
            let messages: [KafkaMessage]
            do {
                messages = try reader.poll(maxMessages: 5_000, timeout: .milliseconds(100))
            } catch {
                logger.warning("rep events poll failed", metadata: ["kafka.error": "\(error)"])
                continue
            }
            var decoded: [Item] = []
            decoded.reserveCapacity(messages.count)
            for message in messages {
                guard let value = message.value else { continue }
                if message.topic == routingTopic {
                    if let item = routedElsewhere(message, value: value) { decoded.append(item) }
                    continue
                }
                do {
                    let event = try decoder.decode(value)
                    guard event.isRepEvent else {
                        metrics.deadLetters[DeadLetter.Reason.wrongTopic].increment()
                        logger.warning("lead event on the rep events topic ignored", metadata: [
                            "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
                        ])
                        continue
                    }
                    metrics.eventsIn[event.typeName].increment()
                    decoded.append(.event(event))
                } catch {
                    // Every instance reads every rep event, so a bad one is logged and counted here
                    // rather than dead-lettered once per instance.
                    metrics.deadLetters[error.code.name].increment()
                    logger.warning("bad rep event skipped", metadata: [
                        "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)",
                        "kafka.offset": "\(message.offset)", "leadscore.error": "\(error)",
                    ])
                }
            }
            if !decoded.isEmpty { inbox.withLock { $0.append(contentsOf: decoded) } }
            if !isCaughtUp && reader.isAtEnd {
                caughtUpOnce.store(true, ordering: .releasing)
                logger.info("rep events caught up")
            }
        }
        do throws(KafkaError) { try reader.close() } catch {
            logger.debug("rep reader close failed", metadata: ["kafka.error": "\(error)"])
        }
    }

    /// A routing decision made by another instance (own decisions are counted when made).
    private func routedElsewhere(_ message: KafkaMessage, value: [UInt8]) -> Item? {
        let origin = message.headers.first { $0.name == OutputPublisher.Header.instance }?.value
        if let origin, String(decoding: origin, as: UTF8.self) == instanceID { return nil }
        guard let json = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
              let repID = json["rep_id"] as? String, repID != "self_serve",
              let when = json["occurred_at"] as? String, let at = try? Timestamp(rfc3339: when) else { return nil }
        return .routedElsewhere(repID: repID, at: at)
    }
}
