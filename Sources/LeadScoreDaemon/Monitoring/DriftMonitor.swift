import CoreMetrics
import LeadScoreCore
import Synchronization

/// The one owner of the daemon's bucket-mix history: the poll thread records into it at its
/// housekeeping tick, HTTP reads it. The lock guards the history alone (a few thousand small
/// samples), is held for one step, and never across I/O; worker state is not behind it (the mix
/// comes from the summaries the workers publish).
final class DriftMonitor: Sendable {
    private let history: Mutex<BucketMixHistory>
    private let gauge: Gauge
    private let retrainGauge: Gauge
    /// A PSI at or above this suggests retraining (`drift.retrain_above`).
    let retrainAbove: Double

    init(settings: DaemonConfiguration.DriftSettings, metrics: DaemonMetrics) {
        history = Mutex(BucketMixHistory(window: settings.window, sampleEvery: settings.sampleEvery))
        gauge = metrics.bucketMixPSI
        retrainGauge = metrics.retrainSuggested
        retrainAbove = settings.retrainAbove
        // NaN until there is a baseline: an alert on `> 0.25` stays quiet, and 0 would read "stable".
        gauge.record(Double.nan)
        retrainGauge.record(0)
    }

    /// Whether a PSI suggests retraining the model (`leadscore fit`): no value never does.
    func suggestsRetraining(_ psi: Double?) -> Bool { psi.map { $0 >= retrainAbove } ?? false }

    /// Records the mix (`counts`, asked for only when a sample is due, outside the lock) and
    /// updates the gauge. Called from one thread (the poll thread). `streamTime` is the event
    /// time reached, kept with the sample for the chart's axis.
    func sampleIfDue(at now: Int64, streamTime: Int64? = nil, counts: () -> [Int]) {
        guard history.withLock({ $0.isDue(at: now) }) else { return }
        let mix = counts()
        let status = history.withLock { $0.record(mix, at: now, streamTime: streamTime) }
        gauge.record(status.psi ?? .nan)
        retrainGauge.record(suggestsRetraining(status.psi) ? 1 : 0)
    }

    /// What `/summary` shows: the status of the newest sample, when the window fills, and the
    /// history thinned for a chart.
    func view(chartPoints: Int = 120) -> SummaryDocument.DriftInput {
        history.withLock { h in
            SummaryDocument.DriftInput(status: h.status, fullAt: h.fullAt, window: h.window, samples: h.chartSamples(limit: chartPoints),
                                       retrainAbove: retrainAbove, retrainSuggested: suggestsRetraining(h.status.psi))
        }
    }
}
