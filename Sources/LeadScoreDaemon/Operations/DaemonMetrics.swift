import CoreMetrics
import Metrics

/// Every metric the daemon reports, created once at start from an injected factory.
///
/// Taking the factory as a parameter (instead of bootstrapping the global `MetricsSystem`) lets
/// tests and embedders build a daemon with their own registry and read it back without touching
/// process-wide state. Per-label handles are created lazily and cached, since event types, output
/// kinds and dead-letter reasons form small closed sets.
final class DaemonMetrics: Sendable {
    private let factory: any MetricsFactory

    /// Input events by `type` (`engagement`, `rep_roster`, ...).
    let eventsIn: LabelledCounters
    /// Outputs by `type` (`lead_rescored`, `lead_routed`, `enrichment_requested`, `dead_letter`).
    let outputs: LabelledCounters
    /// Dead letters by `reason` (the decoding error code or `future_timestamp`).
    let deadLetters: LabelledCounters
    /// Outputs not written again during recovery because the output topic already had them.
    let suppressedDuplicates: Counter
    /// Live leads by bucket.
    let leadsByBucket: LabelledGauges
    /// Consumer lag in messages, by input partition.
    let consumerLag: LabelledGauges
    /// Time from reading an input event to handing its outputs to the producer.
    let processingLatency: Timer
    /// Time from an input event's broker timestamp to the delivery report of its routing event.
    let routingLatency: Timer
    /// Time to write one partition snapshot.
    let snapshotDuration: Timer
    /// Seconds since the newest snapshot was written.
    let snapshotAge: Gauge
    /// 1 once state is restored and rep events are caught up.
    let ready: Gauge

    init(factory: any MetricsFactory) {
        self.factory = factory
        eventsIn = LabelledCounters(label: "leadscore_events_in_total", dimension: "type", factory: factory)
        outputs = LabelledCounters(label: "leadscore_outputs_total", dimension: "type", factory: factory)
        deadLetters = LabelledCounters(label: "leadscore_dead_letters_total", dimension: "reason", factory: factory)
        suppressedDuplicates = Counter(label: "leadscore_recovery_suppressed_outputs_total", dimensions: [], factory: factory)
        leadsByBucket = LabelledGauges(label: "leadscore_leads", dimension: "bucket", factory: factory)
        consumerLag = LabelledGauges(label: "leadscore_consumer_lag_messages", dimension: "partition", factory: factory)
        processingLatency = Timer(label: "leadscore_processing_latency_seconds", dimensions: [], factory: factory)
        routingLatency = Timer(label: "leadscore_routing_latency_seconds", dimensions: [], factory: factory)
        snapshotDuration = Timer(label: "leadscore_snapshot_duration_seconds", dimensions: [], factory: factory)
        snapshotAge = Gauge(label: "leadscore_snapshot_age_seconds", dimensions: [], factory: factory)
        ready = Gauge(label: "leadscore_ready", dimensions: [], factory: factory)
    }
}

/// Counters of one metric split by one label, created on first use and cached.
final class LabelledCounters: Sendable {
    private let label: String
    private let dimension: String
    private let factory: any MetricsFactory
    private let cache: LockedDictionary<String, Counter>

    init(label: String, dimension: String, factory: any MetricsFactory) {
        self.label = label
        self.dimension = dimension
        self.factory = factory
        self.cache = LockedDictionary()
    }

    /// Adds `amount` to the counter for `value`.
    func increment(_ value: String, by amount: Int = 1) {
        cache.value(for: value, orMake: { Counter(label: label, dimensions: [(dimension, value)], factory: factory) })
            .increment(by: amount)
    }
}

/// Gauges of one metric split by one label, created on first use and cached.
final class LabelledGauges: Sendable {
    private let label: String
    private let dimension: String
    private let factory: any MetricsFactory
    private let cache: LockedDictionary<String, Gauge>

    init(label: String, dimension: String, factory: any MetricsFactory) {
        self.label = label
        self.dimension = dimension
        self.factory = factory
        self.cache = LockedDictionary()
    }

    /// Sets the gauge for `value`.
    func record(_ value: String, _ amount: Double) {
        cache.value(for: value, orMake: { Gauge(label: label, dimensions: [(dimension, value)], factory: factory) })
            .record(amount)
    }
}

extension Timer {
    /// Records a `Duration` measured with `ContinuousClock`.
    func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
