import Yams

extension ScoringConfig {
    /// Parses one YAML document and reads its `scoring:` and `routing:` sections (other top-level
    /// keys belong to the daemon and are ignored). Missing fields keep the SPEC defaults; unknown
    /// fields inside the two sections are errors. Throws every problem found at once.
    public init(yaml: String) throws(ConfigError) {
        let root = try ConfigError.composeYAML(yaml)
        guard let root else {
            self.init()
            return
        }
        var problems: [ConfigError.Problem] = []
        guard var top = YAMLFields(root, path: "(document)", problems: &problems) else {
            throw ConfigError(problems: problems)
        }
        try self.init(scoring: top.take("scoring"), routing: top.take("routing"))
    }

    /// Reads the `scoring:` and `routing:` subtrees of a configuration document the caller has
    /// already parsed (nil: section absent, all defaults). Throws every problem found at once.
    public init(scoring: Node?, routing: Node?) throws(ConfigError) {
        var config = ScoringConfig()
        var problems: [ConfigError.Problem] = []
        if let scoring, var fields = YAMLFields(scoring, path: "scoring", problems: &problems) {
            config.readScoring(&fields, &problems)
        }
        if let routing, var fields = YAMLFields(routing, path: "routing", problems: &problems) {
            config.readRouting(&fields, &problems)
        }
        problems += config.validate()
        if !problems.isEmpty { throw ConfigError(problems: problems) }
        self = config
    }

    private mutating func readScoring(_ f: inout YAMLFields, _ p: inout [ConfigError.Problem]) {
        if var q = f.mapping("quality", &p) {
            q.number("price_per_seat_usd", into: &quality.pricePerSeatUSD, &p)
            q.number("floor_usd", into: &quality.floorUSD, &p)
            if var tiers = q.mapping("tiers", &p) {
                if var gold = tiers.mapping("gold", &p) {
                    gold.number("min_deal_value_usd", into: &quality.goldMinUSD, &p)
                    gold.number("points", into: &quality.goldPoints, &p)
                    gold.reportUnknown(into: &p, known: ["min_deal_value_usd", "points"])
                }
                if var premium = tiers.mapping("premium", &p) {
                    premium.number("min_deal_value_usd", into: &quality.premiumMinUSD, &p)
                    premium.number("points", into: &quality.premiumPoints, &p)
                    premium.reportUnknown(into: &p, known: ["min_deal_value_usd", "points"])
                }
                if var basic = tiers.mapping("basic", &p) {
                    basic.number("points", into: &quality.basicPoints, &p)
                    basic.reportUnknown(into: &p, known: ["points"])
                }
                tiers.reportUnknown(into: &p, known: ["gold", "premium", "basic"])
            }
            if var industries = q.mapping("target_industries", &p) {
                industries.number("points", into: &quality.industryPoints, &p)
                industries.strings("industries", into: &quality.targetIndustries, &p)
                industries.reportUnknown(into: &p, known: ["points", "industries"])
            }
            if var techno = q.mapping("technographics", &p) {
                techno.number("points", into: &quality.technographicPoints, &p)
                techno.strings("any_of", into: &quality.technographics, &p)
                techno.reportUnknown(into: &p, known: ["points", "any_of"])
            }
            if let bands = q.records("employee_bands", fields: ["min_employees", "points"], &p, { band, p in
                var entry = QualityConfig.EmployeeBand(minEmployees: 0, points: 0)
                band.integer("min_employees", into: &entry.minEmployees, &p)
                band.number("points", into: &entry.points, &p)
                return entry
            }) {
                quality.employeeBands = bands
            }
            q.namedNumbers("industry_points", into: &quality.industryPointsByName, &p)
            q.namedNumbers("technology_points", into: &quality.technologyPointsByName, &p)
            q.number("max_points", into: &quality.maxPoints, &p)
            q.reportUnknown(into: &p, known: ["price_per_seat_usd", "floor_usd", "tiers", "target_industries",
                                              "technographics", "industry_points", "technology_points",
                                              "employee_bands", "max_points"])
        }
        if var i = f.mapping("intent", &p) {
            i.number("max", into: &intent.maxIntent, &p)
            if var signals = i.mapping("signals", &p) {
                for name in signals.keys {
                    guard let signal = Signal(rawValue: name) else { continue }
                    guard var rule = signals.mapping(name, &p) else { continue }
                    var value = intent.rule(for: signal)
                    rule.number("weight", into: &value.weight, &p)
                    rule.duration("half_life", into: &value.halfLife, &p)
                    if let node = rule.take("max_points_per_day") {
                        // `null` (or `~`) removes a default cap.
                        if case .scalar(let scalar) = node, ["null", "~", ""].contains(scalar.string) {
                            value.maxPointsPerDay = nil
                        } else if case .scalar(let scalar) = node, let cap = YAMLFields.parseNumber(scalar.string) {
                            value.maxPointsPerDay = cap
                        } else {
                            p.append(.init(path: rule.child("max_points_per_day"),
                                           reason: "must be a number or null, got \(YAMLFields.describe(node))"))
                        }
                    }
                    rule.reportUnknown(into: &p, known: ["weight", "half_life", "max_points_per_day"])
                    intent.signals[signal] = value
                }
                for name in signals.keys where Signal(rawValue: name) == nil {
                    p.append(.init(path: signals.child(name),
                                   reason: "unknown signal (known: \(Signal.allCases.map(\.rawValue).joined(separator: ", ")))"))
                }
            }
            if var third = i.mapping("third_party", &p) {
                third.number("max_weight", into: &intent.thirdPartyMaxWeight, &p)
                third.duration("half_life", into: &intent.thirdPartyHalfLife, &p)
                third.reportUnknown(into: &p, known: ["max_weight", "half_life"])
            }
            i.reportUnknown(into: &p, known: ["max", "signals", "third_party"])
        }
        if var s = f.mapping("score", &p) {
            s.number("quality_weight", into: &buckets.qualityWeight, &p)
            s.number("intent_weight", into: &buckets.intentWeight, &p)
            s.reportUnknown(into: &p, known: ["quality_weight", "intent_weight"])
        }
        if var b = f.mapping("buckets", &p) {
            b.number("A", into: &buckets.thresholdA, &p)
            b.number("B", into: &buckets.thresholdB, &p)
            b.number("C", into: &buckets.thresholdC, &p)
            b.number("lift_intent", into: &buckets.liftIntent, &p)
            b.reportUnknown(into: &p, known: ["A", "B", "C", "lift_intent"])
        }
        if var d = f.mapping("disqualifiers", &p) {
            d.strings("personal_domains", into: &disqualifiers.personalDomains, &p)
            d.strings("competitor_domains", into: &disqualifiers.competitorDomains, &p)
            d.strings("student_domains", into: &disqualifiers.studentDomains, &p)
            d.reportUnknown(into: &p, known: ["personal_domains", "competitor_domains", "student_domains"])
        }
        if let bands = f.records("probability", fields: ["min_score", "probability"], &p, { band, p in
            var entry = ProbabilityTable.Band(minScore: 0, probability: 0)
            band.number("min_score", into: &entry.minScore, &p)
            band.number("probability", into: &entry.probability, &p)
            return entry
        }) {
            probability = ProbabilityTable(bands: bands)
        }
        f.reportUnknown(into: &p, known: ["quality", "intent", "score", "buckets", "disqualifiers", "probability"])
    }

