extension RepBook {
    /// Routes a lead entering (or changing) rep bucket `bucket` at `at`.
    ///
    /// - Sticky: a current owner that is on the roster, active, available and allowed for the
    ///   territory keeps the lead whatever its tier and without consuming capacity again.
    /// - Otherwise eligible reps (active, available, under today's capacity, territory allowed)
    ///   are grouped by tier. `A` takes the top tier, else the middle, else the bottom; `B` takes
    ///   the top two tiers, else the bottom (a lead is better served by any rep than by none);
    ///   `C` takes any tier. Within the group the rep with the highest `score / (1 + load today)`
    ///   wins, ties to the lower rep id.
    /// - Holdout leads skip tiers and scores: the first eligible rep at or after the round-robin
    ///   cursor (rep id order) gets the lead.
    /// The chosen rep's load for the UTC day of `at` is incremented (unless sticky).
    public mutating func route(bucket: Bucket, at: Timestamp, country: String?, region: String?,
                               currentOwner: String?, holdout: Bool) -> RoutingDecision {
        slideAll(to: at)
        let ms = at.millisecondsSinceEpoch
        let day = floorDiv(ms, 86_400_000)
        let (scores, tiers) = cachedScoresAndTiers()
        var status = [RoutingCandidate.Status](repeating: .lowerScore, count: reps.count)
        func allowed(_ rep: RepRecord) -> Bool {
            rep.territories.isEmpty
                || (country.map { rep.territories.contains($0) } ?? false)
                || (region.map { rep.territories.contains($0) } ?? false)
        }
        for (i, rep) in reps.enumerated() {
            if !rep.active || !rep.onRoster {
                status[i] = .inactive
            } else if !rep.isAvailable(at: ms) {
                status[i] = .unavailable
            } else if !allowed(rep) {
                status[i] = .territory
            } else if rep.load(onDay: day) >= rep.capacityPerDay {
                status[i] = .atCapacity
            }
        }
        var chosen: Int?
        var sticky = false
        if let owner = currentOwner, let o = index[owner].map(Int.init),
           status[o] == .lowerScore || status[o] == .atCapacity {
            chosen = o
            sticky = true
            for i in reps.indices where status[i] == .lowerScore { status[i] = .ownerKept }
        } else if holdout {
            let n = sorted.count
            for step in 0..<n {
                let position = (holdoutCursor + step) % n
                let i = Int(sorted[position])
                if status[i] == .lowerScore {
                    chosen = i
                    holdoutCursor = (position + 1) % n
                    break
                }
            }
        } else {
            let groups: [[Int]] = switch bucket {
            case .a: [[0], [1], [2]]
            case .b: [[0, 1], [2]]
            default: [[0, 1, 2]]
            }
            for group in groups {
                var best: Int?
                var bestValue = -Double.infinity
                for position in sorted {
                    let i = Int(position)
                    guard status[i] == .lowerScore, group.contains(tiers[i]) else { continue }
                    let value = scores[i] / (1 + Double(reps[i].load(onDay: day)))
                    if value > bestValue {
                        bestValue = value
                        best = i
                    }
                }
                if let best {
                    chosen = best
                    for i in reps.indices where status[i] == .lowerScore && !group.contains(tiers[i]) {
                        status[i] = .lowerTier
                    }
                    break
                }
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
        return RoutingDecision(repID: chosen.map { reps[$0].id }, sticky: sticky, candidates: candidates, reason: reason)
    }
}
