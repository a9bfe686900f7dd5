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
    /// The input's end when the partition was assigned; until `nextOffset` reaches it the
    /// partition is restoring (replaying what its snapshot does not hold).
    var restoreTarget: Int64 = 0
    /// The input offset its state was restored at (0: rebuilt from the beginning) and where that
    /// state came from (`cache`, `kafka`, `rebuild`).
    var restoredFrom: Int64 = 0
    var restoreSource: String = ""
    /// With a challenger: its configuration version and its agreement with the live model
    /// (recomputed every few seconds, `WorkerPartition.agreementEvery`).
    var challengerVersion: String?
    var agreement: BucketAgreement?
    /// With a challenger: conversion by bucket under both models since the partition was taken or
    /// the challenger in force was loaded, whichever is later.
    var outcomes: OutcomesByModel.Counts?

    /// How far the replay from `restoredFrom` to `restoreTarget` got, 0...1 (1 once live).
    var restoreProgress: Double {
        guard restoreTarget > restoredFrom else { return 1 }
        return min(1, max(0, Double(nextOffset - restoredFrom) / Double(restoreTarget - restoredFrom)))
    }

    /// True once the partition's replay reached where its input ended at the assignment.
    var isLive: Bool { nextOffset >= restoreTarget }
}
