extension InputEvent {
    /// The Kafka key the event belongs under (SPEC section 3): lead events by account id, else
    /// lead id, so an account's leads share a partition; rep events by rep id. Nil for an intent
    /// event that names neither (the decoder refuses those).
    public var partitionKey: String? {
        switch self {
        case .engagement(let e): e.accountID ?? e.leadID
        case .intent(let e): e.accountID ?? e.leadID
        case .profile(let e): e.accountID ?? e.leadID
        case .repRoster(let e): e.repID
        case .repAvailability(let e): e.repID
        case .leadAssigned(let e): e.repID
        case .leadOutcome(let e): e.repID
        case .accountAssigned(let e): e.repID
        case .leadTouched(let e): e.accountID ?? e.leadID
        case .leadForgotten(let e): e.accountID ?? e.leadID
        }
    }
}
