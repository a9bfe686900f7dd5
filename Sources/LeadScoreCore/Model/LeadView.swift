/// The live breakdown of one lead (`/leads/{id}`), evaluated at the lead's clock.
public struct LeadView: Sendable, Equatable, Codable {
    /// Lead id.
    public var leadID: String
    /// Account id, if any.
    public var accountID: String?
    /// The lead's clock: the moment of its last evaluation.
    public var evaluatedAt: Timestamp
    /// Current bucket (nil before the first evaluation, which does not happen for known leads).
    public var bucket: Bucket?
    /// Score at `evaluatedAt`.
    public var score: Double
    /// Quality, 0-100.
    public var quality: Double
    /// Intent at `evaluatedAt`, capped.
    public var intent: Double
    /// Rule points and per-signal contributions.
    public var breakdown: ScoreBreakdown
    /// Owning rep, if any.
    public var owner: String?
    /// Transitions so far (the last idempotency key is `leadID:seq`).
    public var seq: UInt32
    /// In the holdout group.
    public var holdout: Bool
    /// Lower bound of the next decay transition, nil when none is scheduled.
    public var nextDecayCheck: Timestamp?
}
