import Crdkafka
import Logging

/// An in-process librdkafka mock cluster: real Kafka protocol over loopback TCP, no broker process.
///
/// For demos and fault-injection tests: take brokers down and up, make requests fail, add
/// latency. Topics can be created explicitly (or are auto-created with 4 partitions on first use).
/// Its limits: admin requests time out, transactional offsets are not stored, and it silently
/// drops the oldest records beyond about 100k messages or 5 MiB per partition.
public final class KafkaMockCluster: @unchecked Sendable {
    // @unchecked Sendable: both pointers are set once in init and freed in deinit; librdkafka's mock
    // API is thread-safe (calls are forwarded to the cluster's own thread).
    private let host: OpaquePointer
    private let cluster: OpaquePointer
    /// The bootstrap servers string to give clients.
    public let bootstrap: String
    /// Number of brokers; their ids are 1...brokerCount.
    public let brokerCount: Int

    /// Starts a cluster of `brokers` brokers.
    public init(brokers: Int = 3, logger: Logger) throws(KafkaError) {
        guard brokers >= 1 else {
            throw KafkaError(code: .invalidArgument, message: "a mock cluster needs at least one broker, got \(brokers)", key: "brokers")
        }
        // The mock cluster lives inside a host client handle; it never connects anywhere itself.
        let conf = try RDKafkaClient.makeConf(["client.id": "leadscore-mock-host", "log_level": "3"])
        var errstr = [CChar](repeating: 0, count: 512)
        guard let host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: .librdkafka, message: "mock cluster host: \(String(cBuffer: errstr))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(host, Int32(brokers)) else {
            rd_kafka_destroy(host)
            throw KafkaError(code: .librdkafka, message: "cannot start a mock cluster of \(brokers) brokers")
        }
        self.host = host
        self.cluster = cluster
        self.bootstrap = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        self.brokerCount = brokers
        logger.debug("mock cluster started", metadata: ["kafka.bootstrap": .string(bootstrap)])
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(host)
    }

    /// Creates a topic.
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "mock create topic \(name)", key: "topic") }
    }

    /// Takes a broker down: its connections are closed and new ones refused until `setBrokerUp`.
    public func setBrokerDown(_ brokerID: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_down(cluster, brokerID)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "mock broker \(brokerID) down", key: "brokerID") }
    }

    /// Brings a broker back up.
    public func setBrokerUp(_ brokerID: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_up(cluster, brokerID)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "mock broker \(brokerID) up", key: "brokerID") }
    }

    /// Adds round-trip latency to a broker's responses.
    public func setRoundTripTime(_ brokerID: Int32, _ rtt: Duration) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_rtt(cluster, brokerID, Int32(rtt.timeoutMilliseconds))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "mock broker \(brokerID) rtt", key: "brokerID") }
    }

    /// Makes the next requests with Kafka API key `apiKey` (0 Produce, 1 Fetch, 3 Metadata, 8
    /// OffsetCommit, ...) fail with these Kafka error codes, one per request, in order.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        var codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeMutableBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, $0.count, $0.baseAddress)
        }
    }

    /// Moves a partition's leadership to a broker.
    public func setPartitionLeader(topic: String, partition: Int32, brokerID: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_partition_set_leader(cluster, topic, partition, brokerID)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rdKafka(err, context: "mock leader of \(topic)[\(partition)]", key: "brokerID") }
    }
}
