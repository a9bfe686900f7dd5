/// `lead_sla_breached`: a routed lead's owner did not touch it by its `sla_due_at` (stream time
/// passed the moment with no `lead_touched` from that rep). Goes to the routing topic; a re-route
/// (`lead_routed` with `reroute`) or an escalation (`lead_escalated`) follows.
public struct LeadSLABreached: Sendable, Equatable {
    /// The lead.
    public var leadID: String
    /// Its account, if any.
    public var accountID: String?
    /// The lead's transition `seq` the routing belonged to.
    public var seq: UInt32
    /// The rep who breached.
    public var repID: String
    /// The lead's bucket.
    public var bucket: Bucket
    /// The first-touch deadline that passed; also the event's moment.
    public var slaDueAt: Timestamp
    /// Re-routes of this routing before this breach (0 for the first owner).
    public var reroutes: Int
    /// `ScoringConfig.version`.
    public var configVersion: String

    /// Creates the event.
    public init(leadID: String, accountID: String?, seq: UInt32, repID: String, bucket: Bucket, slaDueAt: Timestamp,
                reroutes: Int, configVersion: String) {
        self.leadID = leadID
        self.accountID = accountID
        self.seq = seq
        self.repID = repID
        self.bucket = bucket
        self.slaDueAt = slaDueAt
        self.reroutes = reroutes
        self.configVersion = configVersion
    }

    /// `"<lead_id>:<seq>:b<n>"`, n = 1 for the first breach of the routing: stable across replays.
    public var idempotencyKey: String { "\(leadID):\(seq):b\(reroutes + 1)" }
}