    private mutating func readRouting(_ f: inout YAMLFields, _ p: inout [ConfigError.Problem]) {
        f.number("holdout_share", into: &routing.holdoutShare, &p)
        if var cadences = f.mapping("cadences", &p) {
            func read(_ name: String, _ cadence: inout RoutingConfig.Cadence) {
                guard var c = cadences.mapping(name, &p) else { return }
                c.integer("calls", into: &cadence.calls, &p)
                c.integer("emails", into: &cadence.emails, &p)
                c.integer("days", into: &cadence.days, &p)
                c.duration("first_touch_sla", into: &cadence.firstTouchSLA, &p)
                c.integer("priority", into: &cadence.priority, &p)
                c.choice("sla_clock", into: &cadence.slaClock, &p)
                c.reportUnknown(into: &p, known: ["calls", "emails", "days", "first_touch_sla", "priority", "sla_clock"])
            }
            read("A", &routing.cadenceA)
            read("B", &routing.cadenceB)
            read("C", &routing.cadenceC)
            cadences.reportUnknown(into: &p, known: ["A", "B", "C"])
        }
        if var r = f.mapping("rep_score", &p) {
            r.duration("long_window", into: &routing.longWindow, &p)
            r.duration("short_window", into: &routing.shortWindow, &p)
            r.number("prior_strength", into: &routing.priorStrength, &p)
            r.number("default_team_rate", into: &routing.defaultTeamRate, &p)
            r.number("long_weight", into: &routing.longWeight, &p)
            r.number("short_weight", into: &routing.shortWeight, &p)
            r.reportUnknown(into: &p, known: ["long_window", "short_window", "prior_strength", "default_team_rate",
                                              "long_weight", "short_weight"])
        }
        f.bool("learn_account_owner", into: &routing.learnAccountOwner, &p)
        if let node = f.take("candidates_in_event") {
            if case .scalar(let scalar) = node, scalar.string == "all" {
                routing.candidatesInEvent = nil
            } else if case .scalar(let scalar) = node, let n = Int(scalar.string) {
                routing.candidatesInEvent = n
            } else {
                p.append(.init(path: f.child("candidates_in_event"),
                               reason: "must be a whole number of reps or all, got \(YAMLFields.describe(node))"))
            }
        }
        if var s = f.mapping("sla", &p) {
            s.integer("max_reroutes", into: &routing.sla.maxReroutes, &p)
            s.text("escalate_to", into: &routing.sla.escalateTo, &p)
            s.number("breach_weight", into: &routing.sla.breachWeight, &p)
            s.reportUnknown(into: &p, known: ["max_reroutes", "escalate_to", "breach_weight"])
        }
        f.reportUnknown(into: &p, known: ["holdout_share", "cadences", "rep_score", "learn_account_owner", "sla",
                                          "candidates_in_event"])
    }
}
