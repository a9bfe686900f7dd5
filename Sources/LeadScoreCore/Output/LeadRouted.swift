/// `lead_routed`: a lead entered or changed a rep bucket (or entered `self_serve`).
public struct LeadRouted: Sendable, Equatable {
    /// The lead.
    public var leadID: String
    /// Its account, if any.
    public var accountID: String?
    /// Same `seq` as the matching `lead_rescored`.
    public var seq: UInt32
    /// The rep, `self_serve` for self-serve leads, nil when no rep was eligible (see `reason`).
    public var repID: String?
    /// The lead's new bucket.
    public var bucket: Bucket
    /// The bucket's cadence; nil for `self_serve`.
    public var cadence: RoutingConfig.Cadence?
    /// When the first touch is due (`occurredAt` + SLA); nil for `self_serve`.
    public var slaDueAt: Timestamp?
    /// True when the lead is in the holdout group (routed round-robin, ignoring rep score).
    public var holdout: Bool
    /// True when the lead kept its previous rep.
    public var sticky: Bool
    /// Every rep on the roster, in rep id order, with what became of it.
    public var candidates: [RoutingCandidate]
    /// Set when `repID` is nil: why no rep got the lead.
    public var reason: String?
    /// Same moment as the matching `lead_rescored`.
    public var occurredAt: Timestamp
    /// `ScoringConfig.version`.
    public var configVersion: String

    /// Creates the event.
    public init(leadID: String, accountID: String?, seq: UInt32, repID: String?, bucket: Bucket,
                cadence: RoutingConfig.Cadence?, slaDueAt: Timestamp?, holdout: Bool, sticky: Bool,
                candidates: [RoutingCandidate], reason: String?, occurredAt: Timestamp, configVersion: String) {
        self.leadID = leadID
        self.accountID = accountID
        self.seq = seq
        self.repID = repID
        self.bucket = bucket
        self.cadence = cadence
        self.slaDueAt = slaDueAt
        self.holdout = holdout
        self.sticky = sticky
        self.candidates = candidates
        self.reason = reason
        self.occurredAt = occurredAt
        self.configVersion = configVersion
    }

    /// `"<lead_id>:<seq>"`, the same key as the matching `lead_rescored`.
    public var idempotencyKey: String { "\(leadID):\(seq)" }
}
