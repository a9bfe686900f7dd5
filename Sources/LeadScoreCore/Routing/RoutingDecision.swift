/// What `RepBook.route` decided for one lead.
public struct RoutingDecision: Sendable, Equatable {
    /// The chosen rep, nil when none was eligible.
    public var repID: String?
    /// True when the lead kept its owner.
    public var sticky: Bool
    /// Which rule chose the rep (`none` when no rep was chosen). The rep book cannot tell a
    /// fresh CRM assignment from an older owner: the lead book turns `stickyOwner` into
    /// `crmAssignment` when the owner came from a `lead_assigned` taken for this routing.
    public var rule: RoutingRule
    /// The owner of the lead's account when routing began (from the CRM, else the one routing
    /// gave the account), eligible or not; nil when the account has none or there is no account.
    public var accountOwner: String?
    /// The reps `routing.candidates_in_event` lists (every known rep when `all`), in rep id
    /// order, with what became of each.
    public var candidates: [RoutingCandidate]
    /// Every known rep, listed or not, counted by what became of it.
    public var candidateCounts: RoutingCandidate.Counts
    /// Why no rep was chosen, when `repID` is nil.
    public var reason: String?

    /// Creates a decision.
    public init(repID: String?, sticky: Bool, rule: RoutingRule, accountOwner: String? = nil,
                candidates: [RoutingCandidate], candidateCounts: RoutingCandidate.Counts = .init(), reason: String?) {
        self.repID = repID
        self.sticky = sticky
        self.rule = rule
        self.accountOwner = accountOwner
        self.candidates = candidates
        self.candidateCounts = candidateCounts
        self.reason = reason
    }
}
