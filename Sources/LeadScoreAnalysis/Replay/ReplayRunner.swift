import LeadScoreCore

/// Runs a scoring configuration over recorded input events, as `leadscore replay` does.
///
/// Pure: lines go in as bytes, output events come out as JSON Lines bytes (the same JSON the
/// daemon writes to its output topics, via `OutputEvent.appendJSON`), and nothing here does I/O,
/// so tests drive exactly what the command runs. Stream time is the latest `occurred_at` seen
/// (the engine keeps it); there is no wall clock and no future-time bound in a replay.
public struct ReplayRunner: Sendable {
    /// A bucket change, `from` nil for a lead's first bucket.
    public struct Transition: Hashable, Sendable, Comparable, CustomStringConvertible {
        /// Bucket before, nil for the first one.
        public var from: Bucket?
        /// Bucket after.
        public var to: Bucket

        /// Creates a transition.
        public init(from: Bucket?, to: Bucket) {
            self.from = from
            self.to = to
        }

        /// `null -> C`, `B -> A`.
        public var description: String { "\(from?.name ?? "null") -> \(to.name)" }

        /// Orders by the `from` bucket (null first), then by `to`, best bucket first.
        public static func < (l: Transition, r: Transition) -> Bool {
            let lf = l.from.map { Int($0.order) } ?? -1
            let rf = r.from.map { Int($0.order) } ?? -1
            return lf != rf ? lf < rf : l.to.order < r.to.order
        }
    }

    /// Counters for the end-of-run report.
    public struct Summary: Sendable, Equatable {
        /// Non-blank lines read.
        public var lines = 0
        /// Events decoded, by `type`.
        public var eventsByType: [String: Int] = [:]
        /// Lines that could not be decoded.
        public var badLines = 0
        /// Bad lines by error code.
        public var badLinesByCode: [String: Int] = [:]
        /// Decoded events the engine refused (e.g. intent with neither lead nor account).
        public var rejectedEvents = 0
        /// Output events written, by `type`.
        public var outputsByType: [String: Int] = [:]
        /// `lead_rescored` events by bucket pair.
        public var transitions: [Transition: Int] = [:]
        /// `lead_rescored` events caused by decay alone.
        public var decayTransitions = 0
        /// Earliest and latest `occurred_at` among decoded events.
        public var firstEventAt: Timestamp?
        /// Latest `occurred_at` among decoded events.
        public var lastEventAt: Timestamp?

        /// Total decoded events.
        public var events: Int { eventsByType.values.reduce(0, +) }
    }

    /// The engine the events drive.
    public private(set) var engine: ScoringEngine
    /// Counters so far.
    public var summary: Summary {
        var summary = counters
        for (i, n) in eventCounts.enumerated() where n > 0 { summary.eventsByType[InputEvent.typeNames[i]] = n }
        for (i, n) in outputCounts.enumerated() where n > 0 { summary.outputsByType[Self.kinds[i].rawValue] = n }
        for (i, n) in transitionCounts.enumerated() where n > 0 {
            let from = i / Self.buckets.count
            summary.transitions[Transition(from: from == 0 ? nil : Self.buckets[from - 1], to: Self.buckets[i % Self.buckets.count])] = n
        }
        return summary
    }
    /// The counters kept as they are; events, outputs and transitions are counted by position
    /// (below) and folded into `summary`'s dictionaries when it is read: no hash per event.
    private var counters = Summary()
    private static let kinds = OutputEvent.Kind.allCases
    private static let buckets = Bucket.allCases
    /// Events by `InputEvent.typeIndex`.
    private var eventCounts = [Int](repeating: 0, count: InputEvent.typeNames.count)
    /// Outputs by position in `Self.kinds`.
    private var outputCounts = [Int](repeating: 0, count: Self.kinds.count)
    /// `lead_rescored` by (position of `from` in `Self.buckets` + 1, 0 for none) x buckets + `to`.
    private var transitionCounts = [Int](repeating: 0, count: (Self.buckets.count + 1) * Self.buckets.count)
    /// Each lead's latest bucket, from the `lead_rescored` events (kept only when
    /// `tracksFinalBuckets`; used by config comparison).
    public private(set) var finalBuckets: [String: Bucket] = [:]
    /// Whether `finalBuckets` is kept.
    public let tracksFinalBuckets: Bool
    /// Whether output events are rendered to JSON (off for a comparison's second config).
    public let writesOutput: Bool
    let decoder: EventDecoder
    private var pending: [OutputEvent] = []

