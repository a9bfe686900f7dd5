/// `lead_escalated`: a lead breached its first-touch SLA once more than `routing.sla.max_reroutes`
/// allows (or no other rep was eligible for a re-route), so it goes to a person, not a rep queue.
public struct LeadEscalated: Sendable, Equatable {
    /// The lead.
    public var leadID: String
    /// Its account, if any.
    public var accountID: String?
    /// The lead's transition `seq` the routing belonged to.
    public var seq: UInt32
    /// The last rep who breached (still the owner).
    public var repID: String
    /// The lead's bucket.
    public var bucket: Bucket
    /// `routing.sla.escalate_to`: the manager queue or team to act.
    public var escalateTo: String
    /// Breaches of this routing, the last one included.
    public var breaches: Int
    /// Why: `max_reroutes` reached, or no eligible rep to re-route to.
    public var reason: String
    /// The deadline of the last breach; also the event's moment.
    public var slaDueAt: Timestamp
    /// `ScoringConfig.version`.
    public var configVersion: String

    /// Creates the event.
    public init(leadID: String, accountID: String?, seq: UInt32, repID: String, bucket: Bucket, escalateTo: String,
                breaches: Int, reason: String, slaDueAt: Timestamp, configVersion: String) {
        self.leadID = leadID
        self.accountID = accountID
        self.seq = seq
        self.repID = repID
        self.bucket = bucket
        self.escalateTo = escalateTo
        self.breaches = breaches
        self.reason = reason
        self.slaDueAt = slaDueAt
        self.configVersion = configVersion
    }

    /// `"<lead_id>:<seq>:escalated"`: at most one per routing.
    public var idempotencyKey: String { "\(leadID):\(seq):escalated" }
}
