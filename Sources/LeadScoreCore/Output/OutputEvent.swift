/// Everything the engine emits. Outputs are rare (bucket changes, first engagements without a
/// profile), so they are plain values that may allocate.
public enum OutputEvent: Sendable, Equatable {
    /// A bucket change (`lead-scores`).
    case leadRescored(LeadRescored)
    /// A routing decision for a bucket change (`lead-routing`).
    case leadRouted(LeadRouted)
    /// A lead engaged before its profile was known (`lead-enrichment-requests`).
    case enrichmentRequested(EnrichmentRequested)

    /// Which output topic an event belongs to.
    public enum Kind: String, Sendable, CaseIterable {
        /// `lead-scores` by default.
        case scores = "lead_rescored"
        /// `lead-routing` by default.
        case routing = "lead_routed"
        /// `lead-enrichment-requests` by default.
        case enrichment = "enrichment_requested"
    }

    /// The topic role of the event.
    public var kind: Kind {
        switch self {
        case .leadRescored: .scores
        case .leadRouted: .routing
        case .enrichmentRequested: .enrichment
        }
    }

    /// Kafka key: the account id, else the lead id (the same keying as the input).
    public var partitionKey: String {
        switch self {
        case .leadRescored(let e): e.accountID ?? e.leadID
        case .leadRouted(let e): e.accountID ?? e.leadID
        case .enrichmentRequested(let e): e.accountID ?? e.leadID
        }
    }

    /// The lead concerned.
    public var leadID: String {
        switch self {
        case .leadRescored(let e): e.leadID
        case .leadRouted(let e): e.leadID
        case .enrichmentRequested(let e): e.leadID
        }
    }

    /// The moment the output speaks of.
    public var occurredAt: Timestamp {
        switch self {
        case .leadRescored(let e): e.occurredAt
        case .leadRouted(let e): e.occurredAt
        case .enrichmentRequested(let e): e.occurredAt
        }
    }
}
