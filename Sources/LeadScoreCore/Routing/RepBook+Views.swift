extension RepBook {
    /// The leaderboard at a moment (windows slid to it on a copy; the book is not changed): reps
    /// active on the roster first, then the others (inactive or not on the roster, with no tier),
    /// each part best rep score first, ties by rep id.
    public func leaderboard(at: Timestamp) -> [RepView] {
        var copy = self
        copy.slideAll(to: at)
        let (scores, tiers) = copy.cachedScoresAndTiers()
        let ms = at.millisecondsSinceEpoch
        let day = floorDiv(ms, 86_400_000)
        var teamLongS: UInt64 = 0, teamLongN: UInt64 = 0, teamShortS: UInt64 = 0, teamShortN: UInt64 = 0
        for rep in copy.reps {
            teamLongS += rep.longSuccesses; teamLongN += rep.longTrials
            teamShortS += rep.shortSuccesses; teamShortN += rep.shortTrials
        }
        let prior = routing.priorStrength
        let teamLong = teamLongN == 0 ? routing.defaultTeamRate : Double(teamLongS) / Double(teamLongN)
        let teamShort = teamShortN == 0 ? routing.defaultTeamRate : Double(teamShortS) / Double(teamShortN)
        var rows: [RepView] = []
        for position in copy.sorted {
            let i = Int(position)
            let rep = copy.reps[i]
            let longDen = Double(rep.longTrials) + prior
            let shortDen = Double(rep.shortTrials) + prior
            let active = rep.active && rep.onRoster
            rows.append(RepView(
                repID: rep.id, name: rep.name, active: active, onRoster: rep.onRoster, available: rep.isAvailable(at: ms),
                unavailableUntil: rep.available ? nil : rep.unavailableUntil.map(Timestamp.init(millisecondsSinceEpoch:)),
                repScore: scores[i],
                longRate: longDen > 0 ? (Double(rep.longSuccesses) + prior * teamLong) / longDen : teamLong,
                shortRate: shortDen > 0 ? (Double(rep.shortSuccesses) + prior * teamShort) / shortDen : teamShort,
                longTrials: Int(rep.longTrials), longConversions: Int(rep.longSuccesses), tier: active ? tiers[i] : nil,
                loadToday: Int(rep.load(onDay: day)), capacityPerDay: Int(rep.capacityPerDay), territories: rep.territories,
                slaBreaches: Int(rep.totalBreaches), slaBreachesShort: Int(rep.shortBreaches)))
        }
        return rows.enumerated().sorted { lhs, rhs in
            let l = lhs.element, r = rhs.element
            if l.active != r.active { return l.active }
            return l.repScore != r.repScore ? l.repScore > r.repScore : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
