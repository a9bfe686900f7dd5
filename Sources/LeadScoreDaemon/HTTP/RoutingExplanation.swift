import LeadScoreCore

/// Why a lead went where it went, in a few words, from a `lead_routed`'s own fields: the "why"
/// column of the dashboard's routing table and of the demo's terminal view, which must agree.
///
/// Built from plain fields (not a `LeadRouted`) because the demo reads the decision back from
/// the topic as JSON, like any downstream consumer, while the dashboard has the value.
public struct RoutingExplanation: Sendable, Equatable {
    /// One rep considered, as the decision lists it.
    public struct Candidate: Sendable, Equatable {
        /// The rep.
        public var repID: String
        /// `chosen`, `at_capacity`, ... (`RoutingCandidate.Status` raw values).
        public var status: String
        /// 0 top, 1 middle, 2 bottom.
        public var tier: Int
        /// The rep's score at routing time.
        public var repScore: Double

        /// Creates a candidate.
        public init(repID: String, status: String, tier: Int, repScore: Double) {
            self.repID = repID
            self.status = status
            self.tier = tier
            self.repScore = repScore
        }
    }

    /// The lead's bucket.
    public var bucket: String
    /// The chosen rep, `self_serve`, or nil when none was eligible.
    public var repID: String?
    /// The rule that chose (`RoutingRule` raw value); nil in decisions written before it existed.
    public var rule: String?
    /// Whether the lead is in the holdout.
    public var holdout: Bool
    /// Whether the lead kept its owner.
    public var sticky: Bool
    /// The re-route number (0: the first routing).
    public var reroute: Int
    /// The router's note when no rep was eligible.
    public var reason: String?
    /// The reps the decision lists (`routing.candidates_in_event`).
    public var candidates: [Candidate]
    /// Every rep considered, listed or not, counted by status (`candidate_counts`); nil in
    /// decisions written before it existed, whose candidates were every rep.
    public var counts: [String: Int]?

    /// Creates an explanation from a decision's fields.
    public init(bucket: String, repID: String?, rule: String?, holdout: Bool, sticky: Bool, reroute: Int,
                reason: String?, candidates: [Candidate], counts: [String: Int]? = nil) {
        self.bucket = bucket
        self.repID = repID
        self.rule = rule
        self.holdout = holdout
        self.sticky = sticky
        self.reroute = reroute
        self.reason = reason
        self.candidates = candidates
        self.counts = counts
    }

    /// The explanation of a decision the daemon made.
    public init(_ routed: LeadRouted) {
        self.init(bucket: routed.bucket.name, repID: routed.repID, rule: routed.rule.rawValue, holdout: routed.holdout,
                  sticky: routed.sticky, reroute: routed.reroute, reason: routed.reason,
                  candidates: routed.candidates.map { Candidate(repID: $0.repID, status: $0.status.rawValue, tier: $0.tier, repScore: $0.repScore) },
                  counts: Self.counts(routed.candidateCounts))
    }

    /// `candidate_counts` as the JSON names them.
    static func counts(_ counts: RoutingCandidate.Counts) -> [String: Int] {
        var named: [String: Int] = [:]
        counts.forEachNonZero { status, count in named[status.rawValue] = count }
        return named
    }

    /// The text: `best score/load in the top tier (score 0.31); passed: 2 at capacity`, `kept its
    /// owner`, `holdout: round-robin, rep score ignored`, ...
    public var text: String {
        if bucket == "self_serve" || rule == RoutingRule.selfServe.rawValue { return "self-serve: deal below the floor" }
        guard let rep = repID, rule != RoutingRule.none.rawValue else { return "no rep: \(reason ?? "none eligible")" }
        if reroute > 0 {
            let breached = candidates.filter { $0.status == RoutingCandidate.Status.slaBreached.rawValue }.map(\.repID)
            return "re-route \(reroute): first touch missed by \(breached.isEmpty ? "the owner" : breached.joined(separator: ", "))"
        }
        switch rule {
        case RoutingRule.crmAssignment.rawValue: return "assigned in the CRM"
        case RoutingRule.stickyOwner.rawValue: return "kept its owner"
        case RoutingRule.accountOwner.rawValue: return "its account's owner"
        case RoutingRule.holdoutRoundRobin.rawValue: return "holdout: round-robin, rep score ignored"
        default: break
        }
        // Decisions without a rule field: the flags say as much.
        if rule == nil && sticky { return "kept its owner" }
        if rule == nil && holdout { return "holdout: round-robin, rep score ignored" }
        // Counted over every rep, listed or not; the chosen rep's status is `chosen`, named in
        // no note.
        var passed: [String: Int] = counts ?? [:]
        if counts == nil {
            for c in candidates where c.repID != rep { passed[c.status, default: 0] += 1 }
        }
        var text = "best score/load"
        if let chosen = candidates.first(where: { $0.repID == rep }) {
            text += " in the \(Vocabulary.tierName(chosen.tier)) tier (score \(NumberText.fixed(chosen.repScore, 2)))"
        }
        let notes: [(RoutingCandidate.Status, String)] = [(.atCapacity, "at capacity"), (.unavailable, "away"), (.inactive, "inactive"),
                                                          (.lowerTier, "lower tier"), (.territory, "territory"), (.offHours, "off hours")]
        let passedNotes = notes.compactMap { status, label in passed[status.rawValue].map { "\($0) \(label)" } }
        if !passedNotes.isEmpty { text += "; passed: " + passedNotes.joined(separator: ", ") }
        return text
    }
}
