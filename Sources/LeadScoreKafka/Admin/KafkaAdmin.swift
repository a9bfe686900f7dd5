import Crdkafka
import Logging

/// Cluster administration: topic creation and topic metadata, every call bounded by a timeout.
public final class KafkaAdmin: Sendable {
    let client: RDKafkaClient

    /// Creates the admin client (no connection is made until the first call).
    public init(configuration: KafkaConfiguration, hooks: KafkaClientHooks = KafkaClientHooks(), logger: Logger) throws(KafkaError) {
        client = try RDKafkaClient(
            type: RD_KAFKA_PRODUCER, properties: configuration.librdkafkaProperties(for: .admin), logger: logger, hooks: hooks)
    }

    /// Creates topics. With `ignoreExisting`, a topic that already exists counts as created (its
    /// partition count is not checked; use `partitionCount(topic:)`). Throws the first failure.
    public func createTopics(
        _ topics: [KafkaTopicSpecification], ignoreExisting: Bool = true, timeout: Duration = .seconds(30)
    ) throws(KafkaError) {
        guard !topics.isEmpty else { return }
        for spec in topics where spec.partitions < 1 {
            throw KafkaError(code: .invalidArgument, message: "topic \(spec.name): partitions must be >= 1, got \(spec.partitions)", key: "partitions")
        }
        var errstr = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for t in newTopics { rd_kafka_NewTopic_destroy(t) } }
        for spec in topics {
            guard let topic = rd_kafka_NewTopic_new(spec.name, Int32(spec.partitions), Int32(spec.replicationFactor), &errstr, errstr.count) else {
                throw KafkaError(code: .invalidArgument, message: "topic \(spec.name): \(String(cBuffer: errstr))", key: "topic")
            }
            newTopics.append(topic)
            for (key, value) in spec.configs.sorted(by: { $0.key < $1.key }) {
                let err = rd_kafka_NewTopic_set_config(topic, key, value)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError.rdKafka(err, context: "topic \(spec.name) config \(key)", key: key)
                }
            }
        }
        try withAdminRequest(RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout: timeout, what: "create topics") { (options, queue) throws(KafkaError) in
            newTopics.withUnsafeMutableBufferPointer { rd_kafka_CreateTopics(client.handle, $0.baseAddress, $0.count, options, queue) }
        } result: { (event) throws(KafkaError) in
            guard let result = rd_kafka_event_CreateTopics_result(event) else { return }
            var count = 0
            guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
            for i in 0..<count {
                guard let r = results[i] else { continue }
                let err = rd_kafka_topic_result_error(r)
                if err == RD_KAFKA_RESP_ERR_NO_ERROR || (ignoreExisting && err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) { continue }
                let name = String(cString: rd_kafka_topic_result_name(r))
                let text = rd_kafka_topic_result_error_string(r).map { String(cString: $0) } ?? ""
                throw KafkaError.rdKafka(err, context: "create topic \(name)\(text.isEmpty ? "" : " (\(text))")", key: "topic")
            }
        }
    }

    /// The partition count of a topic, from cluster metadata. Throws (key `topic`) if it does not
    /// exist; asking never auto-creates it.
    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int {
        defer { rd_kafka_poll(client.handle, 0) }
        return try client.partitions(of: topic, timeout: timeout).count
    }

    /// Names of all topics in the cluster, sorted (internal topics included).
    public func topicNames(timeout: Duration = .seconds(10)) throws(KafkaError) -> [String] {
        try client.withMetadata(timeout: timeout) { md in
            (0..<Int(md.pointee.topic_cnt)).map { String(cString: md.pointee.topics[$0].topic) }.sorted()
        }
    }

    /// Runs one admin request on a private queue and waits for its result event, bounded.
    private func withAdminRequest(
        _ op: rd_kafka_admin_op_t, timeout: Duration, what: String,
        _ start: (OpaquePointer?, OpaquePointer?) throws(KafkaError) -> Void,
        result: (OpaquePointer?) throws(KafkaError) -> Void
    ) throws(KafkaError) {
        guard let queue = rd_kafka_queue_new(client.handle) else {
            throw KafkaError(code: .librdkafka, message: "\(what): cannot create a queue")
        }
        defer { rd_kafka_queue_destroy(queue) }
        guard let options = rd_kafka_AdminOptions_new(client.handle, op) else {
            throw KafkaError(code: .librdkafka, message: "\(what): cannot create options")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = [CChar](repeating: 0, count: 512)
        let ms = Int32(timeout.timeoutMilliseconds)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, ms, &errstr, errstr.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, ms, &errstr, errstr.count)
        // Nothing else polls an admin handle: serve its error and log events here.
        defer { rd_kafka_poll(client.handle, 0) }
        try start(options, queue)
        // librdkafka enforces the request timeout itself; the extra second only guards against a
        // result event that never comes.
        guard let event = rd_kafka_queue_poll(queue, ms + 1000) else {
            throw KafkaError(code: .timeout, message: "\(what): no answer from the brokers within \(timeout)")
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? what
            throw KafkaError.rdKafka(err, context: "\(what): \(text)")
        }
        try result(event)
    }
}
