/// How quality and intent combine into a score, and the score thresholds of the buckets.
public struct BucketConfig: Sendable, Equatable {
    /// Weight of quality in the score. Default 0.6.
    public var qualityWeight: Double = 0.6
    /// Weight of intent in the score. Default 0.4.
    public var intentWeight: Double = 0.4
    /// Smallest score of bucket `A`. Default 70.
    public var thresholdA: Double = 70
    /// Smallest score of bucket `B`. Default 45.
    public var thresholdB: Double = 45
    /// Smallest score of bucket `C`. Default 20.
    public var thresholdC: Double = 20
    /// Intent at or above this lifts a lead to at least `B` whatever its score. Default 70.
    public var liftIntent: Double = 70

    /// The SPEC defaults.
    public init() {}
}
