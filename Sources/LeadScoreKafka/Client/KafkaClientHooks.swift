/// Optional observers of a client's background events; all are called on librdkafka's or the
/// client's own threads, so they must be cheap and thread-safe.
public struct KafkaClientHooks: Sendable {
    /// Receives librdkafka's statistics JSON every `statistics.interval.ms`
    /// (`KafkaConfiguration.statisticsInterval`); see librdkafka's STATISTICS.md for the schema.
    public var onStatistics: (@Sendable (String) -> Void)?
    /// Receives client-level errors librdkafka reports asynchronously, such as all brokers being
    /// down (`KafkaError.Code.brokerUnavailable`) or a fatal idempotence error (`isFatal`). These
    /// are also logged; the hook lets callers act (for example mark the service not ready).
    public var onError: (@Sendable (KafkaError) -> Void)?

    /// Creates hooks; both are optional.
    public init(
        onStatistics: (@Sendable (String) -> Void)? = nil,
        onError: (@Sendable (KafkaError) -> Void)? = nil
    ) {
        self.onStatistics = onStatistics
        self.onError = onError
    }
}
