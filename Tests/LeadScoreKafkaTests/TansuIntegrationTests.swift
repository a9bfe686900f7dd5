import Foundation
import LeadScoreKafka
import LeadScoreTestSupport
import Logging
import Synchronization
import Testing

/// Against a real broker (Tansu over TCP), started per test by the harness.
@Suite("Kafka layer against Tansu", .serialized, .timeLimit(.minutes(3)))
struct TansuIntegrationTests {
    @Test func hundredThousandMessagesRoundTripWithKeysAndHeaders() async throws {
        try await TansuBroker.withBroker(logger: KafkaTest.logger) { broker in
            try await broker.createTopic("roundtrip", partitions: 4)
            let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(broker.bootstrap), logger: KafkaTest.logger)
            let total = 100_000
            let failures = try KafkaTest.produce(producer, topic: "roundtrip", range: 0..<total, prefix: "v")
            #expect(failures == 0)
            #expect(producer.outstandingCount == 0)
            producer.close()

            let consumer = try KafkaConsumer(
                configuration: KafkaTest.consumerConfig(broker.bootstrap, group: "rt"), topics: ["roundtrip"], logger: KafkaTest.logger)
            var seen = [Bool](repeating: false, count: total)
            var distinct = 0
            var duplicates = 0
            var mismatches = 0
            let finished = try KafkaTest.pollUntil(timeout: .seconds(60)) {
                for m in try consumer.poll(maxMessages: 10_000, timeout: .milliseconds(200)) {
                    let value = KafkaTest.text(m.value)
                    guard value.hasPrefix("v-"), let i = Int(value.dropFirst(2)), i >= 0, i < total else {
                        mismatches += 1
                        continue
                    }
                    if KafkaTest.text(m.key) != "k-\(i)" || m.headers != [KafkaHeader(name: "seq", string: String(i))]
                        || m.topic != "roundtrip" || m.timestampMilliseconds == nil
                    {
                        mismatches += 1
                    }
                    if seen[i] { duplicates += 1 } else { seen[i] = true; distinct += 1 }
                }
            } done: {
                distinct == total
            }
            #expect(finished)
            #expect(distinct == total)
            #expect(duplicates == 0)
            #expect(mismatches == 0)
            try consumer.close()
        }
    }

    @Test func groupOfTwoSplitsPartitionsAndRebalancesWithoutLoss() async throws {
        try await TansuBroker.withBroker(logger: KafkaTest.logger) { broker in
            try await broker.createTopic("group", partitions: 8)
            let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(broker.bootstrap), logger: KafkaTest.logger)
            defer { producer.close() }
            #expect(try KafkaTest.produce(producer, topic: "group", range: 0..<4000, prefix: "m", partitions: 8) == 0)

            let handlerA = RecordingRebalanceHandler()
            let a = try KafkaConsumer(
                configuration: KafkaTest.consumerConfig(broker.bootstrap, group: "pair"), topics: ["group"],
                rebalanceHandler: handlerA, logger: KafkaTest.logger)
            handlerA.consumer.withLock { $0 = a }
            // The handler and its consumer hold each other: break the cycle at the end, or the
            // consumer lives on after the broker stops and logs refused connections for the
            // rest of the test run.
            defer { handlerA.consumer.withLock { $0 = nil } }
            var counts: [String: Int] = [:]
            var byA = 0
            var byB = 0
            // Each batch is offset-stored and committed before the next poll, so a partition that
            // moves is picked up exactly after the last message its old owner processed.
            func take(_ consumer: KafkaConsumer) throws -> Int {
                let batch = try consumer.poll(maxMessages: 500, timeout: .milliseconds(50))
                var next: [KafkaTopicPartition: Int64] = [:]
                for m in batch {
                    counts[KafkaTest.text(m.value), default: 0] += 1
                    next[m.topicPartition] = m.offset + 1
                }
                try consumer.storeOffsets(next)
                try consumer.commit()
                return batch.count
            }

            // A alone gets all 8 partitions.
            #expect(try KafkaTest.pollUntil(timeout: .seconds(30)) { byA += try take(a) } done: { counts.count == 4000 })
            #expect(try a.assignment().count == 8)

            // B joins: the partitions are split between them.
            let handlerB = RecordingRebalanceHandler()
            let b = try KafkaConsumer(
                configuration: KafkaTest.consumerConfig(broker.bootstrap, group: "pair"), topics: ["group"],
                rebalanceHandler: handlerB, logger: KafkaTest.logger)
            handlerB.consumer.withLock { $0 = b }
            defer { handlerB.consumer.withLock { $0 = nil } }
            let split = try KafkaTest.pollUntil(timeout: .seconds(40)) {
                byA += try take(a)
                byB += try take(b)
            } done: {
                let (pa, pb) = (try a.assignment(), try b.assignment())
                return !pa.isEmpty && !pb.isEmpty && Set(pa).isDisjoint(with: pb) && pa.count + pb.count == 8
            }
            #expect(split)
            #expect(handlerA.events.withLock { $0 }.contains { $0.hasPrefix("revoked") })

            // Both consume new messages; every one is seen once.
            #expect(try KafkaTest.produce(producer, topic: "group", range: 4000..<8000, prefix: "m", partitions: 8) == 0)
            let bBefore = byB
            #expect(try KafkaTest.pollUntil(timeout: .seconds(30)) {
                byA += try take(a)
                byB += try take(b)
            } done: { counts.count == 8000 })
            #expect(byB > bBefore)

            // B leaves cleanly: A gets everything back and reads what follows.
            try b.close()
            #expect(try KafkaTest.produce(producer, topic: "group", range: 8000..<10000, prefix: "m", partitions: 8) == 0)
            #expect(try KafkaTest.pollUntil(timeout: .seconds(40)) { byA += try take(a) } done: {
                try counts.count == 10000 && a.assignment().count == 8
            })
            #expect(counts.count == 10000)
            #expect(counts.values.allSatisfy { $0 == 1 }, "duplicates: \(counts.filter { $0.value > 1 }.count)")
            try a.close()
        }
    }

    @Test func committedOffsetsSurviveARestart() async throws {
        try await TansuBroker.withBroker(logger: KafkaTest.logger) { broker in
            try await broker.createTopic("restart", partitions: 1)
            let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(broker.bootstrap), logger: KafkaTest.logger)
            #expect(try KafkaTest.produce(producer, topic: "restart", range: 0..<1000, prefix: "r", partitions: 1) == 0)
            producer.close()
            let partition = KafkaTopicPartition(topic: "restart", partition: 0)

            let first = try KafkaConsumer(
                configuration: KafkaTest.consumerConfig(broker.bootstrap, group: "resume"), topics: ["restart"], logger: KafkaTest.logger)
            var read: [KafkaMessage] = []
            #expect(try KafkaTest.pollUntil(timeout: .seconds(30)) {
                read += try first.poll(maxMessages: 100, timeout: .milliseconds(100))
            } done: { read.count >= 300 })
            // Processed exactly 300: the next offset to read is 300.
            #expect(read.prefix(300).map(\.offset) == Array(0..<300))
            try first.storeOffset(topic: "restart", partition: 0, offset: 300)
            try first.commit()
            #expect(try first.committed([partition]) == [partition: 300])
            try first.close()

            let second = try KafkaConsumer(
                configuration: KafkaTest.consumerConfig(broker.bootstrap, group: "resume"), topics: ["restart"], logger: KafkaTest.logger)
            var rest: [KafkaMessage] = []
            #expect(try KafkaTest.pollUntil(timeout: .seconds(30)) {
                rest += try second.poll(maxMessages: 1000, timeout: .milliseconds(100))
            } done: { rest.count >= 700 })
            #expect(rest.map(\.offset) == Array(300..<1000))
            #expect(rest.map { KafkaTest.text($0.value) } == (300..<1000).map { "r-\($0)" })
            try second.close()
        }
    }

    @Test func partitionReaderReadsEveryPartitionToItsEnd() async throws {
        try await TansuBroker.withBroker(logger: KafkaTest.logger) { broker in
            try await broker.createTopic("state", partitions: 4)
            try await broker.createTopic("empty", partitions: 2)
            let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(broker.bootstrap), logger: KafkaTest.logger)
            #expect(try KafkaTest.produce(producer, topic: "state", range: 0..<1000, prefix: "s", partitions: 4) == 0)
            producer.close()

            let p0 = KafkaTopicPartition(topic: "state", partition: 0)
            let reader = try KafkaPartitionReader(
                configuration: KafkaConfiguration(bootstrap: broker.bootstrap), topics: ["state", "empty"],
                startOffsets: [p0: .offset(100)], logger: KafkaTest.logger)
            #expect(reader.partitions.count == 6)
            var byPartition: [KafkaTopicPartition: [Int64]] = [:]
            let reachedEnd = try KafkaTest.pollUntil(timeout: .seconds(30)) {
                for m in try reader.poll(maxMessages: 1000, timeout: .milliseconds(100)) {
                    byPartition[m.topicPartition, default: []].append(m.offset)
                }
            } done: { reader.isAtEnd }
            #expect(reachedEnd)
            #expect(byPartition[p0] == Array(100..<250))
            for p in Int32(1)..<4 {
                #expect(byPartition[KafkaTopicPartition(topic: "state", partition: p)] == Array(0..<250))
            }
            #expect(byPartition.keys.allSatisfy { $0.topic == "state" })
            #expect(reader.cachedWatermarks(topic: "state", partition: 1)?.high == 250)
            try reader.close()
        }
    }

    @Test func adminCreatesTopicsAndReportsPartitionCount() async throws {
        try await TansuBroker.withBroker(logger: KafkaTest.logger) { broker in
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrap: broker.bootstrap), logger: KafkaTest.logger)
            let spec = KafkaTopicSpecification(name: "scores", partitions: 5, replicationFactor: 1, configs: ["retention.ms": "604800000"])
            try admin.createTopics([spec])
            #expect(try admin.partitionCount(topic: "scores") == 5)
            #expect(try admin.topicNames().contains("scores"))
            // Already exists: fine when asked, an error naming the topic otherwise.
            try admin.createTopics([spec], ignoreExisting: true)
            #expect {
                try admin.createTopics([spec], ignoreExisting: false)
            } throws: { error in
                (error as? KafkaError)?.librdkafkaName == "TOPIC_ALREADY_EXISTS"
            }
            #expect {
                try admin.partitionCount(topic: "no-such-topic")
            } throws: { error in
                (error as? KafkaError)?.key == "topic"
            }
        }
    }

    @Test func unreachableBrokerFailsWithinABoundedTime() async throws {
        let port = try LoopbackPort.free()
        let bootstrap = "127.0.0.1:\(port)"
        let clock = ContinuousClock()
        // Every connection here is refused on purpose: librdkafka's error lines saying so are
        // expected, and would read as a failure in the test log. The error hook below still
        // checks that the failure was reported.
        var logger = KafkaTest.logger
        logger.logLevel = .critical

        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrap: bootstrap), logger: logger)
        let metadataTime = clock.measure {
            #expect(throws: KafkaError.self) { try admin.partitionCount(topic: "t", timeout: .seconds(2)) }
        }
        #expect(metadataTime < .seconds(6))
        let createTime = clock.measure {
            #expect(throws: KafkaError.self) {
                try admin.createTopics([KafkaTopicSpecification(name: "t", partitions: 1)], timeout: .seconds(2))
            }
        }
        #expect(createTime < .seconds(6))

        var config = KafkaTest.producerConfig(bootstrap)
        config.messageTimeout = .seconds(1)
        let reported = Mutex<[KafkaError]>([])
        let producer = try KafkaProducer(
            configuration: config, hooks: KafkaClientHooks(onError: { error in reported.withLock { $0.append(error) } }),
            logger: logger)
        let start = clock.now
        await #expect {
            _ = try await producer.send(topic: "t", key: nil, value: KafkaTest.bytes("x"))
        } throws: { error in
            (error as? KafkaError)?.code == .timeout
        }
        #expect(clock.now - start < .seconds(6))
        // The error hook heard that no broker can be reached.
        #expect(reported.withLock { $0 }.contains { $0.code == .brokerUnavailable })
        producer.close(flushTimeout: .seconds(1))
    }

    @Test func transactionalProducerCommitsAndConsumerSeesTheMessages() async throws {
        try await TansuBroker.withBroker(logger: KafkaTest.logger) { broker in
            try await broker.createTopic("txn", partitions: 2)
            var config = KafkaTest.producerConfig(broker.bootstrap)
            config.transactionalID = "leadscore-test-txn"
            let producer = try KafkaProducer(configuration: config, logger: KafkaTest.logger)
            try producer.initTransactions(timeout: .seconds(20))
            try producer.beginTransaction()
            for i in 0..<100 {
                try producer.produce(topic: "txn", partition: Int32(i % 2), key: nil, value: KafkaTest.bytes("t-\(i)"))
            }
            try producer.commitTransaction(timeout: .seconds(20))
            producer.close()

            let reader = try KafkaPartitionReader(
                configuration: KafkaConfiguration(bootstrap: broker.bootstrap), topics: ["txn"], logger: KafkaTest.logger)
            var values = Set<String>()
            #expect(try KafkaTest.pollUntil(timeout: .seconds(30)) {
                for m in try reader.poll(maxMessages: 1000, timeout: .milliseconds(100)) { values.insert(KafkaTest.text(m.value)) }
            } done: { values.count == 100 && reader.isAtEnd })
            #expect(values == Set((0..<100).map { "t-\($0)" }))
        }
    }
}
