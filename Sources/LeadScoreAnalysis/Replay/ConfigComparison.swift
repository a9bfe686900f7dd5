import LeadScoreCore

/// Runs two scoring configurations over the same input and says how they differ, for a RevOps
/// engineer deciding whether to ship a config change: which leads end in another bucket, how many
/// move between each pair of buckets, how the rep workload (cadence touches per day) changes, and,
/// when the input holds `lead_outcome` labels, the expected change in conversions.
///
/// Each line is decoded once and applied to both engines, so the two runs see exactly the same
/// events in the same order.
public struct ConfigComparison: Sendable {
    /// A lead whose final bucket differs between the two configurations.
    public struct LeadChange: Sendable, Equatable {
        /// The lead.
        public var leadID: String
        /// Final bucket under the primary configuration (nil: never bucketed).
        public var primary: Bucket?
        /// Final bucket under the candidate configuration.
        public var candidate: Bucket?
        /// Score at the lead's own clock under each configuration.
        public var primaryScore: Double?
        /// Score under the candidate configuration.
        public var candidateScore: Double?
    }

    /// The result of a comparison.
    public struct Diff: Sendable, Equatable {
        /// Leads known to either run.
        public var leads: Int
        /// Leads whose final bucket is the same.
        public var unchanged: Int
        /// Leads moved between buckets, by (primary bucket -> candidate bucket).
        public var moves: [ReplayRunner.Transition: Int]
        /// Moved leads, in lead id order.
        public var changes: [LeadChange]
        /// Final bucket counts under each configuration.
        public var primaryBuckets: [Bucket: Int]
        /// Final bucket counts under the candidate configuration.
        public var candidateBuckets: [Bucket: Int]
        /// Moves to a better bucket (counts `null` and `nurture` as the bottom, `self_serve` apart).
        public var upgraded: Int
        /// Moves to a worse bucket.
        public var downgraded: Int
        /// Cadence touches per day implied by each run's final bucket mix.
        public var workload: Workload
        /// The expected change in conversions; nil when the input held no `lead_outcome`.
        public var outcomes: OutcomeDelta?
    }

    /// Rep workload implied by a final bucket mix: each lead of a rep bucket is worked through its
    /// bucket's cadence, `(calls + emails) / days` touches a day, under each run's own cadences.
    public struct Workload: Sendable, Equatable {
        /// One rep bucket.
        public struct Row: Sendable, Equatable {
            /// `A`, `B` or `C`.
            public var bucket: Bucket
            /// `(calls + emails) / days` of the primary configuration's cadence.
            public var primaryTouchesPerLead: Double
            /// The same under the candidate configuration.
            public var candidateTouchesPerLead: Double
            /// Final leads in the bucket under the primary configuration.
            public var primaryLeads: Int
            /// Final leads in the bucket under the candidate configuration.
            public var candidateLeads: Int
            /// `primaryTouchesPerLead x primaryLeads`.
            public var primaryTouches: Double { primaryTouchesPerLead * Double(primaryLeads) }
            /// `candidateTouchesPerLead x candidateLeads`.
            public var candidateTouches: Double { candidateTouchesPerLead * Double(candidateLeads) }
        }

        /// A, B and C.
        public var rows: [Row]
        /// Touches per day under the primary configuration.
        public var primaryTotal: Double { rows.reduce(0) { $0 + $1.primaryTouches } }
        /// Touches per day under the candidate configuration.
        public var candidateTotal: Double { rows.reduce(0) { $0 + $1.candidateTouches } }
    }

    /// What the moved leads would do to conversions, at the rates the primary run observed.
    ///
    /// Each moved lead counts `rate(candidate bucket) - rate(primary bucket)`, the rates being the
    /// conversion rates per evaluated bucket of the primary run's own evaluation over the same
    /// input (`OutcomeEvaluation`). A first-order estimate: it assumes a lead converts like the
    /// leads already in the bucket it moves to.
    public struct OutcomeDelta: Sendable, Equatable {
        /// `lead_outcome` events in the input.
        public var outcomes: Int
        /// The primary run's conversion rate per bucket (absent: no evaluated lead in it).
        public var rates: [Bucket: Double]
        /// Moved leads whose two buckets both have a rate.
        public var estimatedLeads: Int
        /// Moved leads left out (a bucket without a rate, or no bucket).
        public var unestimatedLeads: Int
        /// Sum over the moved leads of the rate difference: expected conversions gained (> 0) or
        /// lost (< 0).
        public var expectedChange: Double
        /// The same, per move (primary bucket -> candidate bucket).
        public var byMove: [ReplayRunner.Transition: Double]
    }

    /// The run with the configuration in use.
    public private(set) var primary: ReplayRunner
    /// The run with the proposed configuration.
    public private(set) var candidate: ReplayRunner
    /// The primary run's outputs joined with the input's `lead_outcome` labels.
    public private(set) var evaluation = OutcomeEvaluation()
    let decoder: EventDecoder
    let primaryRouting: RoutingConfig
    let candidateRouting: RoutingConfig
    let writesPrimaryOutput: Bool
    private var scratch: [UInt8] = []

    /// Creates both runs. The primary's output events go to the caller's output only when
    /// `writesPrimaryOutput` (they are always rendered, for the evaluation).
    public init(primary: ScoringConfig, candidate: ScoringConfig, decoder: EventDecoder = EventDecoder(),
                writesPrimaryOutput: Bool) {
        self.primary = ReplayRunner(config: primary, decoder: decoder, tracksFinalBuckets: true, writesOutput: true)
        self.candidate = ReplayRunner(config: candidate, decoder: decoder, tracksFinalBuckets: true, writesOutput: false)
        self.decoder = decoder
        self.primaryRouting = primary.routing
        self.candidateRouting = candidate.routing
        self.writesPrimaryOutput = writesPrimaryOutput
    }

