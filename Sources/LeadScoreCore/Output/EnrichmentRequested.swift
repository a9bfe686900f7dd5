/// `enrichment_requested`: a lead engaged before any profile was seen (sent once per lead).
public struct EnrichmentRequested: Sendable, Equatable {
    /// The lead.
    public var leadID: String
    /// Its account, if any.
    public var accountID: String?
    /// Profile fields still unknown (`industry`, `employees`, `country`, `region`, `seats`,
    /// `deal_value_usd`, `technographics`).
    public var missing: [String]
    /// Time of the engagement that triggered it.
    public var occurredAt: Timestamp
    /// For a lead that returned after `lead_forgotten`: the `seq` its earlier life ended at
    /// (0 otherwise), so the idempotency key of the new life's request is a new one.
    public var after: UInt32 = 0

    /// Creates the event.
    public init(leadID: String, accountID: String?, missing: [String], occurredAt: Timestamp) {
        self.leadID = leadID
        self.accountID = accountID
        self.missing = missing
        self.occurredAt = occurredAt
    }

    /// Stable across replays: a lead gets at most one enrichment request. Also the record's
    /// `leadscore-dedupe` header, so the daemon's recovery recognises it.
    public var idempotencyKey: String { after == 0 ? "enrichment:\(leadID)" : "enrichment:\(leadID):\(after)" }
}
