extension ScoringConfig {
    /// The effective configuration as text with a fixed field order and exact numbers (the bit
    /// pattern of each double), so equal meanings give equal text and so equal versions.
    var canonicalForm: String {
        var out = "leadscore-scoring-v1;"
        func put(_ key: String, _ value: Double) { out += "\(key)=\(String(value.bitPattern, radix: 16));" }
        func put(_ key: String, _ value: Int) { out += "\(key)=\(value);" }
        func put(_ key: String, _ value: Duration) { out += "\(key)=\(value.milliseconds)ms;" }
        func put(_ key: String, _ values: [String]) { out += "\(key)=[\(values.map { "\($0.utf8.count):\($0)" }.joined(separator: ","))];" }
        let q = quality
        put("q.price", q.pricePerSeatUSD)
        put("q.floor", q.floorUSD)
        put("q.premium.min", q.premiumMinUSD)
        put("q.gold.min", q.goldMinUSD)
        put("q.basic.points", q.basicPoints)
        put("q.premium.points", q.premiumPoints)
        put("q.gold.points", q.goldPoints)
        // Lists that are sets in meaning are sorted so their order in the file does not matter.
        put("q.industries", Array(Set(q.targetIndustries)).sorted())
        put("q.industry.points", q.industryPoints)
        put("q.techno", Array(Set(q.technographics)).sorted())
        put("q.techno.points", q.technographicPoints)
        for band in q.employeeBands {
            put("q.band.\(band.minEmployees)", band.points)
        }
        put("q.max", q.maxPoints)
        for signal in Signal.allCases {
            let rule = intent.rule(for: signal)
            put("i.\(signal.rawValue).w", rule.weight)
            put("i.\(signal.rawValue).h", rule.halfLife)
            if let cap = rule.maxPointsPerDay { put("i.\(signal.rawValue).cap", cap) }
        }
        put("i.tp.w", intent.thirdPartyMaxWeight)
        put("i.tp.h", intent.thirdPartyHalfLife)
        put("i.max", intent.maxIntent)
        let b = buckets
        put("s.qw", b.qualityWeight)
        put("s.iw", b.intentWeight)
        put("b.A", b.thresholdA)
        put("b.B", b.thresholdB)
        put("b.C", b.thresholdC)
        put("b.lift", b.liftIntent)
        let r = routing
        for (name, c) in [("A", r.cadenceA), ("B", r.cadenceB), ("C", r.cadenceC)] {
            put("r.\(name).calls", c.calls)
            put("r.\(name).emails", c.emails)
            put("r.\(name).days", c.days)
            put("r.\(name).sla", c.firstTouchSLA)
            put("r.\(name).priority", c.priority)
            out += "r.\(name).clock=\(c.slaClock.rawValue);"
        }
        put("r.holdout", r.holdoutShare)
        put("r.long", r.longWindow)
        put("r.short", r.shortWindow)
        // Added later: written only when not the default, so existing configurations keep their
        // version.
        if r.sla != RoutingConfig.SLAPolicy() {
            put("r.sla.reroutes", r.sla.maxReroutes)
            put("r.sla.escalate", [r.sla.escalateTo])
            put("r.sla.breach_weight", r.sla.breachWeight)
        }
        put("r.prior", r.priorStrength)
        put("r.team", r.defaultTeamRate)
        put("r.lw", r.longWeight)
        put("r.sw", r.shortWeight)
        let d = disqualifiers
        put("d.personal", Array(Set(d.personalDomains.map(DisqualifierConfig.normalized))).sorted())
        put("d.competitor", Array(Set(d.competitorDomains.map(DisqualifierConfig.normalized))).sorted())
        put("d.student", Array(Set(d.studentDomains.map(DisqualifierConfig.normalized))).sorted())
        put("r.learn_owner", r.learnAccountOwner ? 1 : 0)
        // Added later: written only when present, so existing configurations keep their version.
        for band in probability.bands { put("p.\(String(band.minScore.bitPattern, radix: 16))", band.probability) }
        for name in q.industryPointsByName.keys.sorted() { put("q.industry.\(name.utf8.count):\(name)", q.industryPointsByName[name] ?? 0) }
        for name in q.technologyPointsByName.keys.sorted() { put("q.technology.\(name.utf8.count):\(name)", q.technologyPointsByName[name] ?? 0) }
        return out
    }
}
