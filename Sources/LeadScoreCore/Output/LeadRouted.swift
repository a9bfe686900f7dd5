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
    /// When the first touch is due: `occurredAt` + SLA of wall time, or + SLA of the rep's
    /// working time (see `slaClock`); nil for `self_serve`. The one source of the due moment.
    public var slaDueAt: Timestamp?
    /// The clock `slaDueAt` was counted on; `wall` also when the bucket counts business time but
    /// the rep has no calendar (or there is no rep); nil for `self_serve`.
    public var slaClock: SLAClock?
    /// True when the lead is in the holdout group (routed round-robin, ignoring rep score).
    public var holdout: Bool
    /// True when the lead kept its previous rep.
    public var sticky: Bool
    /// Which rule chose the rep.
    public var rule: RoutingRule
    /// The lead's account's owner when routing began (CRM or learned), eligible or not.
    public var accountOwner: String?
    /// The reps `routing.candidates_in_event` lists (every rep on the roster when `all`), in rep
    /// id order, with what became of each.
    public var candidates: [RoutingCandidate]
    /// Every rep on the roster, listed or not, counted by what became of it.
    public var candidateCounts: RoutingCandidate.Counts
    /// Set when `repID` is nil: why no rep got the lead.
    public var reason: String?
    /// 0 for the decision of a bucket change; n for its n-th re-route after a first-touch SLA
    /// breach (written as `reroute` only when > 0).
    public var reroute: Int = 0
    /// Same moment as the matching `lead_rescored`.
    public var occurredAt: Timestamp
    /// `ScoringConfig.version`.
    public var configVersion: String

    /// Creates the event.
    public init(leadID: String, accountID: String?, seq: UInt32, repID: String?, bucket: Bucket,
                cadence: RoutingConfig.Cadence?, slaDueAt: Timestamp?, slaClock: SLAClock? = nil, holdout: Bool, sticky: Bool,
                rule: RoutingRule = .none, accountOwner: String? = nil,
                candidates: [RoutingCandidate], candidateCounts: RoutingCandidate.Counts = .init(), reason: String?,
                occurredAt: Timestamp, configVersion: String) {
        self.leadID = leadID
        self.accountID = accountID
        self.seq = seq
        self.repID = repID
        self.bucket = bucket
        self.cadence = cadence
        self.slaDueAt = slaDueAt
        self.slaClock = slaClock
        self.holdout = holdout
        self.sticky = sticky
        self.rule = rule
        self.accountOwner = accountOwner
        self.candidates = candidates
        self.candidateCounts = candidateCounts
        self.reason = reason
        self.occurredAt = occurredAt
        self.configVersion = configVersion
    }

    /// `"<lead_id>:<seq>"`, the same key as the matching `lead_rescored`; a re-route's is
    /// `"<lead_id>:<seq>:r<n>"`.
    public var idempotencyKey: String { reroute == 0 ? "\(leadID):\(seq)" : "\(leadID):\(seq):r\(reroute)" }
}
