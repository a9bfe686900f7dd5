/// What a `LeadBook` needs from rep state when a lead changes bucket: assignments made outside
/// leadscore, a routing decision, and the first-touch due moment on the chosen rep's calendar.
///
/// `RepBook` is one. The daemon passes one that takes the shared rep state's lock for each call
/// alone, so scoring an event never holds rep state, only routing a transition does. Calendars
/// stay on this side: the lead book never sees a time zone.
public protocol RoutingDesk {
    /// Removes and returns an outside assignment of a lead (`lead_assigned`) not yet applied.
    mutating func takeAssignment(leadID: String) -> String?
    /// Routes a lead entering (or changing) rep bucket `bucket` at `at` (see `RepBook.route`).
    /// `accountOwner` is the owner the lead's partition gave `accountID` by routing (the CRM's
    /// `account_assigned`, which the rep book holds, wins over it).
    mutating func route(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                        currentOwner: String?, accountID: String?, accountOwner: String?,
                        holdout: Bool) -> RoutingDecision
    /// When a first touch owed from `from` within `sla` is due: `from + sla` on the wall clock,
    /// or after `sla` of the rep's working time on the business clock (see `FirstTouchDue`).
    func firstTouchDue(repID: String?, from: Timestamp, sla: Duration, clock: SLAClock) -> FirstTouchDue
    /// Routes a lead again after a first-touch SLA breach: like `route` with no owner, never to
    /// a rep in `excluding` (the reps who breached this routing), who are listed as `sla_breached`.
    mutating func reroute(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                          holdout: Bool, excluding: [String]) -> RoutingDecision
    /// Counts a first-touch SLA breach of `repID` whose deadline was `at`.
    mutating func recordBreach(repID: String, at: Timestamp)
}

extension RepBook: RoutingDesk {}
