import Foundation
import LeadScoreKafka
import LeadScoreTestSupport
import Synchronization
import Testing

/// The allocation-free paths: token produce with built headers, and records read in place.
@Suite("Kafka fast paths against the mock cluster", .serialized, .timeLimit(.minutes(2)))
struct FastPathTests {
    @Test func tokenProduceAndInPlaceRead() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: KafkaTest.logger)
        try cluster.createTopic("fast", partitions: 2)
        let deliveries = Mutex<[UInt64: Int64]>([:])
        let failures = Atomic<Int>(0)
        let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(cluster.bootstrap), logger: KafkaTest.logger) { delivery in
            if delivery.error != nil { failures.add(1, ordering: .relaxed) }
            deliveries.withLock { $0[delivery.token] = delivery.offset ?? -1 }
        }
        let topic = producer.topic("fast")
        let count = 500
        for i in 0..<count {
            let key = Array("k-\(i)".utf8), value = Array("v-\(i)".utf8)
            try key.withUnsafeBytes { k in
                try value.withUnsafeBytes { v in
                    // The largest token survives the round trip through the opaque pointer.
                    try producer.produce(to: topic, key: k, value: v, token: i == 0 ? KafkaTokenDelivery.maxToken : UInt64(i)) { headers in
                        headers.add("seq", decimal: Int64(i) - 250)
                        headers.add("name", string: "record-\(i)")
                    }
                }
            }
        }
        // An empty value is not a tombstone.
        try producer.produce(to: topic, key: nil, value: UnsafeRawBufferPointer(start: nil, count: 0), token: 9_999) { $0.add("seq", decimal: 0) }
        try producer.flush(timeout: .seconds(30))
        #expect(failures.load(ordering: .relaxed) == 0)
        let tokens = deliveries.withLock { Set($0.keys) }
        #expect(tokens == Set([KafkaTokenDelivery.maxToken, 9_999] + (1..<count).map(UInt64.init)))

        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfig(cluster.bootstrap, group: "fast"), topics: ["fast"], logger: KafkaTest.logger)
        var seen: [String: (key: String?, seq: String?, name: String?)] = [:]
        var emptyValues = 0
        _ = try KafkaTest.pollUntil(timeout: .seconds(30), {
            let batch = try consumer.pollRecords(maxMessages: 200, timeout: .milliseconds(50))
            for i in 0..<batch.count {
                #expect(batch.topic(at: i) == "fast")
                #expect(batch.hasValue(at: i))
                let value = batch.withValue(at: i) { $0.map { String(decoding: $0, as: UTF8.self) } } ?? "<nil>"
                if value.isEmpty { emptyValues += 1; continue }
                let key = batch.withKey(at: i) { $0.map { String(decoding: $0, as: UTF8.self) } }
                let copy = batch.message(at: i)
                #expect(copy.offset == batch.offset(at: i) && copy.partition == batch.partition(at: i))
                let header = { (name: String) in copy.headers.first { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) } }
                seen[value] = (key, header("seq"), header("name"))
            }
        }) { seen.count == count && emptyValues == 1 }
        #expect(seen.count == count)
        #expect(emptyValues == 1)
        for i in 0..<count {
            let entry = seen["v-\(i)"]
            #expect(entry?.key == "k-\(i)")
            #expect(entry?.seq == String(i - 250))
            #expect(entry?.name == "record-\(i)")
        }
        try consumer.close()
        producer.close()
    }

    /// A thread that keeps calling `serveDeliveries()` gets the reports of what it produced (so
    /// librdkafka frees their memory there); when nobody asks, the delivery thread serves them.
    @Test func deliveryReportsAreServedByTheThreadThatAsks() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: KafkaTest.logger)
        try cluster.createTopic("served", partitions: 1)
        let servedOn = Mutex<[UInt64: pthread_t]>([:])
        let producer = try KafkaProducer(configuration: KafkaTest.producerConfig(cluster.bootstrap), logger: KafkaTest.logger) { delivery in
            #expect(delivery.error == nil)
            let thread = pthread_self()
            servedOn.withLock { $0[delivery.token] = thread }
        }
        let topic = producer.topic("served")
        let value = Array("v".utf8)
        func send(_ token: UInt64) throws {
            try value.withUnsafeBytes { v in try producer.produce(to: topic, key: nil, value: v, token: token) { _ in } }
        }
        func served(_ tokens: Range<UInt64>) -> [pthread_t] { servedOn.withLock { d in tokens.compactMap { d[$0] } } }

        // Nobody asks: every report is served, all on one thread (the delivery thread).
        let unasked: Range<UInt64> = 0..<50
        for token in unasked { try send(token) }
        let deadline = ContinuousClock.now + .seconds(30)
        while served(unasked).count < unasked.count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let deliveryThreads = served(unasked)
        #expect(deliveryThreads.count == unasked.count)

        // A thread that asks, one record at a time, gets its records' reports.
        let asked: Range<UInt64> = 50..<250
        func serveWhileSending() throws -> pthread_t {
            // Long enough for the delivery thread's wait to end and see that someone serves.
            let warmUp = ContinuousClock.now + .milliseconds(300)
            while ContinuousClock.now < warmUp {
                producer.serveDeliveries()
                Thread.sleep(forTimeInterval: 0.0005)
            }
            for token in asked {
                try send(token)
                let deadline = ContinuousClock.now + .seconds(30)
                while servedOn.withLock({ $0[token] == nil }) && ContinuousClock.now < deadline {
                    producer.serveDeliveries()
                    Thread.sleep(forTimeInterval: 0.0005)
                }
            }
            return pthread_self()
        }
        var asker: pthread_t?
        try await onOwnThread { asker = try serveWhileSending() }
        let me = try #require(asker)
        let threads = served(asked)
        #expect(threads.count == asked.count)
        let onAsker = threads.filter { pthread_equal($0, me) != 0 }.count
        // The delivery thread may take a report whenever the asking thread is held up for a
        // moment; without `serveDeliveries()` it would take all of them.
        #expect(onAsker >= asked.count / 4, "\(onAsker) of \(asked.count) reports served by the asking thread")
        #expect(!deliveryThreads.contains { pthread_equal($0, me) != 0 })
        #expect(deliveryThreads.allSatisfy { pthread_equal($0, deliveryThreads[0]) != 0 })
        producer.close()
    }
}
