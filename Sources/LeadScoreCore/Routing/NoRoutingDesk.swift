/// The desk of a book that only scores (`LeadBook.scoresOnly`, a challenger): it holds no reps,
/// takes no assignment, counts nothing, and chooses no one. A scores-only book never calls it;
/// it exists so such a book cannot reach the live rep state even by mistake.
public struct NoRoutingDesk: RoutingDesk {
    /// A desk.
    public init() {}

    public mutating func takeAssignment(leadID: String) -> String? { nil }

    public mutating func route(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                               currentOwner: String?, accountID: String?, accountOwner: String?,
                               holdout: Bool) -> RoutingDecision {
        RoutingDecision(repID: nil, sticky: false, rule: .none, candidates: [], reason: "this model does not route")
    }

    public func firstTouchDue(repID: String?, from: Timestamp, sla: Duration, clock: SLAClock) -> FirstTouchDue {
        FirstTouchDue(at: from, clock: .wall)
    }

    public mutating func reroute(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                                 holdout: Bool, excluding: [String]) -> RoutingDecision {
        RoutingDecision(repID: nil, sticky: false, rule: .none, candidates: [], reason: "this model does not route")
    }

    public mutating func recordBreach(repID: String, at: Timestamp) {}
}
