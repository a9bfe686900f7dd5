import CCacheHints

/// Cache hints for the events a caller is about to apply.
///
/// Finding a lead by id is three dependent loads: the id table's slot, the id it points to, then
/// the lead's record; when they miss the cache they are most of the lookup. A caller that holds
/// the next events (the daemon's partition worker has the batch) can start those loads early and
/// let them arrive while it works on the events before: `prefetchSlot` two events ahead,
/// `prefetchRecord` one event ahead (it reads the slot the first hint fetched). Hints never change
/// the book or any result; a wrong or stale hint only costs the load. They pay where other threads
/// evict the book between events (the daemon: workers beside librdkafka's threads on the same
/// cores); a single-threaded replay of the SPEC stream keeps its active leads cached and gained
/// nothing from them (Benchmarks/README.md, issue 17 stage 9).
extension LeadBook {
    /// The lead an event names, for the hints: the lead id of a lead event, nil for account-level
    /// intent and rep events.
    public static func hintedLeadID(of event: InputEvent) -> String? {
        switch event {
        case .engagement(let e): e.leadID
        case .intent(let e): e.leadID
        case .profile(let e): e.leadID
        case .leadTouched(let e): e.leadID
        case .leadForgotten(let e): e.leadID
        case .repRoster, .repAvailability, .leadAssigned, .leadOutcome, .accountAssigned: nil
        }
    }

    /// The hash the id table files `leadID` under (what both hints take).
    @inline(__always)
    public static func hintHash(_ leadID: String) -> UInt64 { LeadIDTable.hash(leadID) }

    /// First hint, two events ahead: fetch the id table's slot for the lead with this hash.
    @inline(__always)
    public func prefetchSlot(hash: UInt64) {
        leadIndex.prefetchHome(hash)
    }

    /// Second hint, one event ahead: read the slot (fetched by `prefetchSlot`) and fetch the id and
    /// the record it points to. Nothing for a lead the book does not have in its home slot.
    @inline(__always)
    public func prefetchRecord(hash: UInt64) {
        guard let index = leadIndex.homeIndex(hash).map(Int.init), index < leads.count else { return }
        leadIDs.withUnsafeBufferPointer { leadscore_prefetch($0.baseAddress! + index) }
        leads.prefetch(index)
    }
}
