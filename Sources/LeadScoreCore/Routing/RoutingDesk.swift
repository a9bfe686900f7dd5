/// What a `LeadBook` needs from rep state when a lead changes bucket: assignments made outside
/// leadscore, and a routing decision.
///
/// `RepBook` is one. The daemon passes one that takes the shared rep state's lock for each call
/// alone, so scoring an event never holds rep state, only routing a transition does.
public protocol RoutingDesk {
    /// Removes and returns an outside assignment of a lead (`lead_assigned`) not yet applied.
    mutating func takeAssignment(leadID: String) -> String?
    /// Routes a lead entering (or changing) rep bucket `bucket` at `at` (see `RepBook.route`).
    mutating func route(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                        currentOwner: String?, holdout: Bool) -> RoutingDecision
}

extension RepBook: RoutingDesk {}
