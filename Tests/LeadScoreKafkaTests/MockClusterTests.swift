import Foundation
import LeadScoreKafka
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Fault injection against librdkafka's in-process mock cluster.
@Suite("Kafka layer against the mock cluster", .serialized, .timeLimit(.minutes(2)))
struct MockClusterTests {
    @Test func producerAndConsumerSurviveABrokerOutage() async throws {
        // The outage refuses connections on purpose: librdkafka's error lines about it are
        // expected, and would read as a failure in the test log; what is checked is recovery.
        var logger = KafkaTest.logger
        logger.logLevel = .critical
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        try cluster.createTopic("outage", partitions: 2)
        var producerConfig = KafkaTest.producerConfig(cluster.bootstrap)
        producerConfig.messageTimeout = .seconds(60)
        let producer = try KafkaProducer(configuration: producerConfig, logger: logger)
        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfig(cluster.bootstrap, group: "outage"), topics: ["outage"], logger: logger)
        var values = Set<String>()
        func take() throws {
            for m in try consumer.poll(maxMessages: 500, timeout: .milliseconds(50)) { values.insert(KafkaTest.text(m.value)) }
        }

        #expect(try KafkaTest.produce(producer, topic: "outage", range: 0..<200, prefix: "o", partitions: 2) == 0)
        #expect(try KafkaTest.pollUntil(timeout: .seconds(30), take) { values.count == 200 })

        // Broker down: messages produced now wait in the producer's queue.
        try cluster.setBrokerDown(1)
        let delivered = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
        for i in 200..<400 {
            try producer.produce(topic: "outage", partition: Int32(i % 2), key: nil, value: KafkaTest.bytes("o-\(i)")) { result in
                switch result {
                case .success: delivered.add(1, ordering: .relaxed)
                case .failure: failed.add(1, ordering: .relaxed)
                }
            }
        }
        _ = try KafkaTest.pollUntil(timeout: .seconds(1), take) { false }
        #expect(delivered.load(ordering: .relaxed) == 0)
        #expect(values.count == 200)

