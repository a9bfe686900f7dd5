/// `lead_rescored`: a lead's bucket changed (its first bucket included).
public struct LeadRescored: Sendable, Equatable {
    /// Why the bucket changed.
    public enum Cause: String, Sendable, Equatable, Codable {
        /// An input event for the lead or its account.
        case event
        /// Intent decayed across a threshold with no new event.
        case decay
    }

    /// The lead.
    public var leadID: String
    /// Its account, if any.
    public var accountID: String?
    /// The lead's transition number, 1 for its first bucket.
    public var seq: UInt32
    /// Bucket before, nil for the first one.
    public var oldBucket: Bucket?
    /// Bucket after.
    public var newBucket: Bucket
    /// The evaluation moment: the event's (or crossing's, to the second) time.
    public var occurredAt: Timestamp
    /// Event or decay.
    public var cause: Cause
    /// `quality_weight x quality + intent_weight x intent`.
    public var score: Double
    /// Quality, 0-100.
    public var quality: Double
    /// Intent, 0-100 (capped).
    public var intent: Double
    /// Rule points and signal contributions.
    public var breakdown: ScoreBreakdown
    /// `ScoringConfig.version` of the configuration that made it.
    public var configVersion: String
    /// The score's conversion probability from the configuration's table (`scoring.probability`,
    /// written by `leadscore fit`); nil, and absent from the JSON, without one.
    public var probability: Double?
    /// Which model made it when it is not the live one (`"challenger"` on the shadow topic); nil,
    /// and absent from the JSON, for the live model's own transitions.
    public var model: String?

    /// Creates the event.
    public init(leadID: String, accountID: String?, seq: UInt32, oldBucket: Bucket?, newBucket: Bucket,
                occurredAt: Timestamp, cause: Cause, score: Double, quality: Double, intent: Double,
                breakdown: ScoreBreakdown, configVersion: String) {
        self.leadID = leadID
        self.accountID = accountID
        self.seq = seq
        self.oldBucket = oldBucket
        self.newBucket = newBucket
        self.occurredAt = occurredAt
        self.cause = cause
        self.score = score
        self.quality = quality
        self.intent = intent
        self.breakdown = breakdown
        self.configVersion = configVersion
    }

    /// `"<lead_id>:<seq>"`, stable across replays.
    public var idempotencyKey: String { "\(leadID):\(seq)" }
}
