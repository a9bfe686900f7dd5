/// Global rep state: roster, availability, conversion windows, today's load, and assignments made
/// outside leadscore. One per process, fed from the rep events topic and shared by all lead
/// partitions (`LeadBook`s) of the process.
///
/// Load counting and double counting: a `LeadBook` records its own routing decisions here as it
/// makes them. When the daemon also reads the routing topic to learn other instances' decisions,
/// it must call `recordRouting(repID:at:)` only for records of lead partitions this instance does
/// not own (its own decisions were already counted when they were made).
public struct RepBook: Sendable {
    /// Rates and tiers come from this policy.
    public private(set) var routing: RoutingConfig
    var reps: [RepRecord] = []
    var index: [String: Int32] = [:]
    /// Rep indexes in rep id order: candidate lists and tie-breaks follow it.
    var sorted: [Int32] = []
    /// `lead_assigned` events not yet taken by the lead's `LeadBook`: lead id -> rep id.
    var assignments: [String: String] = [:]
    /// Account owners named by the CRM (`account_assigned`): account id -> rep id.
    var accountOwners: [String: String] = [:]
    /// Position in `sorted` where the next holdout round-robin search starts.
    var holdoutCursor: Int = 0
    /// Rep scores and tiers depend only on window sums and the roster; they are kept between
    /// routings until one of those changes (`scoresStale`).
    var cachedScores: [Double] = []
    var cachedTiers: [Int] = []
    var scoresStale = true
    /// Scratch space for one routing's statuses (see `route`), kept to avoid an allocation each.
    var statusScratch: [RoutingCandidate.Status] = []
    /// Latest moment seen on rep events or routing (the rep windows' "now").
    public internal(set) var clock: Timestamp = Timestamp(millisecondsSinceEpoch: Int64.min)

    /// An empty roster.
    public init(config: ScoringConfig) {
        routing = config.routing
    }

    var ringDays: Int { Int(routing.longWindow.milliseconds / 86_400_000) }
    var shortDays: Int { Int(routing.shortWindow.milliseconds / 86_400_000) }

    /// Number of reps known (on the roster or seen in outcomes).
    public var count: Int { reps.count }

    /// Applies a rep event (`rep_roster`, `rep_availability`, `lead_assigned`, `lead_outcome`,
    /// `account_assigned`); lead events are ignored and return false. A roster event replaces
    /// the rep's calendar (none given: always working), as it replaces its territories.
    @discardableResult
    public mutating func apply(_ event: InputEvent) -> Bool {
        switch event {
        case .repRoster(let e):
            let i = Int(intern(e.repID))
            reps[i].name = e.name
            reps[i].active = e.active
            reps[i].onRoster = true
            reps[i].capacityPerDay = Int32(clamping: max(0, e.capacityPerDay))
            reps[i].territories = (e.territories ?? []).sorted()
            reps[i].hours = e.workingHours
            scoresStale = true
        case .repAvailability(let e):
            let i = Int(intern(e.repID))
            reps[i].available = e.available
            reps[i].unavailableUntil = e.available ? nil : e.until?.millisecondsSinceEpoch
        case .leadAssigned(let e):
            assignments[e.leadID] = e.repID
        case .accountAssigned(let e):
            // Interned so an owner not (yet) on the roster is listed among the candidates.
            _ = intern(e.repID)
            accountOwners[e.accountID] = e.repID
        case .leadOutcome(let e):
            let i = Int(intern(e.repID))
            let day = floorDiv(e.occurredAt.millisecondsSinceEpoch, 86_400_000)
            reps[i].record(success: e.outcome == .converted, day: day, shortDays: shortDays)
            scoresStale = true
        case .engagement, .intent, .profile, .leadTouched, .leadForgotten:
            return false
        }
        clock = Timestamp.latest(clock, event.occurredAt)
        return true
    }

    /// Counts one lead routed to a rep on the UTC day of `at` (for decisions made elsewhere; see
    /// the type's documentation on double counting). Unknown reps are added as off-roster.
    public mutating func recordRouting(repID: String, at: Timestamp) {
        let i = Int(intern(repID))
        countLoad(i, at: at.millisecondsSinceEpoch)
    }

    /// Takes back one lead counted on a rep's load for the UTC day of `at`: a decision a replay
    /// made again after a restore, which the routing topic already held and which was counted when
    /// that record was read. Never below zero; a past day's count is not touched.
    public mutating func releaseLoad(repID: String, at: Timestamp) {
        guard let i = index[repID].map(Int.init) else { return }
        let day = floorDiv(at.millisecondsSinceEpoch, 86_400_000)
        if reps[i].loadDay == day && reps[i].loadCount > 0 { reps[i].loadCount -= 1 }
    }

    /// Counts a first-touch SLA breach of `repID` whose deadline was `at` (for breaches decided
    /// elsewhere as well as here: a `LeadBook` calls it through its `RoutingDesk`, the daemon for
    /// breaches other instances wrote). Unknown reps are added as off-roster.
    public mutating func recordBreach(repID: String, at: Timestamp) {
        let i = Int(intern(repID))
        reps[i].recordBreach(day: floorDiv(at.millisecondsSinceEpoch, 86_400_000), shortDays: shortDays)
        if routing.sla.breachWeight > 0 { scoresStale = true }
    }

    /// Takes back one breach counted by `recordBreach(repID:at:)`: a breach a replay decided again
    /// after a restore, which the routing topic already held. Never below zero.
    public mutating func releaseBreach(repID: String, at: Timestamp) {
        guard let i = index[repID].map(Int.init) else { return }
        reps[i].releaseBreach(day: at.utcDay, shortDays: shortDays)
        if routing.sla.breachWeight > 0 { scoresStale = true }
    }

