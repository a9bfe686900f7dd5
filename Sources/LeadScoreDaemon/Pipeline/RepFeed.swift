import Foundation
import LeadScoreCore
import LeadScoreKafka
import Logging
import Synchronization

/// Reads every partition of the rep events topic, on its own thread, from the beginning, and hands
/// decoded events to the pipeline.
///
/// Rep state is global: every instance reads all of it, so rep windows, availability and tiers are
/// the same everywhere. The pipeline drains the inbox between batches, so the rep book is only ever
/// touched by the pipeline thread.
final class RepFeed: Sendable {
    private let reader: KafkaPartitionReader
    private let decoder = EventDecoder()
    private let logger: Logger
    private let metrics: DaemonMetrics
    private let inbox = Mutex<[InputEvent]>([])
    private let caughtUpOnce = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)

    init(configuration: KafkaConfiguration, topic: String, logger: Logger, metrics: DaemonMetrics) throws(KafkaError) {
        self.reader = try KafkaPartitionReader(configuration: configuration, topics: [topic], defaultStart: .beginning, logger: logger)
        self.logger = logger
        self.metrics = metrics
    }

    /// True once every partition of the topic has been read to its end at least once.
    var isCaughtUp: Bool { caughtUpOnce.load(ordering: .acquiring) }

    /// Takes the events received since the last call.
    func drain() -> [InputEvent] {
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
            var decoded: [InputEvent] = []
            decoded.reserveCapacity(messages.count)
            for message in messages {
                guard let value = message.value else { continue }
                do {
                    let event = try decoder.decode(value)
                    guard event.isRepEvent else {
                        metrics.deadLetters.increment(DeadLetter.Reason.wrongTopic)
                        logger.warning("lead event on the rep events topic ignored", metadata: [
                            "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
                        ])
                        continue
                    }
                    metrics.eventsIn.increment(event.typeName)
                    decoded.append(event)
                } catch {
                    // Every instance reads every rep event, so a bad one is logged and counted here
                    // rather than dead-lettered once per instance.
                    metrics.deadLetters.increment(error.code.name)
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
}
