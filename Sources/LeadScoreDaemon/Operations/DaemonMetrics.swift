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
    let eventsIn: Labelled<Counter>
    /// Outputs by `type` (`lead_rescored`, `lead_routed`, `enrichment_requested`, `dead_letter`).
    let outputs: Labelled<Counter>
    /// Dead letters written, by `reason` (the decoding error code or `future_timestamp`).
    let deadLetters: Labelled<Counter>
    /// Rep events not applied, by `reason` (a decoding error code, `future_timestamp`,
    /// `tombstone`, `wrong_topic`). Every instance reads every rep event, so these are logged and
    /// counted, not dead-lettered.
    let repEventsSkipped: Labelled<Counter>
    /// Output records refused by the producer or the broker for themselves (too large, invalid)
    /// and dropped, by `topic`.
    let outputErrors: Labelled<Counter>
    /// Outputs not written again during recovery because the output topic already had them.
    let suppressedDuplicates: Counter
    /// Live leads by bucket.
    let leadsByBucket: Labelled<Gauge>
    /// Consumer lag in messages, by input partition.
    let consumerLag: Labelled<Gauge>
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
    /// Time to restore a set of assigned partitions (snapshot, ends, recovery scan), off the poll
    /// thread.
    let restoreDuration: Timer
    /// Engagements whose points a daily cap (`max_points_per_day`) cut, in part or whole, by
    /// `signal`: applied like any other, counted so a cap that bites often is seen.
    let cappedEvents: Labelled<Counter>
    /// Restores that failed (the partitions stay paused and are retried), by `code`.
    let restoreFailures: Labelled<Counter>
    /// Time to write one checkpoint to the state topic, by `kind` (`base`, `delta`).
    let checkpointDuration: Labelled<Timer>
    /// Bytes of checkpoints written to the state topic, by `kind`.
    let checkpointBytes: Labelled<Counter>
    /// Checkpoints the state topic did not take (the local snapshot was written; the next
    /// checkpoint starts a new base).
    let checkpointFailures: Counter
    /// Partitions restored, by `source` (`cache`: the local snapshot directory, `kafka`: the
    /// state topic, `rebuild`: no checkpoint anywhere, the input from its beginning).
    let restoresBySource: Labelled<Counter>
    /// Bytes of state read by restores, by `source`.
    let restoreBytes: Labelled<Counter>
    /// Input records a restored partition replays after its checkpoint to reach where its input
    /// ended at the assignment, by `source` (counted when the restore completes).
    let restoreReplayRecords: Labelled<Counter>
    /// Input records the broker's retention deleted before a restored partition's state covered
    /// them (skipped: the state differs from an uninterrupted run's), by `source`.
    let inputGapRecords: Labelled<Counter>
    /// Population stability index of the lead mix by bucket against the mix `drift.window` ago;
    /// NaN until the window has passed once (see `DriftMonitor`).
    let bucketMixPSI: Gauge
    /// 1 while the bucket mix's PSI is at or above `drift.retrain_above`, else 0.
    let retrainSuggested: Gauge
    /// With a challenger: its bucket changes written to its topic.
    let challengerTransitions: Counter
    /// With a challenger: its leads by `bucket` (the live model's are `leadsByBucket`).
    let challengerLeadsByBucket: Labelled<Gauge>
    /// With a challenger: leads by `live` bucket and `challenger` bucket, as `"<live>:<challenger>"`
    /// label pairs split in two labels (36 series at most).
    let modelAgreement: Labelled<Gauge>
    /// With a challenger: the share of leads both models put in the same bucket.
    let modelAgreementRatio: Gauge

    init(factory: any MetricsFactory) {
        self.factory = factory
        eventsIn = Labelled { Counter(label: "leadscore_events_in_total", dimensions: [("type", $0)], factory: factory) }
        outputs = Labelled { Counter(label: "leadscore_outputs_total", dimensions: [("type", $0)], factory: factory) }
        deadLetters = Labelled { Counter(label: "leadscore_dead_letters_total", dimensions: [("reason", $0)], factory: factory) }
        repEventsSkipped = Labelled { Counter(label: "leadscore_rep_events_skipped_total", dimensions: [("reason", $0)], factory: factory) }
        outputErrors = Labelled { Counter(label: "leadscore_output_errors_total", dimensions: [("topic", $0)], factory: factory) }
        suppressedDuplicates = Counter(label: "leadscore_recovery_suppressed_outputs_total", dimensions: [], factory: factory)
        leadsByBucket = Labelled { Gauge(label: "leadscore_leads", dimensions: [("bucket", $0)], factory: factory) }
        consumerLag = Labelled { Gauge(label: "leadscore_consumer_lag_messages", dimensions: [("partition", $0)], factory: factory) }
        processingLatency = Timer(label: "leadscore_processing_latency_seconds", dimensions: [], factory: factory)
        routingLatency = Timer(label: "leadscore_routing_latency_seconds", dimensions: [], factory: factory)
        snapshotDuration = Timer(label: "leadscore_snapshot_duration_seconds", dimensions: [], factory: factory)
        snapshotAge = Gauge(label: "leadscore_snapshot_age_seconds", dimensions: [], factory: factory)
        ready = Gauge(label: "leadscore_ready", dimensions: [], factory: factory)
        cappedEvents = Labelled { Counter(label: "leadscore_capped_events_total", dimensions: [("signal", $0)], factory: factory) }
        restoreDuration = Timer(label: "leadscore_restore_duration_seconds", dimensions: [], factory: factory)
        restoreFailures = Labelled { Counter(label: "leadscore_restore_failures_total", dimensions: [("code", $0)], factory: factory) }
        checkpointDuration = Labelled { Timer(label: "leadscore_checkpoint_duration_seconds", dimensions: [("kind", $0)], factory: factory) }
        checkpointBytes = Labelled { Counter(label: "leadscore_checkpoint_bytes_total", dimensions: [("kind", $0)], factory: factory) }
        checkpointFailures = Counter(label: "leadscore_checkpoint_failures_total", dimensions: [], factory: factory)
        restoresBySource = Labelled { Counter(label: "leadscore_restores_total", dimensions: [("source", $0)], factory: factory) }
        restoreBytes = Labelled { Counter(label: "leadscore_restore_bytes_total", dimensions: [("source", $0)], factory: factory) }
        restoreReplayRecords = Labelled { Counter(label: "leadscore_restore_replay_records_total", dimensions: [("source", $0)], factory: factory) }
        inputGapRecords = Labelled { Counter(label: "leadscore_input_gap_records_total", dimensions: [("source", $0)], factory: factory) }
        bucketMixPSI = Gauge(label: "leadscore_bucket_mix_psi", dimensions: [], factory: factory)
        retrainSuggested = Gauge(label: "leadscore_retrain_suggested", dimensions: [], factory: factory)
        challengerTransitions = Counter(label: "leadscore_challenger_transitions_total", dimensions: [], factory: factory)
        challengerLeadsByBucket = Labelled { Gauge(label: "leadscore_challenger_leads", dimensions: [("bucket", $0)], factory: factory) }
        modelAgreement = Labelled { pair in
            let parts = pair.split(separator: ":", maxSplits: 1).map(String.init)
            return Gauge(label: "leadscore_model_agreement_leads", dimensions: [("live", parts[0]), ("challenger", parts.count > 1 ? parts[1] : "")],
                         factory: factory)
        }
        modelAgreementRatio = Gauge(label: "leadscore_model_agreement_ratio", dimensions: [], factory: factory)
    }
}

/// One metric split by one label (an event type, a bucket, a partition), each value's handle
/// created on first use and cached: the label values form small closed sets.
final class Labelled<Metric: Sendable>: Sendable {
    private let make: @Sendable (String) -> Metric
    private let cache = LockedDictionary<String, Metric>()

    init(_ make: @escaping @Sendable (String) -> Metric) {
        self.make = make
    }

    /// The handle for one label value.
    subscript(_ value: String) -> Metric {
        cache.value(for: value, orMake: { make(value) })
    }
}

extension Timer {
    /// Records a `Duration` measured with `ContinuousClock`.
    func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
