/// Everything the engine emits. Outputs are rare (bucket changes, first engagements without a
/// profile), so they are plain values that may allocate.
public enum OutputEvent: Sendable, Equatable {
    /// A bucket change (`lead-scores`).
    case leadRescored(LeadRescored)
    /// A routing decision for a bucket change (`lead-routing`).
    case leadRouted(LeadRouted)
    /// A lead engaged before its profile was known (`lead-enrichment-requests`).
    case enrichmentRequested(EnrichmentRequested)
    /// A routed lead's owner missed its first-touch deadline (`lead-routing`).
    case leadSLABreached(LeadSLABreached)
    /// A lead that kept breaching goes to a person (`lead-routing`).
    case leadEscalated(LeadEscalated)
    /// A lead was erased: tombstones on its output keys (see `LeadErased`).
    case leadErased(LeadErased)

    /// The output's type; its raw value is the JSON `type`.
    public enum Kind: String, Sendable, CaseIterable {
        /// `lead_rescored` (`lead-scores` by default).
        case scores = "lead_rescored"
        /// `lead_routed` (`lead-routing` by default).
        case routing = "lead_routed"
        /// `enrichment_requested` (`lead-enrichment-requests` by default).
        case enrichment = "enrichment_requested"
        /// `lead_sla_breached` (`lead-routing` by default).
        case slaBreached = "lead_sla_breached"
        /// `lead_escalated` (`lead-routing` by default).
        case escalated = "lead_escalated"
        /// `lead_erased`: tombstones on the topics it names.
        case erased = "lead_erased"

        /// The kind's position in `allCases` (for counting by kind without hashing).
        public var position: Int {
            switch self {
            case .scores: 0
            case .routing: 1
            case .enrichment: 2
            case .slaBreached: 3
            case .escalated: 4
            case .erased: 5
            }
        }

        /// The output topic an output of this type goes to (a forgotten lead's tombstones go to
        /// each topic its `topics` names; this is the first of them).
        public var topic: LeadErased.Topic {
            switch self {
            case .scores, .erased: .scores
            case .routing, .slaBreached, .escalated: .routing
            case .enrichment: .enrichment
            }
        }
    }

    /// The output's type.
    public var kind: Kind {
        switch self {
        case .leadRescored: .scores
        case .leadRouted: .routing
        case .enrichmentRequested: .enrichment
        case .leadSLABreached: .slaBreached
        case .leadEscalated: .escalated
        case .leadErased: .erased
        }
    }

    /// Kafka key: the account id, else the lead id (the same keying as the input).
    public var partitionKey: String {
        switch self {
        case .leadRescored(let e): e.accountID ?? e.leadID
        case .leadRouted(let e): e.accountID ?? e.leadID
        case .enrichmentRequested(let e): e.accountID ?? e.leadID
        case .leadSLABreached(let e): e.accountID ?? e.leadID
        case .leadEscalated(let e): e.accountID ?? e.leadID
        case .leadErased(let e): e.accountID ?? e.leadID
        }
    }

    /// The stable idempotency key (also the `leadscore-dedupe` header of its records).
    public var idempotencyKey: String {
        switch self {
        case .leadRescored(let e): e.idempotencyKey
        case .leadRouted(let e): e.idempotencyKey
        case .enrichmentRequested(let e): e.idempotencyKey
        case .leadSLABreached(let e): e.idempotencyKey
        case .leadEscalated(let e): e.idempotencyKey
        case .leadErased(let e): e.idempotencyKey
        }
    }

    /// The lead concerned.
    public var leadID: String {
        switch self {
        case .leadRescored(let e): e.leadID
        case .leadRouted(let e): e.leadID
        case .enrichmentRequested(let e): e.leadID
        case .leadSLABreached(let e): e.leadID
        case .leadEscalated(let e): e.leadID
        case .leadErased(let e): e.leadID
        }
    }

    /// The moment the output speaks of.
    public var occurredAt: Timestamp {
        switch self {
        case .leadRescored(let e): e.occurredAt
        case .leadRouted(let e): e.occurredAt
        case .enrichmentRequested(let e): e.occurredAt
        case .leadSLABreached(let e): e.slaDueAt
        case .leadEscalated(let e): e.slaDueAt
        case .leadErased(let e): e.occurredAt
        }
    }
}
