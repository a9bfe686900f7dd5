import Crdkafka
import Logging

/// The one owner of an `rd_kafka_t` handle; every Kafka client type wraps one.
///
/// `@unchecked Sendable`: the handle pointer is immutable after init and librdkafka's API is
/// thread-safe for a handle; the callback context is an immutable `Sendable` object.
final class RDKafkaClient: @unchecked Sendable {
    let handle: OpaquePointer
    let context: RDKafkaCallbackContext
    let logger: Logger

    /// Creates the handle. librdkafka takes ownership of the conf only on success, so on every
    /// failure path the conf is destroyed here.
    init(
        type: rd_kafka_type_t, properties: [String: String], logger: Logger, hooks: KafkaClientHooks,
        rebalance: (@Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)? = nil,
        deliveryCallback: (@convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void)? = nil,
        tokenDelivery: (@Sendable (KafkaTokenDelivery) -> Void)? = nil
    ) throws(KafkaError) {
        let conf = try Self.makeConf(properties)
        let context = RDKafkaCallbackContext(logger: logger, hooks: hooks, rebalance: rebalance, tokenDelivery: tokenDelivery)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, rdKafkaErrorCallback)
        if hooks.onStatistics != nil {
            rd_kafka_conf_set_stats_cb(conf, rdKafkaStatisticsCallback)
        }
        if type == RD_KAFKA_CONSUMER {
            rd_kafka_conf_set_rebalance_cb(conf, rdKafkaRebalanceCallback)
        }
        if let deliveryCallback {
            rd_kafka_conf_set_dr_msg_cb(conf, deliveryCallback)
        }
        var errstr = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: .configuration, message: "cannot create client: \(String(cBuffer: errstr))")
        }
        self.handle = handle
        self.context = context
        self.logger = logger
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    /// Builds a conf from properties, naming the offending key and librdkafka's reason on failure.
    static func makeConf(_ properties: [String: String]) throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: .configuration, message: "rd_kafka_conf_new failed")
        }
        var errstr = [CChar](repeating: 0, count: 512)
        for key in properties.keys.sorted() {
            let value = properties[key] ?? ""
            if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let secret = Redaction.isSecret(key)
                let shown = secret ? Redaction.placeholder : "\"\(value)\""
                // librdkafka's reason may quote the value.
                var reason = String(cBuffer: errstr)
                if secret && !value.isEmpty { reason = reason.replacing(value, with: Redaction.placeholder) }
                throw KafkaError(
                    code: .configuration,
                    message: "invalid value \(shown) for \(key): \(reason)", key: key)
            }
        }
        return conf
    }

    /// Checks that every property is accepted by librdkafka, without creating a client.
    static func validate(_ properties: [String: String]) throws(KafkaError) {
        rd_kafka_conf_destroy(try makeConf(properties))
    }

    /// The handle's cluster metadata for all topics (never triggers auto-creation).
    func withMetadata<T>(timeout: Duration, _ body: (UnsafePointer<rd_kafka_metadata>) throws(KafkaError) -> T) throws(KafkaError) -> T {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 1, nil, &metadata, Int32(timeout.timeoutMilliseconds))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError.rdKafka(err, context: "metadata request to \(brokersDescription) failed")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        return try body(metadata)
    }

    /// Partition ids of a topic, sorted.
    func partitions(of topic: String, timeout: Duration) throws(KafkaError) -> [Int32] {
        try withMetadata(timeout: timeout) { (md) throws(KafkaError) -> [Int32] in
            for i in 0..<Int(md.pointee.topic_cnt) {
                let t = md.pointee.topics[i]
                guard String(cString: t.topic) == topic else { continue }
                if t.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError.rdKafka(t.err, context: "topic \(topic)", key: "topic")
                }
                return (0..<Int(t.partition_cnt)).map { t.partitions[$0].id }.sorted()
            }
            throw KafkaError(
                code: .librdkafka, message: "topic \(topic) does not exist",
                librdkafkaCode: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue, key: "topic")
        }
    }

    var brokersDescription: String { "the brokers" }
}

extension String {
    /// Text of a NUL-terminated C buffer filled by librdkafka (`errstr` arguments).
    init(cBuffer: [CChar]) {
        self = cBuffer.withUnsafeBufferPointer { $0.baseAddress.map { String(cString: $0) } ?? "" }
    }
}
