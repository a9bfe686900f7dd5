import Crdkafka
import Logging
import Synchronization

/// Everything librdkafka's C callbacks need, reached through the handle's opaque pointer.
///
/// Owned by the `RDKafkaClient` that owns the handle, so it outlives every callback: the handle is
/// destroyed in the client's `deinit` before the context is released.
final class RDKafkaCallbackContext: Sendable {
    let logger: Logger
    let hooks: KafkaClientHooks
    /// Producers: failed deliveries of messages sent without a completion.
    let deliveryFailures = Atomic<Int>(0)
    /// Producers: the handler of records produced with a token (`KafkaTokenDelivery`).
    let tokenDelivery: (@Sendable (KafkaTokenDelivery) -> Void)?
    /// Set for group consumers only; called on the polling thread from inside `poll`/`close`.
    let rebalance: (@Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?

    init(
        logger: Logger, hooks: KafkaClientHooks,
        rebalance: (@Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?,
        tokenDelivery: (@Sendable (KafkaTokenDelivery) -> Void)? = nil
    ) {
        self.tokenDelivery = tokenDelivery
        self.logger = logger
        self.hooks = hooks
        self.rebalance = rebalance
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbackContext? {
        guard let opaque else { return nil }
        return Unmanaged<RDKafkaCallbackContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}

/// librdkafka log lines go to swift-log with syslog levels mapped one to one where swift-log has
/// the level, and metadata under `kafka.*`.
let rdKafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, facility, line in
    guard let rk, let context = RDKafkaCallbackContext.from(rd_kafka_opaque(rk)) else { return }
    let swiftLevel: Logger.Level =
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    guard context.logger.logLevel <= swiftLevel else { return }
    let message = line.map { String(cString: $0) } ?? ""
    context.logger.log(
        level: swiftLevel, "\(message)",
        metadata: [
            "kafka.facility": .string(facility.map { String(cString: $0) } ?? ""),
            "kafka.client": .string(String(cString: rd_kafka_name(rk))),
        ])
}

let rdKafkaStatisticsCallback: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
    _, json, length, opaque in
    guard let json, let context = RDKafkaCallbackContext.from(opaque), let hook = context.hooks.onStatistics else {
        return 0
    }
    let text = UnsafeRawBufferPointer(start: json, count: length).withMemoryRebound(to: UInt8.self) {
        String(decoding: $0, as: UTF8.self)
    }
    hook(text)
    return 0  // librdkafka frees the JSON buffer
}

let rdKafkaErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, reason, opaque in
    guard let context = RDKafkaCallbackContext.from(opaque) else { return }
    var error = KafkaError.rdKafka(
        rd_kafka_resp_err_t(rawValue: err), context: reason.map { String(cString: $0) } ?? "client error")
    if error.librdkafkaCode == RD_KAFKA_RESP_ERR__FATAL.rawValue, let rk {
        // The callback's code is only _FATAL; the underlying reason comes from rd_kafka_fatal_error.
        var buffer = [CChar](repeating: 0, count: 512)
        let underlying = rd_kafka_fatal_error(rk, &buffer, buffer.count)
        error = KafkaError.rdKafka(underlying, context: String(cBuffer: buffer))
        error.isFatal = true
    }
    context.logger.warning("librdkafka error", metadata: ["kafka.error": .string(error.description)])
    context.hooks.onError?(error)
}

let rdKafkaRebalanceCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, partitions, opaque in
    guard let rk, let partitions, let context = RDKafkaCallbackContext.from(opaque) else { return }
    if let rebalance = context.rebalance {
        rebalance(rk, err, partitions)
    } else {
        // No handler: take librdkafka's default action so the consumer still works.
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            if cooperative { rd_kafka_incremental_assign(rk, partitions).map { rd_kafka_error_destroy($0) } }
            else { _ = rd_kafka_assign(rk, partitions) }
        } else {
            if cooperative { rd_kafka_incremental_unassign(rk, partitions).map { rd_kafka_error_destroy($0) } }
            else { _ = rd_kafka_assign(rk, nil) }
        }
    }
}
