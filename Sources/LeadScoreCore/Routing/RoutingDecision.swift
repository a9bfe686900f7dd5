/// What `RepBook.route` decided for one lead.
public struct RoutingDecision: Sendable, Equatable {
    /// The chosen rep, nil when none was eligible.
    public var repID: String?
    /// True when the lead kept its owner.
    public var sticky: Bool
    /// Every known rep in rep id order with what became of it.
    public var candidates: [RoutingCandidate]
    /// Why no rep was chosen, when `repID` is nil.
    public var reason: String?
}
