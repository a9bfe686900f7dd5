import LeadScoreCore

/// Joins a scoring run's outputs with the outcomes reps reported, to answer "does the model work?":
/// do better buckets convert more, does model routing beat the holdout, is the score calibrated,
/// has the bucket mix drifted. `leadscore evaluate` feeds it JSON lines; the demo feeds it typed
/// events.
///
/// Pure and order-free: lines may come in any order (topic dumps are per partition, not in time
/// order), because each lead's entries are sorted by `occurred_at`, then `seq`, when the report is
/// made. Per lead it keeps only what the report needs: its bucket history as compact (time, seq,
/// bucket, score) entries, its routing facts (time, seq, holdout, tier of the chosen rep), and its
/// first conversion and last outcome times. The definitions the report applies are in
/// `EvaluationReport.definitions`.
///
/// A `lead_rescored` that names its `model` (the challenger's, on `lead-scores-challenger`) goes
/// to the lead's challenger history, never into the live model's: the report is then that of the
/// live model (the champion) exactly as without those lines, plus a comparison of the two.
public struct OutcomeEvaluation: Sendable {
    /// One `lead_rescored`, reduced to what the evaluation reads.
    /// An entry of a lead's history: its moment and the transition it belongs to.
    protocol HistoryEntry {
        var at: Int64 { get }
        var seq: UInt32 { get }
    }

    struct ScoreEntry: HistoryEntry, Sendable, Equatable {
        var at: Int64
        var seq: UInt32
        var bucket: Bucket
        var score: Double
    }

    /// One `lead_routed`, reduced to what the evaluation reads.
    struct RouteEntry: HistoryEntry, Sendable, Equatable {
        var at: Int64
        var seq: UInt32
        var holdout: Bool
        /// A rep got the lead (not `null`, not `self_serve`).
        var hasRep: Bool
        /// Tier of the chosen rep at routing time, -1 when unknown.
        var tier: Int8
    }

    /// Everything kept about one lead.
    struct Track: Sendable {
        var scores: [ScoreEntry] = []
        /// The challenger's bucket changes (a `lead_rescored` with a `model`).
        var challengerScores: [ScoreEntry] = []
        var routes: [RouteEntry] = []
        /// Earliest `converted` outcome.
        var firstConverted: Int64?
        /// Latest outcome of any kind.
        var lastOutcome: Int64?
    }

    /// What the lines held.
    public internal(set) var counts = EvaluationReport.Inputs()
    /// The challenger's `lead_rescored` events used; they are not in `counts`, so the champion's
    /// report is the same with or without them.
    public internal(set) var challengerRescored = 0
    var index: [String: Int] = [:]
    var ids: [String] = []
    var tracks: [Track] = []
    /// Earliest and latest `occurred_at` of the `lead_rescored` events: the evaluation window.
    var firstRescoredAt: Int64?
    var lastRescoredAt: Int64?
    /// Leads erased by `lead_forgotten` (track index -> latest erasure): what they did up to the
    /// erasure is left out of the report, whatever order the lines came in.
    var erasedAt: [Int: Int64] = [:]
    let decoder: EventDecoder

    /// An empty evaluation. `decoder` decodes `lead_outcome` lines (with the daemon's strictness).
    public init(decoder: EventDecoder = EventDecoder()) {
        self.decoder = decoder
    }

    /// Leads seen so far (with a `lead_rescored`, a `lead_routed` or an outcome).
    public var trackedLeads: Int { tracks.count }

    /// Adds a `lead_rescored`: the challenger's when it names its `model`, else the live model's.
    public mutating func addRescored(_ e: LeadRescored) {
        if e.model != nil {
            addChallengerRescored(leadID: e.leadID, seq: e.seq, bucket: e.newBucket, score: e.score, at: e.occurredAt)
            return
        }
        addRescored(leadID: e.leadID, seq: e.seq, bucket: e.newBucket, score: e.score, at: e.occurredAt)
    }

    /// Adds a `lead_rescored` given by its parts.
    public mutating func addRescored(leadID: String, seq: UInt32, bucket: Bucket, score: Double, at: Timestamp) {
        counts.rescored += 1
        let t = at.millisecondsSinceEpoch
        if firstRescoredAt.map({ t < $0 }) ?? true { firstRescoredAt = t }
        if lastRescoredAt.map({ t > $0 }) ?? true { lastRescoredAt = t }
        let i = slot(leadID)
        tracks[i].scores.append(ScoreEntry(at: t, seq: seq, bucket: bucket, score: score))
    }

