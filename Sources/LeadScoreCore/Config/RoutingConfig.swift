/// Routing policy: cadences and SLAs per bucket, rep score windows, holdout.
public struct RoutingConfig: Sendable, Equatable {
    /// What a rep owes a lead of a bucket.
    public struct Cadence: Sendable, Equatable {
        /// Calls over the cadence.
        public var calls: Int
        /// Emails over the cadence.
        public var emails: Int
        /// Length of the cadence in days.
        public var days: Int
        /// Time allowed until the first touch.
        public var firstTouchSLA: Duration
        /// Priority for task queues, 1 the most urgent.
        public var priority: Int
        /// How `firstTouchSLA` is counted: wall time, or the chosen rep's working time.
        public var slaClock: SLAClock

        /// Creates a cadence.
        public init(calls: Int, emails: Int, days: Int, firstTouchSLA: Duration, priority: Int, slaClock: SLAClock = .wall) {
            self.calls = calls
            self.emails = emails
            self.days = days
            self.firstTouchSLA = firstTouchSLA
            self.priority = priority
            self.slaClock = slaClock
        }
    }

    /// Bucket `A`: 7 calls + 4 emails over 30 days, first touch within 1 hour of wall time,
    /// priority 1.
    public var cadenceA = Cadence(calls: 7, emails: 4, days: 30, firstTouchSLA: .seconds(3600), priority: 1, slaClock: .wall)
    /// Bucket `B`: 5 calls + 2 emails over 30 days, first touch within 24 business hours (the
    /// rep's working time), priority 2.
    public var cadenceB = Cadence(calls: 5, emails: 2, days: 30, firstTouchSLA: .seconds(86_400), priority: 2, slaClock: .business)
    /// Bucket `C`: 3 calls + 1 email over 30 days, first touch within 72 business hours, priority 3.
    public var cadenceC = Cadence(calls: 3, emails: 1, days: 30, firstTouchSLA: .seconds(3 * 86_400), priority: 3, slaClock: .business)
    /// Share of leads routed round-robin ignoring rep score, to measure uplift. Default 0.05.
    public var holdoutShare: Double = 0.05
    /// Long conversion window, whole days. Default 90d.
    public var longWindow: Duration = .seconds(90 * 86_400)
    /// Short conversion window, whole days, not longer than the long one. Default 14d.
    public var shortWindow: Duration = .seconds(14 * 86_400)
    /// Strength of the Beta prior toward the team rate, in leads. Default 10.
    public var priorStrength: Double = 10
    /// Team rate assumed while the team has no outcomes in a window. Default 0.1.
    public var defaultTeamRate: Double = 0.1
    /// Weight of the long-window rate in the rep score. Default 0.5.
    public var longWeight: Double = 0.5
    /// Weight of the short-window rate in the rep score. Default 0.5.
    public var shortWeight: Double = 0.5
    /// When a lead whose account has no owner is routed to a rep, that rep becomes the account's
    /// owner, so the account's later leads follow it (lead-to-account matching). Default true.
    public var learnAccountOwner: Bool = true
    /// How many reps a `lead_routed` lists among its candidates: the chosen rep, the reps the
    /// lead was taken from after a breach and the account's owner always, then the reps that came
    /// closest, up to this many in all; nil lists every rep (`all`). Every rep is still counted
    /// in the decision's `candidate_counts`. Presentation only: the decision, the state and
    /// `config_version` do not depend on it. Default 5.
    public var candidatesInEvent: Int? = 5

    /// First-touch SLA enforcement: what happens when a lead's owner has not touched it by its
    /// `sla_due_at`.
    public struct SLAPolicy: Sendable, Equatable {
        /// Re-routes to another rep after a breach before the lead is escalated. Default 2.
        public var maxReroutes: Int = 2
        /// Where an escalation points (a manager queue, a team): named in `lead_escalated`.
        /// Default `sdr-managers`.
        public var escalateTo: String = "sdr-managers"
        /// How much a rep's recent breaches lower its rep score: the score loses
        /// `breach_weight x b / (b + prior_strength)`, `b` the rep's breaches in the short window.
        /// Default 0 (breaches are counted and shown, the score is untouched).
        public var breachWeight: Double = 0

        /// The defaults.
        public init() {}
    }

    /// The longest first-touch SLA a cadence accepts: 365 days.
    public static let maxFirstTouchSLA: Duration = .seconds(365 * 86_400)

    /// First-touch SLA enforcement (breach, re-route, escalate).
    public var sla = SLAPolicy()

    /// The SPEC defaults.
    public init() {}

    /// The cadence of a rep bucket; nil for `nurture`, `self_serve` and `disqualified`.
    public func cadence(for bucket: Bucket) -> Cadence? {
        switch bucket {
        case .a: cadenceA
        case .b: cadenceB
        case .c: cadenceC
        case .nurture, .selfServe, .disqualified: nil
        }
    }
}
