import Crdkafka

/// The one error type of the Kafka layer.
///
/// It keeps librdkafka's own error code and the flags librdkafka attaches to it (fatal, retriable,
/// transaction-requires-abort), so callers can decide whether to retry, abort a transaction or stop,
/// without parsing messages.
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes can be added without breaking callers
    /// that switch on the ones they know (compare with `==`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: Hashable, Sendable {
            case configuration
            case librdkafka
            case timeout
            case queueFull
            case closed
            case invalidArgument
            case unsupportedVersion
            case brokerUnavailable
        }

        fileprivate let backing: Backing

        /// A configuration value was rejected (see `KafkaError.key`).
        public static let configuration = Code(backing: .configuration)
        /// librdkafka reported an error; see `KafkaError.librdkafkaCode`.
        public static let librdkafka = Code(backing: .librdkafka)
        /// A bounded wait ran out.
        public static let timeout = Code(backing: .timeout)
        /// The producer's local queue stayed full for longer than the caller allowed.
        public static let queueFull = Code(backing: .queueFull)
        /// The client was already closed.
        public static let closed = Code(backing: .closed)
        /// An argument given by the caller is not valid.
        public static let invalidArgument = Code(backing: .invalidArgument)
        /// The librdkafka found at run time is too old for the requested feature.
        public static let unsupportedVersion = Code(backing: .unsupportedVersion)
        /// No broker could be reached (all brokers down, or a closed port).
        public static let brokerUnavailable = Code(backing: .brokerUnavailable)

        /// The code's name, stable for logs and metrics labels.
        public var description: String {
            switch backing {
            case .configuration: "configuration"
            case .librdkafka: "librdkafka"
            case .timeout: "timeout"
            case .queueFull: "queueFull"
            case .closed: "closed"
            case .invalidArgument: "invalidArgument"
            case .unsupportedVersion: "unsupportedVersion"
            case .brokerUnavailable: "brokerUnavailable"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// A human-readable explanation, including librdkafka's own message where there is one.
    public var message: String
    /// librdkafka's `rd_kafka_resp_err_t` value, when the error came from librdkafka.
    public var librdkafkaCode: Int32?
    /// The configuration key or argument name the error is about, when there is one.
    public var key: String?
    /// librdkafka says the client instance can no longer be used and must be recreated.
    public var isFatal: Bool
    /// librdkafka says the same operation may succeed if retried.
    public var isRetriable: Bool
    /// In transactional mode: the current transaction must be aborted before going on.
    public var transactionRequiresAbort: Bool

    /// Creates an error; most code uses the static helpers.
    public init(
        code: Code, message: String, librdkafkaCode: Int32? = nil, key: String? = nil,
        isFatal: Bool = false, isRetriable: Bool = false, transactionRequiresAbort: Bool = false
    ) {
        self.code = code
        self.message = message
        self.librdkafkaCode = librdkafkaCode
        self.key = key
        self.isFatal = isFatal
        self.isRetriable = isRetriable
        self.transactionRequiresAbort = transactionRequiresAbort
    }

    /// librdkafka's symbolic name of `librdkafkaCode` (for example `_TIMED_OUT`), when there is one.
    public var librdkafkaName: String? {
        guard let raw = librdkafkaCode else { return nil }
        return String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: raw)))
    }

    public var description: String {
        var text = "KafkaError.\(code)"
        if let key { text += " [\(key)]" }
        if let name = librdkafkaName { text += " (\(name))" }
        text += ": \(message)"
        var flags: [String] = []
        if isFatal { flags.append("fatal") }
        if isRetriable { flags.append("retriable") }
        if transactionRequiresAbort { flags.append("abort transaction") }
        if !flags.isEmpty { text += " [\(flags.joined(separator: ", "))]" }
        return text
    }
}

extension KafkaError {
    /// An error for a librdkafka response code, with librdkafka's text appended to `context`.
    static func rdKafka(_ err: rd_kafka_resp_err_t, context: String, key: String? = nil) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(err))
        return KafkaError(
            code: code(for: err), message: "\(context): \(text)", librdkafkaCode: err.rawValue, key: key,
            isFatal: err == RD_KAFKA_RESP_ERR__FATAL,
            isRetriable: err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__QUEUE_FULL
                || err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT
        )
    }

    /// Converts and frees an `rd_kafka_error_t`; the flags come from librdkafka itself.
    static func consuming(_ error: OpaquePointer, context: String) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        let text = rd_kafka_error_string(error).map { String(cString: $0) } ?? "unknown error"
        return KafkaError(
            code: code(for: err), message: "\(context): \(text)", librdkafkaCode: err.rawValue,
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            transactionRequiresAbort: rd_kafka_error_txn_requires_abort(error) != 0
        )
    }

    private static func code(for err: rd_kafka_resp_err_t) -> Code {
        switch err {
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
            RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
            .timeout
        case RD_KAFKA_RESP_ERR__QUEUE_FULL: .queueFull
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TRANSPORT: .brokerUnavailable
        case RD_KAFKA_RESP_ERR__INVALID_ARG: .invalidArgument
        default: .librdkafka
        }
    }
}

extension KafkaError {
    /// The error concerns one record alone and retrying it can never succeed (too large for the
    /// producer or the broker, rejected as invalid): the caller may drop that record and go on.
    /// Transport, timeout and fatal errors are not record errors.
    public var isRecordError: Bool {
        guard !isFatal, let raw = librdkafkaCode else { return false }
        let err = rd_kafka_resp_err_t(rawValue: raw)
        return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || err == RD_KAFKA_RESP_ERR_INVALID_MSG
            || err == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE || err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE
            || err == RD_KAFKA_RESP_ERR_INVALID_RECORD || err == RD_KAFKA_RESP_ERR__BAD_MSG
    }
}

extension KafkaError {
    /// An error for a raw librdkafka response code (as found in `librdkafkaCode`).
    static func fromResponseCode(_ raw: Int32, context: String) -> KafkaError {
        rdKafka(rd_kafka_resp_err_t(rawValue: raw), context: context)
    }
}

extension KafkaError {
    /// The record was taken back from the producer's queue (`purgeQueued`, `close`) before it was
    /// sent: it was never written, by design rather than by failure.
    public var isPurged: Bool {
        guard let raw = librdkafkaCode else { return false }
        let err = rd_kafka_resp_err_t(rawValue: raw)
        return err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT
    }
}
