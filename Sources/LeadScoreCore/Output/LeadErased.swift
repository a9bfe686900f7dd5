/// `lead_erased`: a lead erased by `lead_forgotten`. The daemon writes a tombstone (null value, the lead's
/// Kafka key) to each output topic the lead had records on; `leadscore replay` writes this event
/// as a line, so a run over a file still shows the erasure.
public struct LeadErased: Sendable, Equatable {
    /// The output topics that got a tombstone.
    public enum Topic: String, Sendable, CaseIterable {
        /// `lead-scores` by default.
        case scores
        /// `lead-routing` by default.
        case routing
        /// `lead-enrichment-requests` by default.
        case enrichment
    }

    /// The lead.
    public var leadID: String
    /// Its account, if any (the Kafka key of its outputs).
    public var accountID: String?
    /// The lead's last transition `seq` (a returning lead continues after it).
    public var seq: UInt32
    /// The topics the lead had records on.
    public var topics: [Topic]
    /// The bucket it was in (nil before its first), so live bucket counts can drop it.
    public var bucket: Bucket?
    /// When the erasure was requested.
    public var occurredAt: Timestamp

    /// Creates the event.
    public init(leadID: String, accountID: String?, seq: UInt32, topics: [Topic], occurredAt: Timestamp) {
        self.leadID = leadID
        self.accountID = accountID
        self.seq = seq
        self.topics = topics
        self.occurredAt = occurredAt
    }

    /// `"<lead_id>:<seq>:erased"`: the dedupe key of its tombstones.
    public var idempotencyKey: String { "\(leadID):\(seq):erased" }
}
