extension RepBook {
    /// See `RoutingDesk.reroute`.
    public mutating func reroute(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                                 holdout: Bool, excluding: [String]) -> RoutingDecision {
        excludedFromRouting = excluding
        defer { excludedFromRouting = [] }
        return route(bucket: bucket, at: at, country: country, region: region, currentOwner: nil, holdout: holdout)
    }

    /// Routes a lead entering (or changing) rep bucket `bucket` at `at`. Rules in precedence
    /// order (the decision's `rule` names the one that chose):
    ///
    /// - Sticky: a current owner that is on the roster, active, available and allowed for the
    ///   territory keeps the lead whatever its tier and without consuming capacity again.
    /// - Account owner: else, when the lead's account has an owner (the CRM's `account_assigned`,
    ///   else `accountOwner`, the one the lead's partition learned by routing) and that rep is
    ///   eligible (active, available, under today's capacity, territory allowed), it gets the
    ///   lead. A learned owner must also be in the tier group rep-score routing would use (so
    ///   the rep of an account's first lead, often a C lead routed to any tier, does not take the
    ///   account's A leads from the top tier). The CRM's owner binds holdout leads too (a
    ///   business rule, like `lead_assigned`); the lead book passes no learned owner for a
    ///   holdout lead (learning is model policy).
    /// - Otherwise eligible reps are grouped by tier. `A` takes the top tier, else the middle,
    ///   else the bottom; `B` takes the top two tiers, else the bottom (a lead is better served by
    ///   any rep than by none); `C` takes any tier. Within the group the rep with the highest
    ///   `score / (1 + load today)` wins, ties to the lower rep id.
    /// - Holdout leads skip tiers and scores: the first eligible rep at or after the round-robin
    ///   cursor (rep id order) gets the lead.
    /// - Working hours, `A` leads only: within the chosen tier group (or the round-robin), reps
    ///   inside their working hours at `at` come first; the reps off hours that would have been
    ///   chosen before the working one are listed `off_hours`. If none is working, the usual
    ///   choice applies. Reps without a calendar are always working.
    /// The chosen rep's load for the UTC day of `at` is incremented (unless sticky).
    public mutating func route(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                               currentOwner: String?, accountID: String? = nil, accountOwner: String? = nil,
                               holdout: Bool) -> RoutingDecision {
        slideAll(to: at)
        let ms = at.millisecondsSinceEpoch
        let day = floorDiv(ms, 86_400_000)
        let (scores, tiers) = cachedScoresAndTiers()
        var status = [RoutingCandidate.Status](repeating: .lowerScore, count: reps.count)
        func allowed(_ i: Int) -> Bool {
            reps[i].territories.isEmpty
                || (country.map { reps[i].territories.contains($0) } ?? false)
                || (region.map { reps[i].territories.contains($0) } ?? false)
        }
        // By index: binding each `RepRecord` to a name would copy it (its arrays retained and
        // released) once per rep per routing.
        for i in reps.indices {
            if !excludedFromRouting.isEmpty && excludedFromRouting.contains(reps[i].id) {
                status[i] = .slaBreached
            } else if !reps[i].active || !reps[i].onRoster {
                status[i] = .inactive
            } else if !reps[i].isAvailable(at: ms) {
                status[i] = .unavailable
            } else if !allowed(i) {
                status[i] = .territory
            } else if reps[i].load(onDay: day) >= reps[i].capacityPerDay {
                status[i] = .atCapacity
            }
        }
        // Only A leads look at working hours; the others never ask a calendar.
        let preferWorking = bucket == .a
        func working(_ i: Int) -> Bool { reps[i].isWorking(at: at) }
        let crmOwner = accountID.flatMap { accountOwners[$0] }
        let owningRep = crmOwner ?? accountOwner
        let groups: [[Int]] = switch bucket {
        case .a: [[0], [1], [2]]
        case .b: [[0, 1], [2]]
        default: [[0, 1, 2]]
        }
        /// A learned owner must also sit in the tier group rep-score routing would use (the
        /// first with an eligible rep): a C lead's rep, which may be of any tier, does not take
        /// the account's A leads from the top tier. The CRM's owner is a business decision and
        /// needs only to be eligible.
        func ownerQualifies(_ o: Int) -> Bool {
            guard status[o] == .lowerScore else { return false }
            if crmOwner != nil { return true }
            let group = groups.first { g in reps.indices.contains { status[$0] == .lowerScore && g.contains(tiers[$0]) } }
            return group?.contains(tiers[o]) ?? false
        }
        var chosen: Int?
        var sticky = false
        var rule = RoutingRule.none
        if let owner = currentOwner, let o = index[owner].map(Int.init),
           status[o] == .lowerScore || status[o] == .atCapacity {
            chosen = o
            sticky = true
            rule = .stickyOwner
            for i in reps.indices where status[i] == .lowerScore { status[i] = .ownerKept }
        } else if let owner = owningRep, let o = index[owner].map(Int.init), ownerQualifies(o) {
            chosen = o
            rule = .accountOwner
            for i in reps.indices where status[i] == .lowerScore && i != o { status[i] = .accountOwned }
        } else if holdout {
            let n = sorted.count
            for pass in preferWorking ? [true, false] : [false] {
                var skipped: [Int] = []
                for step in 0..<n {
                    let position = (holdoutCursor + step) % n
                    let i = Int(sorted[position])
                    guard status[i] == .lowerScore else { continue }
                    if pass && !working(i) {
                        skipped.append(i)
                        continue
                    }
                    chosen = i
                    holdoutCursor = (position + 1) % n
                    break
                }
                if chosen != nil {
                    // Reps the round-robin reached first but passed over for being off hours.
                    for i in skipped { status[i] = .offHours }
                    rule = .holdoutRoundRobin
                    break
                }
            }
        } else {
            func value(_ i: Int) -> Double { scores[i] / (1 + Double(reps[i].load(onDay: day))) }
            /// The best eligible rep of the group (ties to the lower rep id), and the eligible
            /// reps off hours that rank above it when `workingOnly`.
            func best(in group: [Int], workingOnly: Bool) -> (rep: Int, passedOver: [Int])? {
                var best: Int?
                var bestValue = -Double.infinity
                var passedOver: [Int] = []
                for position in sorted {
                    let i = Int(position)
                    guard status[i] == .lowerScore, group.contains(tiers[i]) else { continue }
                    let v = value(i)
                    guard v > bestValue else { continue }
                    if workingOnly && !working(i) {
                        passedOver.append(i)
                        continue
                    }
                    bestValue = v
                    best = i
                }
                guard let best else { return nil }
                return (best, passedOver.filter { value($0) > bestValue || ($0 != best && value($0) == bestValue && reps[$0].id < reps[best].id) })
            }
            for group in groups {
                guard let any = best(in: group, workingOnly: false) else { continue }
                var pick = any.rep
                if preferWorking, !working(pick), let inHours = best(in: group, workingOnly: true) {
                    pick = inHours.rep
                    for i in inHours.passedOver { status[i] = .offHours }
                }
                chosen = pick
                rule = .repScore
                for i in reps.indices where status[i] == .lowerScore && !group.contains(tiers[i]) {
                    status[i] = .lowerTier
                }
                break
            }
        }
        if let chosen {
            status[chosen] = .chosen
            if !sticky { countLoad(chosen, at: ms) }
        }
        var candidates: [RoutingCandidate] = []
        candidates.reserveCapacity(reps.count)
        for position in sorted {
            let i = Int(position)
            let load = reps[i].load(onDay: day)
            candidates.append(RoutingCandidate(
                repID: reps[i].id, status: status[i], repScore: scores[i], tier: tiers[i],
                loadToday: Int(i == chosen && !sticky ? load - 1 : load)))
        }
        let reason: String? = chosen == nil ? (reps.isEmpty ? "no reps on the roster" : "no eligible rep") : nil
        return RoutingDecision(repID: chosen.map { reps[$0].id }, sticky: sticky, rule: rule, accountOwner: owningRep,
                               candidates: candidates, reason: reason)
    }
}