        // Back up: everything is delivered and consumed.
        try cluster.setBrokerUp(1)
        try producer.flush(timeout: .seconds(30))
        #expect(delivered.load(ordering: .relaxed) == 200)
        #expect(failed.load(ordering: .relaxed) == 0)
        #expect(try KafkaTest.pollUntil(timeout: .seconds(30), take) { values.count == 400 })
        #expect(values == Set((0..<400).map { "o-\($0)" }))
        try consumer.close()
        producer.close()
    }

    @Test func messagesSequenceDeliversAndStopsOnClose() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: KafkaTest.logger)
        try cluster.createTopic("seq", partitions: 3)
        let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(cluster.bootstrap), logger: KafkaTest.logger)
        #expect(try KafkaTest.produce(producer, topic: "seq", range: 0..<3000, prefix: "q", partitions: 3) == 0)
        producer.close()
        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfig(cluster.bootstrap, group: "seq"), topics: ["seq"], logger: KafkaTest.logger)
        var seen = Set<String>()
        for try await message in consumer.messages {
            seen.insert(KafkaTest.text(message.value))
            if seen.count == 3000 { break }
        }
        #expect(seen == Set((0..<3000).map { "q-\($0)" }))
        try consumer.close()
        // After close the loop has ended: a new iteration finishes at once.
        var after = 0
        for try await _ in consumer.messages { after += 1 }
        #expect(after == 0)
    }

    @Test func requestErrorsAreRetriedByTheProducer() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: KafkaTest.logger)
        try cluster.createTopic("flaky", partitions: 1)
        let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(cluster.bootstrap), logger: KafkaTest.logger)
        // Produce (api key 0) fails twice with NOT_LEADER_OR_FOLLOWER (6), a retriable error.
        cluster.pushRequestErrors(apiKey: 0, errors: [6, 6])
        let report = try await producer.send(topic: "flaky", partition: 0, key: nil, value: KafkaTest.bytes("once"))
        #expect(report.partition == 0)
        #expect(report.offset == 0)
        producer.close()
    }

    @Test func statisticsAreDeliveredToTheHook() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: KafkaTest.logger)
        let statistics = Mutex<[String]>([])
        var config = KafkaTest.producerConfig(cluster.bootstrap)
        config.statisticsInterval = .milliseconds(100)
        let producer = try KafkaProducer(
            configuration: config, hooks: KafkaClientHooks(onStatistics: { json in statistics.withLock { $0.append(json) } }),
            logger: KafkaTest.logger)
        _ = try await producer.send(topic: "stats", key: nil, value: KafkaTest.bytes("s"))
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while statistics.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let first = statistics.withLock { $0.first } ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        #expect(object?["type"] as? String == "producer")
        #expect(object?["client_id"] as? String == "test-producer")
        producer.close()
    }

    @Test func consumerRunsAsAServiceUntilCancelled() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: KafkaTest.logger)
        try cluster.createTopic("svc", partitions: 2)
        let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(cluster.bootstrap), logger: KafkaTest.logger)
        #expect(try KafkaTest.produce(producer, topic: "svc", range: 0..<500, prefix: "p", partitions: 2) == 0)
        producer.close()
        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfig(cluster.bootstrap, group: "svc"), topics: ["svc"], logger: KafkaTest.logger)
        let seen = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                try await consumer.run()
                return -1
            }
            group.addTask {
                var count = 0
                for try await _ in consumer.messages {
                    count += 1
                    if count == 500 { break }
                }
                return count
            }
            let first = try await group.next()
            group.cancelAll()
            // run() returns once cancelled: the loop stops and leaves the group.
            let second = try await group.next()
            return [first, second].compactMap { $0 }.max() ?? 0
        }
        #expect(seen == 500)
        #expect(throws: KafkaError.self) { try consumer.poll(maxMessages: 1, timeout: .zero) }
    }

    /// Starts partition 0 at offset 50 (as from a snapshot), with the cooperative and the eager protocol.
    @Test(arguments: ["cooperative-sticky", "range"])
    func rebalanceHandlerChoosesStartOffsets(strategy: String) async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: KafkaTest.logger)
        try cluster.createTopic("start", partitions: 2)
        let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(cluster.bootstrap), logger: KafkaTest.logger)
        #expect(try KafkaTest.produce(producer, topic: "start", range: 0..<200, prefix: "s", partitions: 2) == 0)
        producer.close()

        let handler = StartAtHandler(starts: [KafkaTopicPartition(topic: "start", partition: 0): .offset(50)])
        var config = KafkaTest.consumerConfig(cluster.bootstrap, group: "start-\(strategy)")
        config.librdkafka["partition.assignment.strategy"] = strategy
        let consumer = try KafkaConsumer(configuration: config, topics: ["start"], rebalanceHandler: handler, logger: KafkaTest.logger)
        var offsets: [Int32: [Int64]] = [:]
        #expect(try KafkaTest.pollUntil(timeout: .seconds(30)) {
            for m in try consumer.poll(maxMessages: 500, timeout: .milliseconds(50)) { offsets[m.partition, default: []].append(m.offset) }
        } done: { offsets.values.map(\.count).reduce(0, +) == 150 })
        #expect(offsets[0] == Array(50..<100))
        #expect(offsets[1] == Array(0..<100))
        #expect(handler.assignedPartitions.withLock { $0 } == [KafkaTopicPartition(topic: "start", partition: 0), KafkaTopicPartition(topic: "start", partition: 1)])
        try consumer.close()
        // Leaving the group revokes everything through the handler.
        #expect(handler.revokedPartitions.withLock { $0 }.count == 2)
    }
}

/// Returns fixed start offsets and records what it was told.
final class StartAtHandler: KafkaRebalanceHandler {
    let starts: [KafkaTopicPartition: KafkaStartOffset]
    let assignedPartitions = Mutex<[KafkaTopicPartition]>([])
    let revokedPartitions = Mutex<[KafkaTopicPartition]>([])

    init(starts: [KafkaTopicPartition: KafkaStartOffset]) { self.starts = starts }

    func assigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaStartOffset] {
        assignedPartitions.withLock { $0 += partitions; $0.sort() }
        return starts.filter { partitions.contains($0.key) }
    }

    func revoked(_ partitions: [KafkaTopicPartition]) {
        revokedPartitions.withLock { $0 += partitions }
    }
}
