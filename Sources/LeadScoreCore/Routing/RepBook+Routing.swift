extension RepBook {
    /// See `RoutingDesk.reroute`.
    public mutating func reroute(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                                 holdout: Bool, excluding: [String]) -> RoutingDecision {
        route(bucket: bucket, at: at, country: country, region: region, currentOwner: nil, accountID: nil,
              accountOwner: nil, holdout: holdout, excluding: excluding)
    }

    /// Routes a lead entering (or changing) rep bucket `bucket` at `at`. Rules in precedence
    /// order (the decision's `rule` names the one that chose):
    ///
    /// - Sticky: a current owner that is on the roster, active, available and allowed for the
    ///   territory keeps the lead whatever its tier and without consuming capacity again (so also
    ///   when it is at capacity: keeping a lead it already has adds nothing to its load).
    /// - Account owner: else, when the lead's account has an owner (the CRM's `account_assigned`,
    ///   else `accountOwner`, the one the lead's partition learned by routing) and that rep is
    ///   eligible (active, available, under today's capacity, territory allowed), it gets the
    ///   lead. A learned owner must also be in the tier group rep-score routing would use (so
    ///   the rep of an account's first lead, often a C lead routed to any tier, does not take the
    ///   account's A leads from the top tier). The CRM's owner binds holdout leads too (a
    ///   business rule, like `lead_assigned`); the lead book passes no learned owner for a
    ///   holdout lead (learning is model policy).
    /// - Holdout leads skip tiers and scores: the first eligible rep at or after the round-robin
    ///   cursor (rep id order) gets the lead.
    /// - Otherwise eligible reps are grouped by tier. `A` takes the top tier, else the middle,
    ///   else the bottom; `B` takes the top two tiers, else the bottom (a lead is better served by
    ///   any rep than by none: an unrouted lead waits for its next bucket change); `C` takes any
    ///   tier. Within the group the rep with the highest `score / (1 + load today)` wins, ties to
    ///   the lower rep id.
    /// - Working hours, `A` leads only: within the chosen tier group (or the round-robin), reps
    ///   inside their working hours at `at` come first; the reps off hours that would have been
    ///   chosen before the working one are listed `off_hours`. If none is working, the usual
    ///   choice applies. Reps without a calendar are always working.
    /// The chosen rep's load for the UTC day of `at` is incremented (unless sticky).
    public mutating func route(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                               currentOwner: String?, accountID: String? = nil, accountOwner: String? = nil,
                               holdout: Bool) -> RoutingDecision {
        route(bucket: bucket, at: at, country: country, region: region, currentOwner: currentOwner, accountID: accountID,
              accountOwner: accountOwner, holdout: holdout, excluding: [])
    }

    /// Both entry points: `excluding` lists the reps a re-route must pass over (empty for a
    /// routing). Each step below marks the statuses of the reps it passes over and returns its
    /// choice, or nil to leave the lead to the next step.
    mutating func route(bucket: Bucket, at: Timestamp, country: String?, region: String?, currentOwner: String?,
                        accountID: String?, accountOwner: String?, holdout: Bool, excluding: [String]) -> RoutingDecision {
        slideAll(to: at)
        let day = floorDiv(at.millisecondsSinceEpoch, 86_400_000)
        let (scores, tiers) = cachedScoresAndTiers()
        // The statuses live in a scratch array the book keeps between routings (moved out here,
        // back at the end), so a routing allocates only the candidate list it returns.
        var status: [RoutingCandidate.Status] = []
        swap(&status, &statusScratch)
        defer { swap(&status, &statusScratch) }
        eligibility(at: at, day: day, country: country, region: region, excluding: excluding, into: &status)
        let groups = Self.tierGroups(bucket)
        // Only A leads look at working hours; the others never ask a calendar.
        let preferWorking = bucket == .a
        let crmOwner = accountID.flatMap { accountOwners[$0] }
        let owningRep = crmOwner ?? accountOwner
        let choice = keepOwner(currentOwner, &status)
            ?? giveToAccountOwner(owningRep, bindsAnyTier: crmOwner != nil, groups: groups, tiers: tiers, &status)
            ?? (holdout ? roundRobin(preferWorking: preferWorking, at: at, &status)
                        : bestByRepScore(groups: groups, scores: scores, tiers: tiers, day: day,
                                         preferWorking: preferWorking, at: at, &status))
        return decide(choice, status: &status, scores: scores, tiers: tiers, day: day, at: at, accountOwner: owningRep)
    }

    /// The rep a routing step chose, and how.
    struct RoutingChoice {
        var rep: Int
        var rule: RoutingRule
        var sticky = false
    }

    /// Tier groups a bucket tries, in order (0 top third, 1 middle, 2 bottom). Constants, so a
    /// routing does not allocate the nested arrays again.
    static func tierGroups(_ bucket: Bucket) -> [[Int]] {
        switch bucket {
        case .a: tierGroupsA
        case .b: tierGroupsB
        default: tierGroupsAny
        }
    }

    private static let tierGroupsA = [[0], [1], [2]]
    private static let tierGroupsB = [[0, 1], [2]]
    private static let tierGroupsAny = [[0, 1, 2]]

    /// Every rep's eligibility at `at`: `.lowerScore` (the placeholder of an eligible rep no step
    /// has chosen or passed over yet) or why it cannot take the lead, checked in the order the
    /// model documents.
    func eligibility(at: Timestamp, day: Int64, country: String?, region: String?,
                     excluding: [String], into status: inout [RoutingCandidate.Status]) {
        let ms = at.millisecondsSinceEpoch
        status.removeAll(keepingCapacity: true)
        status.append(contentsOf: repeatElement(.lowerScore, count: reps.count))
        // By index: binding each `RepRecord` to a name would copy it (its arrays retained and
        // released) once per rep per routing.
        for i in reps.indices {
            if !excluding.isEmpty && excluding.contains(reps[i].id) {
                status[i] = .slaBreached
            } else if !reps[i].active || !reps[i].onRoster {
                status[i] = .inactive
            } else if !reps[i].isAvailable(at: ms) {
                status[i] = .unavailable
            } else if !allowed(i, country: country, region: region) {
                status[i] = .territory
            } else if reps[i].load(onDay: day) >= reps[i].capacityPerDay {
                status[i] = .atCapacity
            }
        }
    }

    /// The rep has no territories, or the lead's country or region is one of them.
    func allowed(_ i: Int, country: String?, region: String?) -> Bool {
        reps[i].territories.isEmpty
            || (country.map { reps[i].territories.contains($0) } ?? false)
            || (region.map { reps[i].territories.contains($0) } ?? false)
    }

    /// Sticky ownership: the current owner keeps the lead if it is eligible or only at capacity.
    func keepOwner(_ owner: String?, _ status: inout [RoutingCandidate.Status]) -> RoutingChoice? {
        guard let owner, let o = index[owner].map(Int.init), status[o] == .lowerScore || status[o] == .atCapacity else {
            return nil
        }
        for i in reps.indices where status[i] == .lowerScore { status[i] = .ownerKept }
        return RoutingChoice(rep: o, rule: .stickyOwner, sticky: true)
    }

    /// The account's owner, when eligible. A learned owner (`bindsAnyTier` false) must also sit
    /// in the tier group rep-score routing would use (the first with an eligible rep): a C lead's
    /// rep, which may be of any tier, does not take the account's A leads from the top tier. The
    /// CRM's owner is a business decision and needs only to be eligible.
    func giveToAccountOwner(_ owner: String?, bindsAnyTier: Bool, groups: [[Int]], tiers: [Int],
                                     _ status: inout [RoutingCandidate.Status]) -> RoutingChoice? {
        guard let owner, let o = index[owner].map(Int.init), status[o] == .lowerScore else { return nil }
        if !bindsAnyTier {
            let group = groups.first { g in reps.indices.contains { status[$0] == .lowerScore && g.contains(tiers[$0]) } }
            guard group?.contains(tiers[o]) ?? false else { return nil }
        }
        for i in reps.indices where status[i] == .lowerScore && i != o { status[i] = .accountOwned }
        return RoutingChoice(rep: o, rule: .accountOwner)
    }

    /// Holdout: the first eligible rep at or after the round-robin cursor (working ones first
    /// when `preferWorking`); the cursor moves past it.
    mutating func roundRobin(preferWorking: Bool, at: Timestamp, _ status: inout [RoutingCandidate.Status]) -> RoutingChoice? {
        let n = sorted.count
        for workingOnly in preferWorking ? [true, false] : [false] {
            var skipped: [Int] = []
            for step in 0..<n {
                let position = (holdoutCursor + step) % n
                let i = Int(sorted[position])
                guard status[i] == .lowerScore else { continue }
                if workingOnly && !reps[i].isWorking(at: at) {
                    skipped.append(i)
                    continue
                }
                holdoutCursor = (position + 1) % n
                // Reps the round-robin reached first but passed over for being off hours.
                for s in skipped { status[s] = .offHours }
                return RoutingChoice(rep: i, rule: .holdoutRoundRobin)
            }
        }
        return nil
    }

    /// Rep score: the first tier group with an eligible rep, and in it the best
    /// `score / (1 + load today)` (ties to the lower rep id), a working rep first when
    /// `preferWorking`. Eligible reps outside the group become `lower_tier`.
    func bestByRepScore(groups: [[Int]], scores: [Double], tiers: [Int], day: Int64, preferWorking: Bool, at: Timestamp,
                        _ status: inout [RoutingCandidate.Status]) -> RoutingChoice? {
        func value(_ i: Int) -> Double { scores[i] / (1 + Double(reps[i].load(onDay: day))) }
        for group in groups {
            guard let any = best(in: group, tiers: tiers, status: status, value: value, workingOnly: nil) else { continue }
            var pick = any.rep
            if preferWorking, !reps[pick].isWorking(at: at),
               let inHours = best(in: group, tiers: tiers, status: status, value: value, workingOnly: at) {
                pick = inHours.rep
                for i in inHours.passedOver { status[i] = .offHours }
            }
            for i in reps.indices where status[i] == .lowerScore && !group.contains(tiers[i]) {
                status[i] = .lowerTier
            }
            return RoutingChoice(rep: pick, rule: .repScore)
        }
        return nil
    }

    /// The best eligible rep of a tier group by `value` (ties to the lower rep id). With
    /// `workingOnly`, only reps working at that moment count, and the off-hours reps that rank
    /// above the one chosen are returned as passed over.
    func best(in group: [Int], tiers: [Int], status: [RoutingCandidate.Status], value: (Int) -> Double,
              workingOnly: Timestamp?) -> (rep: Int, passedOver: [Int])? {
        var best: Int?
        var bestValue = -Double.infinity
        var passedOver: [Int] = []
        for position in sorted {
            let i = Int(position)
            guard status[i] == .lowerScore, group.contains(tiers[i]) else { continue }
            let v = value(i)
            guard v > bestValue else { continue }
            if let at = workingOnly, !reps[i].isWorking(at: at) {
                passedOver.append(i)
                continue
            }
            bestValue = v
            best = i
        }
        guard let best else { return nil }
        return (best, passedOver.filter { value($0) > bestValue || ($0 != best && value($0) == bestValue && reps[$0].id < reps[best].id) })
    }

    /// The decision: the chosen rep (its load counted unless sticky), every rep counted by
    /// status, and the reps `routing.candidates_in_event` lists (see `listedPositions`) in rep id
    /// order.
    mutating func decide(_ choice: RoutingChoice?, status: inout [RoutingCandidate.Status], scores: [Double], tiers: [Int],
                         day: Int64, at: Timestamp, accountOwner: String?) -> RoutingDecision {
        let chosen = choice?.rep
        let sticky = choice?.sticky ?? false
        if let chosen {
            status[chosen] = .chosen
            if !sticky { countLoad(chosen, at: at.millisecondsSinceEpoch) }
        }
        let counts = RoutingCandidate.Counts(counting: status)
        // The candidate list reads these through locals: a closure that captured `self` while
        // `listedPositions` borrows it made Swift copy the whole book for the call.
        let reps = self.reps, sorted = self.sorted
        func candidate(_ i: Int) -> RoutingCandidate {
            let load = reps[i].load(onDay: day)
            return RoutingCandidate(repID: reps[i].id, status: status[i], repScore: scores[i], tier: tiers[i],
                                    loadToday: Int(i == chosen && !sticky ? load - 1 : load))
        }
        var candidates: [RoutingCandidate] = []
        if let limit = routing.candidatesInEvent, reps.count > limit {
            listedPositions(limit: limit, status: status, scores: scores, day: day, accountOwner: accountOwner) { listed in
                candidates.reserveCapacity(listed.count)
                for position in listed { candidates.append(candidate(Int(sorted[position]))) }
            }
        } else {
            candidates.reserveCapacity(reps.count)
            for position in sorted { candidates.append(candidate(Int(position))) }
        }
        let reason: String? = chosen == nil ? (reps.isEmpty ? "no reps on the roster" : "no eligible rep") : nil
        return RoutingDecision(repID: chosen.map { reps[$0].id }, sticky: sticky, rule: choice?.rule ?? .none,
                               accountOwner: accountOwner, candidates: candidates, candidateCounts: counts, reason: reason)
    }

    /// Calls `body` with the positions in `sorted` (so in rep id order) of the reps a decision
    /// lists when the roster is longer than `limit` (`routing.candidates_in_event`). Always
    /// listed: the chosen rep, the reps the lead was taken from (`sla_breached`) and the
    /// account's owner. Then, up to `limit` in all, the reps that came closest: eligible ones
    /// (passed over on tier, score, hours or ownership) before the others, each by
    /// `score / (1 + load today)` as rep-score routing weighs them, ties to the lower rep id.
    /// Everything is kept on the stack.
    func listedPositions(limit: Int, status: [RoutingCandidate.Status], scores: [Double], day: Int64, accountOwner: String?,
                         _ body: (UnsafeBufferPointer<Int>) -> Void) {
        let owner = accountOwner.flatMap { index[$0] }.map(Int.init) ?? -1
        typealias Entry = (group: Int, value: Double, position: Int)
        // The always-listed reps first, then the closest others; at most every rep.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: sorted.count) { listed in
            var listedCount = 0
            // The closest `limit` of the others, best first.
            withUnsafeTemporaryAllocation(of: Entry.self, capacity: limit + 1) { closest in
                var count = 0
                for position in sorted.indices {
                    let i = Int(sorted[position])
                    // -1: always listed (the chosen rep, breached reps, the account's owner).
                    let group: Int
                    switch status[i] {
                    case .chosen, .slaBreached: group = -1
                    case .lowerScore, .lowerTier, .offHours, .ownerKept, .accountOwned: group = 0
                    case .inactive, .unavailable, .atCapacity, .territory: group = 1
                    }
                    if group < 0 || i == owner {
                        listed.initializeElement(at: listedCount, to: position)
                        listedCount += 1
                        continue
                    }
                    let value = scores[i] / (1 + Double(reps[i].load(onDay: day)))
                    // Earlier positions win ties, so a new entry goes after every one it does not beat.
                    var at = count
                    while at > 0, group < closest[at - 1].group || (group == closest[at - 1].group && value > closest[at - 1].value) {
                        at -= 1
                    }
                    guard at < limit else { continue }
                    // Shift the worse entries down one (the last falls off past `limit`).
                    var k = min(count, limit - 1)
                    while k > at {
                        closest.initializeElement(at: k, to: closest[k - 1])
                        k -= 1
                    }
                    closest.initializeElement(at: at, to: (group, value, position))
                    count = min(count + 1, limit)
                }
                let room = max(0, limit - listedCount)
                for k in 0..<min(room, count) {
                    listed.initializeElement(at: listedCount, to: closest[k].position)
                    listedCount += 1
                }
            }
            var chosen = UnsafeMutableBufferPointer(rebasing: listed[..<listedCount])
            chosen.sort()
            body(UnsafeBufferPointer(chosen))
        }
    }
}
