import LeadScoreCore
@testable import LeadScoreDaemon
import Prometheus
import Testing

/// The drift history in process: which sample is the baseline, what it answers before a window
/// has passed or with no leads, and what it keeps.
@Suite("Bucket mix history")
struct BucketMixHistoryTests {
    /// Counts by `Bucket.rawValue`: nurture, C, B, A, self_serve.
    static let even = [10, 10, 10, 10, 10]
    static let shifted = [10, 10, 10, 40, 10]

    private func history(window: Int64 = 10_000, every: Int64 = 1_000) -> BucketMixHistory {
        BucketMixHistory(window: .milliseconds(window), sampleEvery: .milliseconds(every))
    }

    @Test("no value until one window has passed; then the sample a window old is the baseline")
    func warmsUpThenCompares() throws {
        var h = history()
        #expect(h.status.reading == "no samples")
        #expect(h.status.psi == nil)
        let first = h.record(Self.even, at: 0)
        #expect(first.psi == nil)
        #expect(first.reading == "warming up")
        #expect(h.fullAt == 10_000)
        for t in stride(from: Int64(1_000), through: 9_000, by: 1_000) {
            #expect(h.record(Self.shifted, at: t).psi == nil, "at \(t) no sample is a window old")
        }
        let full = h.record(Self.shifted, at: 10_000)
        #expect(full.baselineAt == 0)
        let expected = try #require(Statistics.populationStability(expected: Self.even.map(Double.init), actual: Self.shifted.map(Double.init)))
        #expect(full.psi == expected)
        #expect(full.reading == Statistics.stabilityReading(expected))
        // One step on, the baseline moves to the sample at 1 s (shifted too): no drift.
        let next = h.record(Self.shifted, at: 11_000)
        #expect(next.baselineAt == 1_000)
        #expect(next.psi == 0)
        #expect(next.reading == "stable")
    }

    @Test("the baseline is the newest sample at or before now - window", arguments: [
        (Int64(12_000), Int64?(0)), (13_999, 0), (14_000, 4_000), (18_999, 4_000), (19_000, 9_000), (9_999, nil),
    ])
    func baselineChoice(now: Int64, baseline: Int64?) {
        var h = history()
        h.record(Self.even, at: 0)
        h.record(Self.shifted, at: 4_000)
        h.record(Self.even, at: 9_000)
        #expect(h.drift(of: Self.even, at: now).baselineAt == baseline)
    }

    @Test("an empty mix (now or at the baseline) has no value and says so")
    func emptyMix() {
        var h = history()
        h.record([0, 0, 0, 0, 0], at: 0)
        let emptyBaseline = h.record(Self.even, at: 10_000)
        #expect(emptyBaseline.psi == nil)
        #expect(emptyBaseline.reading == "no leads")
        #expect(emptyBaseline.baselineAt == 0)
        let emptyNow = h.record([0, 0, 0, 0, 0], at: 20_000)
        #expect(emptyNow.psi == nil)
        #expect(emptyNow.reading == "no leads")
    }

    @Test("keeps the baseline and what follows it, no more; a clock that went back is ignored")
    func pruning() {
        var h = history(window: 5_000, every: 1_000)
        for t in stride(from: Int64(0), through: 60_000, by: 1_000) { h.record(Self.even, at: t) }
        #expect(h.samples.count == 6, "the baseline at 55 s and the five samples after it")
        #expect(h.samples.first?.at == 55_000)
        let before = h
        h.record(Self.shifted, at: 59_000)
        #expect(h == before)
    }

    @Test("a sample is due every sample_every")
    func due() {
        var h = history(window: 10_000, every: 1_000)
        #expect(h.isDue(at: 0))
        h.record(Self.even, at: 0)
        #expect(!h.isDue(at: 999))
        #expect(h.isDue(at: 1_000))
    }

