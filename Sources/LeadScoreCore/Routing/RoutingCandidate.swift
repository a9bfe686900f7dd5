/// One rep considered for a lead and what became of it.
public struct RoutingCandidate: Sendable, Equatable, Codable {
    /// Why a rep was or was not chosen.
    public enum Status: String, Sendable, Equatable, Codable, CaseIterable {
        /// The rep got the lead.
        case chosen
        /// Roster says inactive.
        case inactive
        /// Out of office.
        case unavailable
        /// Today's capacity used up.
        case atCapacity = "at_capacity"
        /// The lead's region and country are not among the rep's territories.
        case territory
        /// Eligible, but in a rep-score tier below the one the bucket went to.
        case lowerTier = "lower_tier"
        /// Eligible and in the tier, but another rep scored higher relative to load (or, for a
        /// holdout lead, came first in the round-robin).
        case lowerScore = "lower_score"
        /// Eligible, but the lead kept the rep that already owned it (sticky ownership).
        case ownerKept = "owner_kept"
        /// Eligible, but the lead went to its account's owner.
        case accountOwned = "account_owned"
        /// Eligible, but outside its working hours while another rep of the group (an A lead's
        /// tier, or the holdout round-robin) was working.
        case offHours = "off_hours"
        /// Breached this lead's first-touch SLA: a re-route never goes back to such a rep.
        case slaBreached = "sla_breached"

        /// The status's place in declaration order (`allCases`), for `Counts`.
        var ordinal: Int {
            switch self {
            case .chosen: 0
            case .inactive: 1
            case .unavailable: 2
            case .atCapacity: 3
            case .territory: 4
            case .lowerTier: 5
            case .lowerScore: 6
            case .ownerKept: 7
            case .accountOwned: 8
            case .offHours: 9
            case .slaBreached: 10
            }
        }
    }

    /// How many reps of a decision ended in each status, listed among the candidates or not
    /// (`lead_routed`'s `candidate_counts`). Kept inline: no allocation per decision.
    public struct Counts: Sendable, Equatable {
        private var storage = SIMD16<UInt32>.zero

        /// No rep counted.
        public init() {}

        /// The reps that ended in `status`.
        public subscript(status: Status) -> Int { Int(storage[status.ordinal]) }

        /// Counts one more rep in `status`.
        public mutating func add(_ status: Status) { storage[status.ordinal] &+= 1 }

        /// Counts every status of `statuses`: in a plain buffer first, then stored at once (an
        /// `add` per rep writes one lane of the vector in memory and reads the whole vector
        /// back, which the processor cannot forward from the store: a stall per rep).
        init(counting statuses: [Status]) {
            storage = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { lanes in
                lanes.initialize(repeating: 0)
                for status in statuses { lanes[status.ordinal] &+= 1 }
                guard let base = lanes.baseAddress else { return .zero }
                return UnsafeRawPointer(base).loadUnaligned(as: SIMD16<UInt32>.self)
            }
        }

        /// Every rep counted.
        public var total: Int { Int(storage.wrappedSum()) }

        /// Calls `body` for each status with at least one rep, in declaration order.
        public func forEachNonZero(_ body: (Status, Int) -> Void) {
            for status in Self.statuses where self[status] > 0 { body(status, self[status]) }
        }

        /// `Status.allCases`, built once.
        private static let statuses = Status.allCases
    }

    /// The rep.
    public var repID: String
    /// What became of it.
    public var status: Status
    /// Rep score at routing time.
    public var repScore: Double
    /// Tier 0 (top third), 1 (middle), 2 (bottom); among active reps.
    public var tier: Int
    /// Leads routed to the rep today before this one.
    public var loadToday: Int

    /// Creates a candidate.
    public init(repID: String, status: Status, repScore: Double, tier: Int, loadToday: Int) {
        self.repID = repID
        self.status = status
        self.repScore = repScore
        self.tier = tier
        self.loadToday = loadToday
    }
}
