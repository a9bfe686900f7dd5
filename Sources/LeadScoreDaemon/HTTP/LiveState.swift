/// What the HTTP endpoints read from a running daemon.
///
/// The pipeline owns the scoring state on its own thread; this protocol is the narrow, thread-safe
/// window the HTTP layer gets onto it, which also lets the endpoints be tested without Kafka.
public protocol LiveState: Sendable {
    /// True once every assigned partition's state is restored and rep events are caught up.
    var isReady: Bool { get }
    /// A reason when the daemon is not healthy (e.g. the producer hit a fatal error); nil if healthy.
    var unhealthyReason: String? { get }
    /// The live breakdown of one lead as JSON, or nil when no assigned partition knows it (or
    /// its owner did not answer in time). Awaited, never waited for on an event-loop thread.
    func leadJSON(id: String) async -> [UInt8]?
    /// The rep leaderboard as JSON.
    func repsJSON() -> [UInt8]
    /// Summary for the dashboard: buckets, recent routing decisions, throughput, as JSON.
    func summaryJSON() -> [UInt8]
    /// The Prometheus text exposition of every metric.
    func metricsText() -> [UInt8]
    /// The dashboard page, rendered with the current state (see `DashboardPage`).
    func dashboardHTML() -> [UInt8]
}

extension LiveState {
    /// A state that cannot give the dashboard its values gets the page saying so.
    public func dashboardHTML() -> [UInt8] {
        DashboardPage.render(summary: nil, reps: [])
    }
}
