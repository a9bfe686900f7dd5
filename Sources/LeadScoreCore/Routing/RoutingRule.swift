/// Which rule chose the rep of a `lead_routed` (its `rule` field), in order of precedence.
public enum RoutingRule: String, Sendable, Equatable, CaseIterable, Codable {
    /// An assignment made in the CRM for this lead (`lead_assigned`), taken at this routing.
    case crmAssignment = "crm_assignment"
    /// The lead kept the rep that already owned it (sticky ownership).
    case stickyOwner = "sticky_owner"
    /// The lead went to its account's owner (`account_assigned` from the CRM, or the rep the
    /// account's first routed lead went to).
    case accountOwner = "account_owner"
    /// A holdout lead: round-robin over eligible reps, ignoring rep score.
    case holdoutRoundRobin = "holdout_round_robin"
    /// The best eligible rep of the bucket's tiers by rep score relative to today's load.
    case repScore = "rep_score"
    /// A self-serve lead: never routed to a rep.
    case selfServe = "self_serve"
    /// No rep was eligible (see the decision's `reason`).
    case none
}
