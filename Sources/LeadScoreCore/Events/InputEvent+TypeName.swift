extension InputEvent {
    /// The event's `type` as it appears in JSON (`engagement`, `rep_roster`, ...).
    public var typeName: String {
        switch self {
        case .engagement: "engagement"
        case .intent: "intent"
        case .profile: "profile"
        case .repRoster: "rep_roster"
        case .repAvailability: "rep_availability"
        case .leadAssigned: "lead_assigned"
        case .leadOutcome: "lead_outcome"
        case .accountAssigned: "account_assigned"
        case .leadTouched: "lead_touched"
        case .leadForgotten: "lead_forgotten"
        }
    }

    /// Every input type name, in SPEC order (for stable report ordering).
    public static let typeNames = ["engagement", "intent", "profile", "rep_roster", "rep_availability", "lead_assigned", "lead_outcome",
                                    "account_assigned", "lead_touched", "lead_forgotten"]
}
