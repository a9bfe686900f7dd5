import LeadScoreCore

/// Conversion by bucket under the live model and under the challenger, from the outcomes reps
/// report while this instance runs (not kept across restarts; `leadscore evaluate` gives the
/// whole history from the topics). Each lead counts once per model: in the bucket it was in when
/// its first conversion was read, else when its latest outcome was read, the definition
/// `evaluate` applies to event time.
struct OutcomesByModel: Sendable {
    /// Leads with an outcome and those converted, by bucket (`Bucket.rawValue` index), per model.
    struct Counts: Sendable, Equatable {
        var liveLeads = Array(repeating: 0, count: Bucket.allCases.count)
        var liveConverted = Array(repeating: 0, count: Bucket.allCases.count)
        var challengerLeads = Array(repeating: 0, count: Bucket.allCases.count)
        var challengerConverted = Array(repeating: 0, count: Bucket.allCases.count)

        mutating func add(_ other: Counts) {
            for k in liveLeads.indices {
                liveLeads[k] += other.liveLeads[k]
                liveConverted[k] += other.liveConverted[k]
                challengerLeads[k] += other.challengerLeads[k]
                challengerConverted[k] += other.challengerConverted[k]
            }
        }

        fileprivate mutating func count(_ entry: Entry, _ sign: Int) {
            let live = Int(entry.live), challenger = Int(entry.challenger)
            liveLeads[live] += sign
            challengerLeads[challenger] += sign
            if entry.converted {
                liveConverted[live] += sign
                challengerConverted[challenger] += sign
            }
        }
    }

    fileprivate struct Entry {
        var live: UInt8
        var challenger: UInt8
        var converted: Bool
    }

    private(set) var counts = Counts()
    /// By a 64-bit hash of the lead id (the id itself is not kept).
    private var entries: [UInt64: Entry] = [:]

    /// Records an outcome of a lead in `live` (the lead's bucket there) and `challenger`.
    mutating func record(leadID: String, converted: Bool, live: Bucket, challenger: Bucket) {
        let key = FNV1a64.hash(leadID)
        if let old = entries[key] {
            if old.converted { return }
            counts.count(old, -1)
        }
        let entry = Entry(live: live.rawValue, challenger: challenger.rawValue, converted: converted)
        entries[key] = entry
        counts.count(entry, 1)
    }

    /// Counts over several partitions; nil when none has any.
    static func total(_ summaries: some Sequence<PartitionSummary>) -> Counts? {
        var total: Counts?
        for summary in summaries {
            guard let part = summary.outcomes else { continue }
            if total == nil { total = Counts() }
            total?.add(part)
        }
        return total
    }
}