    /// Adds a challenger's `lead_rescored` given by its parts: to the lead's challenger history
    /// only (the evaluation window and the champion's counts stay as they are).
    public mutating func addChallengerRescored(leadID: String, seq: UInt32, bucket: Bucket, score: Double, at: Timestamp) {
        challengerRescored += 1
        let i = slot(leadID)
        tracks[i].challengerScores.append(ScoreEntry(at: at.millisecondsSinceEpoch, seq: seq, bucket: bucket, score: score))
    }

    /// Adds a `lead_routed`: its holdout flag, whether a rep got the lead, and the chosen rep's tier.
    public mutating func addRouted(_ e: LeadRouted) {
        let hasRep = e.repID != nil && e.repID != "self_serve"
        let tier = e.candidates.first { $0.status == .chosen }?.tier
        addRouted(leadID: e.leadID, seq: e.seq, holdout: e.holdout, hasRep: hasRep, tier: tier, at: e.occurredAt)
    }

    /// Adds a `lead_routed` given by its parts.
    public mutating func addRouted(leadID: String, seq: UInt32, holdout: Bool, hasRep: Bool, tier: Int?, at: Timestamp) {
        counts.routed += 1
        let i = slot(leadID)
        let t = tier.map { Int8(clamping: $0) } ?? -1
        tracks[i].routes.append(RouteEntry(at: at.millisecondsSinceEpoch, seq: seq, holdout: holdout, hasRep: hasRep, tier: t))
    }

    /// Adds a `lead_outcome` label.
    public mutating func addOutcome(_ e: LeadOutcomeEvent) {
        addOutcome(leadID: e.leadID, outcome: e.outcome, at: e.occurredAt)
    }

    /// Adds an outcome given by its parts.
    public mutating func addOutcome(leadID: String, outcome: LeadOutcome, at: Timestamp) {
        counts.outcomes += 1
        let i = slot(leadID)
        let t = at.millisecondsSinceEpoch
        if outcome == .converted, tracks[i].firstConverted.map({ t < $0 }) ?? true { tracks[i].firstConverted = t }
        if tracks[i].lastOutcome.map({ t > $0 }) ?? true { tracks[i].lastOutcome = t }
    }

    /// Adds an output event of the engine (`enrichment_requested` is ignored).
    public mutating func add(_ event: OutputEvent) {
        switch event {
        case .leadRescored(let e): addRescored(e)
        case .leadRouted(let e): addRouted(e)
        case .enrichmentRequested: counts.ignore("enrichment_requested")
        case .leadSLABreached: counts.ignore("lead_sla_breached")
        case .leadEscalated: counts.ignore("lead_escalated")
        case .leadErased(let e): addForgotten(leadID: e.leadID, at: e.occurredAt)
        }
    }

    /// A lead erased at `at` (`lead_forgotten`): its records up to then no longer count.
    public mutating func addForgotten(leadID: String, at: Timestamp) {
        counts.ignore("lead_forgotten")
        let i = slot(leadID)
        erasedAt[i] = max(erasedAt[i] ?? Int64.min, at.millisecondsSinceEpoch)
    }

    /// The evaluation without what erased leads did up to their erasure.
    func withErasuresApplied() -> OutcomeEvaluation {
        var copy = self
        for (i, at) in erasedAt {
            copy.tracks[i].scores.removeAll { $0.at <= at }
            copy.tracks[i].challengerScores.removeAll { $0.at <= at }
            copy.tracks[i].routes.removeAll { $0.at <= at }
            if let t = copy.tracks[i].firstConverted, t <= at { copy.tracks[i].firstConverted = nil }
            if let t = copy.tracks[i].lastOutcome, t <= at { copy.tracks[i].lastOutcome = nil }
        }
        copy.erasedAt = [:]
        return copy
    }

    /// Adds an input event: `lead_outcome` is a label, every other input is ignored.
    public mutating func add(_ event: InputEvent) {
        if case .leadOutcome(let o) = event { addOutcome(o) } else { counts.ignore(event.typeName) }
    }

    private mutating func slot(_ leadID: String) -> Int {
        if let i = index[leadID] { return i }
        let i = tracks.count
        index[leadID] = i
        ids.append(leadID)
        tracks.append(Track())
        return i
    }
}
