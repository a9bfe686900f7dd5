import Prometheus

/// Joins the pipeline's live views and the metrics registry into what the HTTP layer reads.
struct DaemonLiveState: LiveState {
    let pipeline: Pipeline
    let registry: PrometheusCollectorRegistry

    var isReady: Bool { pipeline.isReady }
    var unhealthyReason: String? { pipeline.unhealthyReason }
    func leadJSON(id: String) async -> [UInt8]? { await pipeline.leadJSON(id: id) }
    func repsJSON() -> [UInt8] { pipeline.repsJSON() }
    func summaryJSON() -> [UInt8] { pipeline.summaryJSON() }
    func dashboardHTML() -> [UInt8] { DashboardPage.render(summary: pipeline.summaryDocument(), reps: pipeline.reps.leaderboard()) }

    func metricsText() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }
}
