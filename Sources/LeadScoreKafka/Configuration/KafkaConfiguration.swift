/// Typed settings for every Kafka client of the daemon (consumer, partition reader, producer, admin).
///
/// Everything librdkafka knows but this struct does not name goes through `librdkafka`, a raw
/// key/value passthrough (SASL, SSL, tuning). The typed fields are converted to librdkafka's
/// properties in exactly one place, `librdkafkaProperties(for:)`; a passthrough entry wins over a
/// typed field so operators can always override. `description` never prints secrets.
public struct KafkaConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// Bootstrap brokers, `host:port` each.
    public var bootstrapServers: [String]
    /// `client.id`, shown in broker logs and quotas.
    public var clientID: String
    /// Consumer group id; required by `KafkaConsumer`, ignored by the other clients.
    public var groupID: String?
    /// `session.timeout.ms`: how long the group coordinator waits before declaring a member dead.
    public var sessionTimeout: Duration
    /// `heartbeat.interval.ms`; nil keeps librdkafka's default (3 s).
    public var heartbeatInterval: Duration?
    /// `max.poll.interval.ms`: the longest allowed gap between two polls of a group consumer.
    public var maxPollInterval: Duration
    /// `enable.auto.commit`: commit stored offsets in the background. Offsets are only ever stored
    /// explicitly (`storeOffset`), so auto-commit never commits a message the application has not
    /// finished with.
    public var enableAutoCommit: Bool
    /// `auto.commit.interval.ms`.
    public var autoCommitInterval: Duration
    /// Where a group consumer starts when the group has no committed offset.
    public var autoOffsetReset: AutoOffsetReset
    /// `isolation.level`.
    public var isolationLevel: IsolationLevel
    /// `enable.idempotence` for producers (on by default: no duplicates or reordering on retry).
    public var enableIdempotence: Bool
    /// `transactional.id`; setting it makes the producer transactional.
    public var transactionalID: String?
    /// `message.timeout.ms`: how long a produced message may wait for delivery before it fails.
    public var messageTimeout: Duration
    /// `linger.ms`: how long the producer waits to fill a batch.
    public var linger: Duration
    /// `queue.buffering.max.messages`: the producer's local queue capacity.
    public var producerQueueMaxMessages: Int
    /// `socket.timeout.ms`: the default timeout of network requests.
    public var socketTimeout: Duration
    /// `statistics.interval.ms`; nil disables statistics. See `KafkaClientHooks.onStatistics`.
    public var statisticsInterval: Duration?
    /// `fetch.wait.max.ms` for consumers: how long the broker may hold a fetch that has no data
    /// yet. nil keeps librdkafka's default (500 ms), right for Kafka, which answers a waiting
    /// fetch as soon as data arrives. Brokers that hold it to the end (Tansu) need a small value
    /// where latency matters; that belongs in their deployment's configuration.
    public var fetchWaitMax: Duration?
    /// `max.partition.fetch.bytes` for consumers: how much of one partition a fetch asks for. nil
    /// keeps librdkafka's default (1 MiB), right for a live consumer; a reader that wants a whole
    /// stretch of a partition at once (the state topic's chunks) asks for more per round trip.
    public var maxPartitionFetchBytes: Int?
    /// `fetch.max.bytes` for consumers: how much one fetch may return over all its partitions. nil
    /// keeps librdkafka's default (50 MiB); librdkafka raises `receive.message.max.bytes` to fit.
    public var fetchMaxBytes: Int?
    /// Raw librdkafka properties, applied last (they override typed fields).
    public var librdkafka: [String: String]

    /// Where a group consumer starts reading when it has no committed offset.
    public enum AutoOffsetReset: String, Sendable, Hashable {
        /// The first retained message.
        case earliest
        /// Only messages produced after the consumer joined.
        case latest
        /// Fail instead of guessing.
        case error
    }

    /// Which records a consumer sees from transactional producers.
    public enum IsolationLevel: String, Sendable, Hashable {
        /// Only records of committed transactions (and non-transactional records).
        case readCommitted = "read_committed"
        /// Every record, including those of open or aborted transactions.
        case readUncommitted = "read_uncommitted"
    }

    /// Creates a configuration; every field has a documented default except the brokers.
    public init(
        bootstrapServers: [String],
        clientID: String = "leadscore",
        groupID: String? = nil,
        sessionTimeout: Duration = .seconds(45),
        heartbeatInterval: Duration? = nil,
        maxPollInterval: Duration = .seconds(300),
        enableAutoCommit: Bool = false,
        autoCommitInterval: Duration = .seconds(5),
        autoOffsetReset: AutoOffsetReset = .earliest,
        isolationLevel: IsolationLevel = .readCommitted,
        enableIdempotence: Bool = true,
        transactionalID: String? = nil,
        messageTimeout: Duration = .seconds(300),
        linger: Duration = .milliseconds(5),
        producerQueueMaxMessages: Int = 1_000_000,
        socketTimeout: Duration = .seconds(60),
        statisticsInterval: Duration? = nil,
        fetchWaitMax: Duration? = nil,
        librdkafka: [String: String] = [:]
    ) {
        self.fetchWaitMax = fetchWaitMax
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.groupID = groupID
        self.sessionTimeout = sessionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.maxPollInterval = maxPollInterval
        self.enableAutoCommit = enableAutoCommit
        self.autoCommitInterval = autoCommitInterval
        self.autoOffsetReset = autoOffsetReset
        self.isolationLevel = isolationLevel
        self.enableIdempotence = enableIdempotence
        self.transactionalID = transactionalID
        self.messageTimeout = messageTimeout
        self.linger = linger
        self.producerQueueMaxMessages = producerQueueMaxMessages
        self.socketTimeout = socketTimeout
        self.statisticsInterval = statisticsInterval
        self.librdkafka = librdkafka
    }

    /// Passthrough keys whose values are never shown whatever their name (e.g. those that came
    /// from the environment); `Redaction` hides secret-like keys on its own.
    public var hiddenKeys: Set<String> = []

    /// Convenience for a comma-separated bootstrap string such as `"host1:9092,host2:9092"`.
    public init(bootstrap: String, clientID: String = "leadscore", groupID: String? = nil) {
        self.init(
            bootstrapServers: bootstrap.split(separator: ",").map { $0.trimmingWhitespace() },
            clientID: clientID, groupID: groupID)
    }

    /// The properties as `key=value` pairs in key order, secrets replaced by `[REDACTED]`.
    public var description: String {
        let properties = librdkafkaProperties(for: .producer)
            .merging(librdkafkaProperties(for: .groupConsumer)) { first, _ in first }
        let text = properties.keys.sorted().map { key in
            "\(key)=\(Redaction.shown(key, properties[key] ?? "", fromEnvironment: hiddenKeys.contains(key)))"
        }
        return "KafkaConfiguration(\(text.joined(separator: ", ")))"
    }

}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