    /// Removes and returns an outside assignment of a lead (`lead_assigned`) not yet applied.
    public mutating func takeAssignment(leadID: String) -> String? {
        if assignments.isEmpty { return nil }
        return assignments.removeValue(forKey: leadID)
    }

    /// The account's owner as named by the CRM (`account_assigned`), if any.
    public func accountOwner(accountID: String) -> String? {
        accountOwners[accountID]
    }

    /// When a first touch owed from `from` within `sla` is due (see `RoutingDesk`). On the
    /// business clock the chosen rep's calendar counts; without a rep, a calendar, or working
    /// time within the calendar's search horizon, wall time does.
    public func firstTouchDue(repID: String?, from: Timestamp, sla: Duration, clock: SLAClock) -> FirstTouchDue {
        let wall = FirstTouchDue(at: Timestamp(millisecondsSinceEpoch: from.millisecondsSinceEpoch &+ sla.milliseconds), clock: .wall)
        guard clock == .business, let repID, let i = index[repID], let hours = reps[Int(i)].hours,
              let due = hours.due(from: from, businessDuration: sla) else { return wall }
        return FirstTouchDue(at: due, clock: .business)
    }

    /// The index of a rep id, adding an off-roster record for a new one.
    mutating func intern(_ id: String) -> Int32 {
        if let i = index[id] { return i }
        let i = Int32(reps.count)
        reps.append(RepRecord(id: id, ringDays: ringDays))
        scoresStale = true
        index[id] = i
        let position = sorted.firstIndex { reps[Int($0)].id > id } ?? sorted.count
        sorted.insert(i, at: position)
        if position < holdoutCursor { holdoutCursor += 1 }
        return i
    }

    mutating func countLoad(_ i: Int, at ms: Int64) {
        let day = floorDiv(ms, 86_400_000)
        if day > reps[i].loadDay {
            reps[i].loadDay = day
            reps[i].loadCount = 0
        }
        reps[i].loadCount &+= 1
    }

    /// Slides every rep's windows so `at` is inside today (never backwards).
    mutating func slideAll(to at: Timestamp) {
        clock = Timestamp.latest(clock, at)
        let day = floorDiv(clock.millisecondsSinceEpoch, 86_400_000)
        for i in reps.indices where reps[i].headDay < day {
            reps[i].slide(to: day, shortDays: shortDays)
            scoresStale = true
        }
    }

    /// Rep scores (by rep index) and tiers (0 top third, 1 middle, 2 bottom) from the current
    /// window sums. Tiers rank active roster reps by score, best first, ties by rep id; rank `r`
    /// of `n` gets tier `3r / n` (integer division), so with 1 rep it is top, with 2 top and middle.
    mutating func cachedScoresAndTiers() -> (scores: [Double], tiers: [Int]) {
        if scoresStale || cachedScores.count != reps.count {
            refreshScoresAndTiers()
            scoresStale = false
        }
        return (cachedScores, cachedTiers)
    }

    /// Recomputes `cachedScores` and `cachedTiers` in place (the previous routing's references
    /// to them are gone, so no array is allocated), ranking on the stack.
    private mutating func refreshScoresAndTiers() {
        var teamLongS: UInt64 = 0, teamLongN: UInt64 = 0, teamShortS: UInt64 = 0, teamShortN: UInt64 = 0
        for i in reps.indices {
            teamLongS += reps[i].longSuccesses; teamLongN += reps[i].longTrials
            teamShortS += reps[i].shortSuccesses; teamShortN += reps[i].shortTrials
        }
        let prior = routing.priorStrength
        let teamLong = teamLongN == 0 ? routing.defaultTeamRate : Double(teamLongS) / Double(teamLongN)
        let teamShort = teamShortN == 0 ? routing.defaultTeamRate : Double(teamShortS) / Double(teamShortN)
        if cachedScores.count != reps.count {
            cachedScores = [Double](repeating: 0, count: reps.count)
            cachedTiers = [Int](repeating: 2, count: reps.count)
        }
        for i in reps.indices {
            // By index: binding the `RepRecord` would copy it (its arrays retained and released).
            let longTrials = Double(reps[i].longTrials), shortTrials = Double(reps[i].shortTrials)
            let long = (Double(reps[i].longSuccesses) + prior * teamLong) / (longTrials + prior)
            let short = (Double(reps[i].shortSuccesses) + prior * teamShort) / (shortTrials + prior)
            var score = routing.longWeight * (prior + longTrials > 0 ? long : teamLong)
                + routing.shortWeight * (prior + shortTrials > 0 ? short : teamShort)
            if routing.sla.breachWeight > 0 && reps[i].shortBreaches > 0 {
                let b = Double(reps[i].shortBreaches)
                score -= routing.sla.breachWeight * b / (b + max(1, prior))
            }
            cachedScores[i] = score
            cachedTiers[i] = 2
        }
        // Active roster reps in rep id order, then by score, best first; the rep id order breaks
        // score ties (the comparison is a total order, so any sort gives the same ranking).
        withUnsafeTemporaryAllocation(of: (score: Double, position: Int, rep: Int).self, capacity: sorted.count) { ranked in
            var n = 0
            for position in sorted.indices {
                let i = Int(sorted[position])
                guard reps[i].active && reps[i].onRoster else { continue }
                ranked.initializeElement(at: n, to: (cachedScores[i], position, i))
                n += 1
            }
            var entries = UnsafeMutableBufferPointer(rebasing: ranked[..<n])
            entries.sort { lhs, rhs in lhs.score != rhs.score ? lhs.score > rhs.score : lhs.position < rhs.position }
            for rank in 0..<n { cachedTiers[entries[rank].rep] = 3 * rank / n }
        }
    }
}