    @Test("the chart gets at most its limit of samples, evenly spread, first and newest included")
    func chartSamples() {
        var h = history(window: 1_000_000, every: 1_000)
        for t in stride(from: Int64(0), through: 299_000, by: 1_000) { h.record([Int(t / 1_000), 0, 0, 0, 0], at: t) }
        let points = h.chartSamples(limit: 120)
        #expect(points.count == 120)
        #expect(points.first?.at == 0)
        #expect(points.last?.at == 299_000)
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.at < $1.at })
        #expect(h.chartSamples(limit: 1_000).count == 300)
    }

    @Test("the monitor samples when due and exports NaN until a baseline exists, then the PSI")
    func monitorGauge() throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = DaemonMetrics(factory: PrometheusMetricsFactory(registry: registry))
        var settings = DaemonConfiguration.DriftSettings()
        settings.window = .seconds(10)
        settings.sampleEvery = .seconds(1)
        let monitor = DriftMonitor(settings: settings, metrics: metrics)
        func gauge() -> String { Self.line("leadscore_bucket_mix_psi", in: registry) }
        #expect(gauge().lowercased() == "leadscore_bucket_mix_psi nan", "NaN: Prometheus parses it in any case")
        var asked = 0
        monitor.sampleIfDue(at: 0) { asked += 1; return Self.even }
        monitor.sampleIfDue(at: 500) { asked += 1; return Self.shifted }
        #expect(asked == 1, "the mix is computed only when a sample is due")
        #expect(gauge().lowercased() == "leadscore_bucket_mix_psi nan", "NaN: Prometheus parses it in any case")
        monitor.sampleIfDue(at: 10_000) { Self.shifted }
        let view = monitor.view()
        let psi = try #require(view.status.psi)
        #expect(view.status.baselineAt == 0)
        #expect(view.samples.count == 2)
        #expect(gauge() == "leadscore_bucket_mix_psi \(psi)")
    }
}

extension BucketMixHistoryTests {
    @Test("a PSI at or above drift.retrain_above sets leadscore_retrain_suggested, /summary's flag and the dashboard's note")
    func retrainSuggested() throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = DaemonMetrics(factory: PrometheusMetricsFactory(registry: registry))
        var settings = DaemonConfiguration.DriftSettings()
        settings.window = .seconds(10)
        settings.sampleEvery = .seconds(1)
        settings.retrainAbove = 0.2
        let monitor = DriftMonitor(settings: settings, metrics: metrics)
        func gauge() -> String { Self.line("leadscore_retrain_suggested", in: registry) }
        monitor.sampleIfDue(at: 0) { Self.even }
        #expect(gauge() == "leadscore_retrain_suggested 0.0")
        monitor.sampleIfDue(at: 10_000) { [10, 10, 10, 80, 10] }
        let psi = try #require(monitor.view().status.psi)
        #expect(psi >= 0.2)
        #expect(gauge() == "leadscore_retrain_suggested 1.0")
        let summary = SummaryDocument(pid: 1, configVersion: "v", ready: true, workers: 1, published: [:], recent: [], drift: monitor.view(),
                                      uplift: UpliftReport(UpliftTally(maxLeads: 10).counts, maxLeads: 10))
        #expect(summary.drift.retrainSuggested && summary.drift.retrainAbove == 0.2)
        #expect(DashboardPage.drift(summary.drift).contains("id=\"retrain-suggested\""))
        monitor.sampleIfDue(at: 20_000) { [10, 10, 10, 80, 10] }
        #expect(gauge() == "leadscore_retrain_suggested 0.0", "the shift is over once the baseline has it too")
    }
}

extension BucketMixHistoryTests {
    /// The exposition line of a gauge without labels.
    static func line(_ name: String, in registry: PrometheusCollectorRegistry) -> String {
        var out: [UInt8] = []
        registry.emit(into: &out)
        return String(decoding: out, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(name + " ") }.map(String.init) ?? ""
    }
}
