import LeadScoreCore

/// What a partition worker publishes about one of its partitions for HTTP and the gauges: a few
/// numbers, copied out at safe points, so readers never touch the worker's state.
struct PartitionSummary: Sendable, Equatable {
    var partition: Int32
    /// The next input offset to process.
    var nextOffset: Int64
    var leads: Int
    /// Leads by bucket (`Bucket.rawValue` index), kept incrementally from transitions.
    var buckets: [Int]
    /// Latest `occurred_at` seen (`Int64.min` before any).
    var streamTime: Timestamp
    var configVersion: String
    /// Input records processed since start (all partitions of the worker add up to the total).
    var eventsIn: Int
}
