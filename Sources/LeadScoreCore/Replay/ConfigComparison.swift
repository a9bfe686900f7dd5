/// Runs two scoring configurations over the same input and says how they differ, for a RevOps
/// engineer deciding whether to ship a config change: which leads end in another bucket, how many
/// move between each pair of buckets, and how the rep workload (routed leads) changes.
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
    }

    /// The run with the configuration in use.
    public private(set) var primary: ReplayRunner
    /// The run with the proposed configuration.
    public private(set) var candidate: ReplayRunner
    let decoder: EventDecoder

    /// Creates both runs. Only the primary's output events are rendered when `writesPrimaryOutput`.
    public init(primary: ScoringConfig, candidate: ScoringConfig, decoder: EventDecoder = EventDecoder(),
                writesPrimaryOutput: Bool) {
        self.primary = ReplayRunner(config: primary, decoder: decoder, tracksFinalBuckets: true, writesOutput: writesPrimaryOutput)
        self.candidate = ReplayRunner(config: candidate, decoder: decoder, tracksFinalBuckets: true, writesOutput: false)
        self.decoder = decoder
    }

    /// Decodes one line once and applies it to both runs (see `ReplayRunner.feed(line:output:)`).
    @discardableResult
    public mutating func feed(line: UnsafeRawBufferPointer, output: inout [UInt8]) -> EventDecodingError? {
        if ReplayRunner.isBlank(line) { return nil }
        do {
            let event = try decoder.decode(line)
            primary.feed(event: event, output: &output)
            var ignored: [UInt8] = []
            candidate.feed(event: event, output: &ignored)
            return nil
        } catch {
            primary.countBadLine(error)
            candidate.countBadLine(error)
            return error
        }
    }

    /// Ends both runs (see `ReplayRunner.finish(until:output:)`).
    public mutating func finish(until: Timestamp?, output: inout [UInt8]) {
        primary.finish(until: until, output: &output)
        var ignored: [UInt8] = []
        candidate.finish(until: until, output: &ignored)
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
        return Diff(leads: ids.count, unchanged: ids.count - changes.count, moves: moves, changes: changes,
                    primaryBuckets: ConfigComparison.counts(a), candidateBuckets: ConfigComparison.counts(b),
                    upgraded: upgraded, downgraded: downgraded)
    }

    /// Worth of a bucket for up/down counting: `self_serve` and none lowest, then nurture, C, B, A.
    static func rank(_ bucket: Bucket?) -> Int {
        switch bucket {
        case .a: 4
        case .b: 3
        case .c: 2
        case .nurture: 1
        case .selfServe, nil: 0
        }
    }

    static func counts(_ finals: [String: Bucket]) -> [Bucket: Int] {
        var counts: [Bucket: Int] = [:]
        for bucket in finals.values { counts[bucket, default: 0] += 1 }
        return counts
    }
}