    /// A runner with an empty engine.
    public init(config: ScoringConfig, decoder: EventDecoder = EventDecoder(),
                tracksFinalBuckets: Bool = false, writesOutput: Bool = true) {
        engine = ScoringEngine(config: config)
        self.decoder = decoder
        self.tracksFinalBuckets = tracksFinalBuckets
        self.writesOutput = writesOutput
    }

    /// Decodes and applies one line (without its newline). Blank lines are skipped. Outputs are
    /// appended to `output` as JSON Lines.
    ///
    /// - Returns: the decoding error for a bad line (counted; the caller reports it with file and
    ///   line number), nil otherwise.
    @discardableResult
    public mutating func feed(line: UnsafeRawBufferPointer, output: inout [UInt8]) -> EventDecodingError? {
        if ReplayRunner.isBlank(line) { return nil }
        counters.lines += 1
        do {
            let event = try decoder.decode(line)
            apply(event, output: &output)
            return nil
        } catch {
            counters.badLines += 1
            counters.badLinesByCode[error.code.name, default: 0] += 1
            return error
        }
    }

    /// Applies an already decoded event (config comparison decodes once for both runners). The
    /// event counts as one line read.
    public mutating func feed(event: InputEvent, output: inout [UInt8]) {
        counters.lines += 1
        apply(event, output: &output)
    }

    /// Counts a line that failed to decode elsewhere (config comparison decodes once).
    public mutating func countBadLine(_ error: EventDecodingError) {
        counters.lines += 1
        counters.badLines += 1
        counters.badLinesByCode[error.code.name, default: 0] += 1
    }

    private mutating func apply(_ event: InputEvent, output: inout [UInt8]) {
        eventCounts[event.typeIndex] += 1
        let t = event.occurredAt
        if counters.firstEventAt.map({ t < $0 }) ?? true { counters.firstEventAt = t }
        if counters.lastEventAt.map({ t > $0 }) ?? true { counters.lastEventAt = t }
        switch engine.apply(event, into: &pending) {
        case .applied, .appliedCapped, .ignored: break
        case .rejectedFuture, .rejectedMissingKey: counters.rejectedEvents += 1
        }
        flush(output: &output)
    }

    /// Ends the run: with `until`, fires the decay transitions due by then (stream time moves to
    /// `until` if that is later than the last event).
    public mutating func finish(until: Timestamp?, output: inout [UInt8]) {
        if let until {
            engine.advance(to: until, into: &pending)
            flush(output: &output)
        }
    }

    private mutating func flush(output: inout [UInt8]) {
        guard !pending.isEmpty else { return }
        for event in pending {
            outputCounts[event.kind.position] += 1
            if case .leadRescored(let r) = event {
                let from = r.oldBucket.map { $0.position + 1 } ?? 0
                transitionCounts[from * Self.buckets.count + r.newBucket.position] += 1
                if r.cause == .decay { counters.decayTransitions += 1 }
                if tracksFinalBuckets { finalBuckets[r.leadID] = r.newBucket }
            }
        }
        if writesOutput {
            // The input's outputs rendered into one writer and copied out once.
            var json = JSONWriter()
            for event in pending {
                event.write(to: &json)
                json.lineBreak()
            }
            json.append(to: &output)
        }
        pending.removeAll(keepingCapacity: true)
    }

    static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        return true
    }
}
