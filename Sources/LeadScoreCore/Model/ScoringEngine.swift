/// One `LeadBook` and one `RepBook` driven by a single event stream: what `leadscore replay` and
/// the benchmarks use. Rep events go to the rep book, lead events to the lead book; only lead
/// events move stream time (as on a lead partition in the daemon).
public struct ScoringEngine: Sendable {
    /// Lead and account state.
    public var leads: LeadBook
    /// Rep state.
    public var reps: RepBook

    /// An empty engine.
    public init(config: ScoringConfig) {
        leads = LeadBook(config: config)
        reps = RepBook(config: config)
    }

    /// Restores an engine from its two books.
    public init(leads: LeadBook, reps: RepBook) {
        self.leads = leads
        self.reps = reps
    }

    /// The configuration in use.
    public var config: ScoringConfig { leads.config }

    /// Applies one event of either kind and appends its outputs.
    @discardableResult
    public mutating func apply(_ event: InputEvent, into out: inout [OutputEvent], notAfter: Timestamp? = nil) -> ApplyOutcome {
        if event.isRepEvent {
            if let notAfter, event.occurredAt > notAfter { return .rejectedFuture }
            reps.apply(event)
            return .applied
        }
        return leads.apply(event, reps: &reps, into: &out, notAfter: notAfter)
    }

    /// Fires decay transitions due by `streamTime` (e.g. at the end of a replay, to flush the
    /// downgrades the recorded period implies).
    public mutating func advance(to streamTime: Timestamp, into out: inout [OutputEvent]) {
        leads.advance(to: streamTime, reps: &reps, into: &out)
    }
}
