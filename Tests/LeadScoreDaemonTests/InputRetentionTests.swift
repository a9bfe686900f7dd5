@testable import LeadScoreDaemon
import LeadScoreKafka
import Testing

/// A restore whose state resumes below what the input's retention left is told apart from one
/// that can see everything it needs (SPEC section 4, "State in Kafka").
@Suite("Input retention")
struct InputRetentionTests {
    @Test("a state that resumes below the input's first retained offset has a gap; at or past it, none", arguments: [
        (Int64(0), Int64(0), Range<Int64>?.none), (500, 200, nil), (500, 500, nil), (0, 300, 0..<300), (120, 300, 120..<300),
    ])
    func gap(resumesAt: Int64, logStart: Int64, expected: Range<Int64>?) {
        #expect(Pipeline.inputGap(resumesAt: resumesAt, logStart: logStart) == expected)
    }

    @Test("the first retained offset comes from the broker (mock cluster, past its retention)")
    func logStartFromTheBroker() throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: DaemonHarness.logger)
        try cluster.createTopic("retained", partitions: 1)
        let configuration = KafkaConfiguration(bootstrap: cluster.bootstrap, clientID: "retention-test")
        let producer = try KafkaProducer(configuration: configuration, logger: DaemonHarness.logger)
        // The mock cluster keeps about the newest 5 MiB (or 100k records) of a partition: 13 MB go in.
        let value = [UInt8](repeating: 7, count: 100)
        for _ in 0..<130_000 { try producer.produce(topic: "retained", partition: 0, key: nil, value: value) }
        try producer.flush(timeout: .seconds(60))
        producer.close()
        let bounds = try TopicEnds.bounds(configuration: configuration, topics: ["retained"], firstRetainedOf: ["retained"], timeout: .seconds(30),
                                          logger: DaemonHarness.logger)
        let w = try #require(bounds[KafkaTopicPartition(topic: "retained", partition: 0)])
        #expect(w.high == 130_000)
        #expect(w.low > 0 && w.low < 130_000, "\(w)")
        #expect(Pipeline.inputGap(resumesAt: 1_000, logStart: w.low) == 1_000..<w.low)
    }
}
