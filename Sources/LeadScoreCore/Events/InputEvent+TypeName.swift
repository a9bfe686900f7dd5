extension InputEvent {
    /// The event's `type` as it appears in JSON (`engagement`, `rep_roster`, ...).
    public var typeName: String { Self.typeNames[typeIndex] }

    /// The position of the event's type in `typeNames` (for counting by type without hashing).
    public var typeIndex: Int {
        switch self {
        case .engagement: 0
        case .intent: 1
        case .profile: 2
        case .repRoster: 3
        case .repAvailability: 4
        case .leadAssigned: 5
        case .leadOutcome: 6
        case .accountAssigned: 7
        case .leadTouched: 8
        case .leadForgotten: 9
        }
    }

    /// Every input type name, in SPEC order (for stable report ordering).
    public static let typeNames = ["engagement", "intent", "profile", "rep_roster", "rep_availability", "lead_assigned", "lead_outcome",
                                    "account_assigned", "lead_touched", "lead_forgotten"]
}
