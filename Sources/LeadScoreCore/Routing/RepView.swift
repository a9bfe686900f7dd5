/// One row of the rep leaderboard (`/reps`). Reps active on the roster come first, best rep score
/// first; the others (churned, or known only from outcomes) follow with no tier.
public struct RepView: Sendable, Equatable, Codable {
    /// Rep id.
    public var repID: String
    /// Name from the roster.
    public var name: String
    /// Roster says active.
    public var active: Bool
    /// On the roster (a `rep_roster` event named it). Outcomes and assignments for a rep not yet
    /// on the roster still count, so such a rep is listed, marked false, and never routed to.
    public var onRoster: Bool
    /// Available (not out of office) at the leaderboard's moment.
    public var available: Bool
    /// End of the current out-of-office, if known.
    public var unavailableUntil: Timestamp?
    /// Rep score (weighted long and short rates).
    public var repScore: Double
    /// Smoothed long-window conversion rate.
    public var longRate: Double
    /// Smoothed short-window conversion rate.
    public var shortRate: Double
    /// Outcomes (trials) in the long window.
    public var longTrials: Int
    /// Conversions in the long window.
    public var longConversions: Int
    /// Tier 0 top, 1 middle, 2 bottom; nil for a rep that is not active on the roster (a churned
    /// rep is ranked with no one and routed to by no one, so a tier would be a stale promise).
    public var tier: Int?
    /// Leads routed today.
    public var loadToday: Int
    /// Capacity per day.
    public var capacityPerDay: Int
    /// Territories (empty: any).
    public var territories: [String]
    /// First-touch SLA breaches since the rep was first seen.
    public var slaBreaches: Int
    /// First-touch SLA breaches in the short window (what `routing.sla.breach_weight` counts).
    public var slaBreachesShort: Int
}
