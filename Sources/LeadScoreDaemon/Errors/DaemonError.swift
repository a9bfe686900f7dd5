import LeadScoreKafka

/// The daemon's one error type: what went wrong (`code`), where (`partition`, when it concerns
/// one), what it means for the process (`isFatal`, `isRetriable`), and the underlying error
/// itself, never its text alone, so the caller that decides (stop, retry, pause a partition) has
/// what it needs.
///
/// Like `KafkaError`, `Code` is an extensible set of named values rather than an enum, so a new
/// failure does not break every `switch` over codes.
public struct DaemonError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable name, used in logs and metric labels.
        public let name: String

        init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The configuration cannot be used (startup).
        public static let configuration = Code("configuration")
        /// The linked librdkafka is too old (startup).
        public static let librdkafka = Code("librdkafka")
        /// Topics could not be created or described.
        public static let topics = Code("topics")
        /// A Kafka client failed (consume, produce, commit, admin).
        public static let kafka = Code("kafka")
        /// Reading the output topics back after a restore failed.
        public static let recoveryScan = Code("recovery_scan")
        /// A snapshot could not be written or read.
        public static let snapshot = Code("snapshot")
        /// An output could not be delivered.
        public static let delivery = Code("delivery")
        /// A partition worker failed and stopped.
        public static let worker = Code("worker")
        /// A step did not finish within its deadline.
        public static let timeout = Code("timeout")
        /// The instance was fenced: its group membership lapsed (a pause past the session timeout).
        public static let fenced = Code("fenced")
    }

    /// What kind of failure.
    public var code: Code
    /// What happened, for the operator.
    public var message: String
    /// The input partition concerned, when it concerns one.
    public var partition: Int32?
    /// The error underneath (a `KafkaError`, `SnapshotFileError`, another `DaemonError`), kept
    /// whole.
    public var underlying: (any Error & Sendable)?

    /// Creates an error; `underlying` keeps the cause whole.
    public init(_ code: Code, _ message: String, partition: Int32? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.partition = partition
        self.underlying = underlying
    }

    /// True when trying the same step again may succeed (librdkafka says so of the cause, or it
    /// timed out).
    public var isRetriable: Bool {
        if code == .timeout { return true }
        if let kafka = underlying as? KafkaError { return kafka.isRetriable }
        if let daemon = underlying as? DaemonError { return daemon.isRetriable }
        return false
    }

    /// True when the underlying client can no longer be used (librdkafka's fatal flag).
    public var isFatal: Bool {
        if let kafka = underlying as? KafkaError { return kafka.isFatal }
        if let daemon = underlying as? DaemonError { return daemon.isFatal }
        return false
    }

    public var description: String {
        var text = message
        if let partition { text += " (partition \(partition))" }
        if let underlying { text += ": \(underlying)" }
        return text
    }
}
