import Foundation
import LeadScoreKafka
import LeadScoreTestSupport
import Logging
import Synchronization

/// Shared settings and helpers of the Kafka integration tests.
enum KafkaTest {
    static let logger: Logger = {
        var logger = Logger(label: "kafka-test")
        logger.logLevel = ProcessInfo.processInfo.environment["KAFKA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        return logger
    }()

    /// A consumer configuration with the short session timeout that keeps the first join at ~3 s.
    static func consumerConfig(_ bootstrap: String, group: String) -> KafkaConfiguration {
        var config = KafkaConfiguration(bootstrap: bootstrap, clientID: "test-consumer", groupID: group)
        config.sessionTimeout = .seconds(6)
        config.heartbeatInterval = .milliseconds(500)
        config.autoOffsetReset = .earliest
        return config
    }

    static func producerConfig(_ bootstrap: String) -> KafkaConfiguration {
        var config = KafkaConfiguration(bootstrap: bootstrap, clientID: "test-producer")
        config.messageTimeout = .seconds(30)
        return config
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func text(_ bytes: [UInt8]?) -> String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "<nil>" }

    /// Produces `count` messages `prefix-i` (key `k-i`, header `seq=i`) and waits for every
    /// delivery. Returns the number of failed deliveries.
    static func produce(
        _ producer: KafkaProducer, topic: String, range: Range<Int>, prefix: String, partitions: Int32? = nil
    ) throws -> Int {
        let failures = Atomic<Int>(0)
        for i in range {
            try producer.produce(
                topic: topic, partition: partitions.map { Int32(i) % $0 }, key: bytes("k-\(i)"),
                value: bytes("\(prefix)-\(i)"), headers: [KafkaHeader(name: "seq", string: String(i))]
            ) { result in
                if case .failure = result { failures.add(1, ordering: .relaxed) }
            }
        }
        try producer.flush(timeout: .seconds(60))
        return failures.load(ordering: .relaxed)
    }

    /// Polls until `done` says so or `timeout` passes; returns whether `done` became true.
    static func pollUntil(
        timeout: Duration, _ step: () throws -> Void, done: () throws -> Bool
    ) rethrows -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            try step()
            if try done() { return true }
        }
        return try done()
    }
}

/// Records rebalance callbacks, and optionally commits through a consumer set after creation.
final class RecordingRebalanceHandler: KafkaRebalanceHandler {
    let events = Mutex<[String]>([])
    let consumer = Mutex<KafkaConsumer?>(nil)

    func assigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaStartOffset] {
        events.withLock { $0.append("assigned \(partitions.count)") }
        return [:]
    }

    func revoked(_ partitions: [KafkaTopicPartition]) {
        events.withLock { $0.append("revoked \(partitions.count)") }
        // Commit what was stored before the partitions go to another member.
        try? consumer.withLock { $0 }?.commit()
    }

    func lost(_ partitions: [KafkaTopicPartition]) {
        events.withLock { $0.append("lost \(partitions.count)") }
    }
}