    /// Decodes one line once and applies it to both runs (see `ReplayRunner.feed(line:output:)`).
    @discardableResult
    public mutating func feed(line: UnsafeRawBufferPointer, output: inout [UInt8]) -> EventDecodingError? {
        if ReplayRunner.isBlank(line) { return nil }
        do {
            let event = try decoder.decode(line)
            if case .leadOutcome(let o) = event { evaluation.addOutcome(o) }
            primary.feed(event: event, output: &scratch)
            takePrimaryOutput(&output)
            var ignored: [UInt8] = []
            candidate.feed(event: event, output: &ignored)
            return nil
        } catch {
            primary.countBadLine(error)
            candidate.countBadLine(error)
            return error
        }
    }

    /// Counts a line that failed before decoding (too long for the line reader) in both runs.
    public mutating func countBadLine(_ error: EventDecodingError) {
        primary.countBadLine(error)
        candidate.countBadLine(error)
    }

    /// Ends both runs (see `ReplayRunner.finish(until:output:)`).
    public mutating func finish(until: Timestamp?, output: inout [UInt8]) {
        primary.finish(until: until, output: &scratch)
        takePrimaryOutput(&output)
        var ignored: [UInt8] = []
        candidate.finish(until: until, output: &ignored)
    }

    /// Feeds the primary's new output lines to the evaluation and passes them on.
    private mutating func takePrimaryOutput(_ output: inout [UInt8]) {
        guard !scratch.isEmpty else { return }
        evaluation.feed(lines: scratch)
        if writesPrimaryOutput { output.append(contentsOf: scratch) }
        scratch.removeAll(keepingCapacity: true)
    }

    /// Compares the final buckets of the two runs.
    public func diff() -> Diff {
        let a = primary.finalBuckets
        let b = candidate.finalBuckets
        var ids = Set(a.keys)
        ids.formUnion(b.keys)
        var moves: [ReplayRunner.Transition: Int] = [:]
        var changes: [LeadChange] = []
        var upgraded = 0
        var downgraded = 0
        for id in ids {
            let pa = a[id]
            let pb = b[id]
            guard pa != pb else { continue }
            if let pb { moves[ReplayRunner.Transition(from: pa, to: pb), default: 0] += 1 }
            let ra = ConfigComparison.rank(pa)
            let rb = ConfigComparison.rank(pb)
            if rb > ra { upgraded += 1 } else if rb < ra { downgraded += 1 }
            changes.append(LeadChange(
                leadID: id, primary: pa, candidate: pb,
                primaryScore: primary.engine.leads.view(leadID: id)?.score,
                candidateScore: candidate.engine.leads.view(leadID: id)?.score))
        }
        changes.sort { $0.leadID < $1.leadID }
        let primaryBuckets = ConfigComparison.counts(a)
        let candidateBuckets = ConfigComparison.counts(b)
        return Diff(leads: ids.count, unchanged: ids.count - changes.count, moves: moves, changes: changes,
                    primaryBuckets: primaryBuckets, candidateBuckets: candidateBuckets,
                    upgraded: upgraded, downgraded: downgraded,
                    workload: workload(primaryBuckets, candidateBuckets),
                    outcomes: outcomeDelta(changes))
    }

    private func workload(_ primaryBuckets: [Bucket: Int], _ candidateBuckets: [Bucket: Int]) -> Workload {
        func perLead(_ c: RoutingConfig.Cadence?) -> Double {
            guard let c, c.days > 0 else { return 0 }
            return Double(c.calls + c.emails) / Double(c.days)
        }
        return Workload(rows: [Bucket.a, .b, .c].map { bucket in
            Workload.Row(bucket: bucket,
                         primaryTouchesPerLead: perLead(primaryRouting.cadence(for: bucket)),
                         candidateTouchesPerLead: perLead(candidateRouting.cadence(for: bucket)),
                         primaryLeads: primaryBuckets[bucket] ?? 0, candidateLeads: candidateBuckets[bucket] ?? 0)
        })
    }

    private func outcomeDelta(_ changes: [LeadChange]) -> OutcomeDelta? {
        guard evaluation.counts.outcomes > 0 else { return nil }
        var rates: [Bucket: Double] = [:]
        for row in evaluation.report(timeSlices: 1).buckets {
            if let rate = row.rate { rates[row.bucket] = rate }
        }
        var delta = OutcomeDelta(outcomes: evaluation.counts.outcomes, rates: rates, estimatedLeads: 0,
                                 unestimatedLeads: 0, expectedChange: 0, byMove: [:])
        for c in changes {
            guard let from = c.primary, let to = c.candidate, let rFrom = rates[from], let rTo = rates[to] else {
                delta.unestimatedLeads += 1
                continue
            }
            delta.estimatedLeads += 1
            delta.expectedChange += rTo - rFrom
            delta.byMove[ReplayRunner.Transition(from: from, to: to), default: 0] += rTo - rFrom
        }
        return delta
    }

    /// Worth of a bucket for up/down counting: `self_serve`, `disqualified` and none lowest, then
    /// nurture, C, B, A.
    static func rank(_ bucket: Bucket?) -> Int {
        switch bucket {
        case .a: 4
        case .b: 3
        case .c: 2
        case .nurture: 1
        case .selfServe, .disqualified, nil: 0
        }
    }

    static func counts(_ finals: [String: Bucket]) -> [Bucket: Int] {
        var counts: [Bucket: Int] = [:]
        for bucket in finals.values { counts[bucket, default: 0] += 1 }
        return counts
    }
}
