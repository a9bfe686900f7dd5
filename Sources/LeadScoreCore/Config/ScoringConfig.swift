/// The whole scoring model and routing policy (SPEC section 2), read from the `scoring:` and
/// `routing:` sections of the configuration file. Every default equals the SPEC.
///
/// Values are validated at load (`validate()`); `version` is a hash of the effective values, so two
/// files that mean the same thing share a version, and every output names it.
public struct ScoringConfig: Sendable, Equatable {
    /// Quality rules.
    public var quality: QualityConfig
    /// Intent rules.
    public var intent: IntentConfig
    /// Score weights and bucket thresholds.
    public var buckets: BucketConfig
    /// Routing policy.
    public var routing: RoutingConfig
    /// Hard disqualifiers (email domain lists).
    public var disqualifiers: DisqualifierConfig
    /// The score's conversion probability by band (`scoring.probability`, written by `leadscore
    /// fit`); empty: none.
    public var probability: ProbabilityTable

    /// The SPEC defaults.
    public init(quality: QualityConfig = .init(), intent: IntentConfig = .init(),
                buckets: BucketConfig = .init(), routing: RoutingConfig = .init(),
                disqualifiers: DisqualifierConfig = .init(), probability: ProbabilityTable = .init()) {
        self.probability = probability
        self.quality = quality
        self.intent = intent
        self.buckets = buckets
        self.routing = routing
        self.disqualifiers = disqualifiers
    }

    /// The SPEC defaults.
    public static let defaults = ScoringConfig()

    /// A stable 16-hex-digit hash (FNV-1a 64) of the effective configuration in canonical form.
    public var version: String {
        var hash = FNV1a64()
        hash.combine(canonicalForm)
        return hash.hexDigest
    }

    /// Checks every rule of the model; returns all problems found (empty when valid).
    public func validate() -> [ConfigError.Problem] {
        var problems: [ConfigError.Problem] = []
        func check(_ ok: Bool, _ path: String, _ reason: @autoclosure () -> String) {
            if !ok { problems.append(.init(path: path, reason: reason())) }
        }
        func finite(_ value: Double, _ path: String, nonNegative: Bool = true) {
            if !value.isFinite {
                problems.append(.init(path: path, reason: "must be a finite number, got \(value)"))
            } else if nonNegative && value < 0 {
                problems.append(.init(path: path, reason: "must not be negative, got \(format(value))"))
            }
        }
        func positive(_ duration: Duration, _ path: String, atMost limit: Duration = ConfigDuration.maximum) {
            let ms = duration.milliseconds
            check(ms > 0, path, "must be positive, got \(ConfigDuration.format(duration))")
            check(ms <= limit.milliseconds, path, "must be at most \(ConfigDuration.format(limit)), got \(ConfigDuration.format(duration))")
        }
        for (i, band) in probability.bands.enumerated() {
            let path = "scoring.probability[\(i)]"
            finite(band.minScore, "\(path).min_score")
            check(band.probability >= 0 && band.probability <= 1, "\(path).probability", "must be within 0...1, got \(format(band.probability))")
            if i > 0 {
                check(band.minScore > probability.bands[i - 1].minScore, "\(path).min_score", "bands must be in strictly increasing order of min_score")
            }
        }
        let q = quality
        let qp = "scoring.quality"
        finite(q.pricePerSeatUSD, "\(qp).price_per_seat_usd")
        finite(q.floorUSD, "\(qp).floor_usd")
        finite(q.premiumMinUSD, "\(qp).tiers.premium.min_deal_value_usd")
        finite(q.goldMinUSD, "\(qp).tiers.gold.min_deal_value_usd")
        finite(q.basicPoints, "\(qp).tiers.basic.points")
        finite(q.premiumPoints, "\(qp).tiers.premium.points")
        finite(q.goldPoints, "\(qp).tiers.gold.points")
        finite(q.industryPoints, "\(qp).target_industries.points")
        finite(q.technographicPoints, "\(qp).technographics.points")
        finite(q.maxPoints, "\(qp).max_points")
        if q.floorUSD.isFinite && q.premiumMinUSD.isFinite && q.goldMinUSD.isFinite {
            check(q.floorUSD <= q.premiumMinUSD && q.premiumMinUSD <= q.goldMinUSD, "\(qp).floor_usd",
                  "floor must not be above the tier thresholds: floor \(format(q.floorUSD)) <= premium \(format(q.premiumMinUSD)) <= gold \(format(q.goldMinUSD))")
        }
        check(q.technographics.count <= 32, "\(qp).technographics.any_of", "at most 32 names, got \(q.technographics.count)")
        for name in q.industryPointsByName.keys.sorted() {
            finite(q.industryPointsByName[name] ?? 0, "\(qp).industry_points.\(name)", nonNegative: false)
        }
        for name in q.technologyPointsByName.keys.sorted() {
            finite(q.technologyPointsByName[name] ?? 0, "\(qp).technology_points.\(name)", nonNegative: false)
        }
        let technographicNames = q.technographicNamesInRules.count
        check(q.technographics.count > 32 || technographicNames <= 32, "\(qp).technology_points",
              "technographics.any_of and technology_points name at most 32 technographics together, got \(technographicNames)")
        for (i, band) in q.employeeBands.enumerated() {
            check(band.minEmployees >= 0, "\(qp).employee_bands[\(i)].min_employees", "must not be negative, got \(band.minEmployees)")
            finite(band.points, "\(qp).employee_bands[\(i)].points")
            if i > 0 {
                check(band.minEmployees > q.employeeBands[i - 1].minEmployees, "\(qp).employee_bands[\(i)].min_employees",
                      "bands must be in strictly increasing order of min_employees")
            }
        }
        let ip = "scoring.intent"
        for signal in Signal.allCases {
            let rule = intent.rule(for: signal)
            let path = "\(ip).signals.\(signal.rawValue)"
            if signal.isNegative {
                finite(rule.weight, "\(path).weight", nonNegative: false)
                check(!(rule.weight > 0), "\(path).weight",
                      "must not be positive (\(signal.rawValue) is a negative signal), got \(format(rule.weight))")
            } else {
                finite(rule.weight, "\(path).weight")
            }
            positive(rule.halfLife, "\(path).half_life")
            if let cap = rule.maxPointsPerDay {
                check(cap.isFinite && cap > 0, "\(path).max_points_per_day", "must be a positive number, got \(format(cap))")
            }
        }
        finite(intent.thirdPartyMaxWeight, "\(ip).third_party.max_weight")
        positive(intent.thirdPartyHalfLife, "\(ip).third_party.half_life")
        finite(intent.maxIntent, "\(ip).max")
        check(!intent.maxIntent.isFinite || intent.maxIntent > 0, "\(ip).max", "must be positive, got \(format(intent.maxIntent))")
        let b = buckets
        let bp = "scoring.buckets"
        finite(b.qualityWeight, "scoring.score.quality_weight")
        finite(b.intentWeight, "scoring.score.intent_weight")
        check(!b.intentWeight.isFinite || b.intentWeight > 0, "scoring.score.intent_weight",
              "must be positive (decay needs intent to count), got \(format(b.intentWeight))")
        finite(b.thresholdA, "\(bp).A")
        finite(b.thresholdB, "\(bp).B")
        finite(b.thresholdC, "\(bp).C")
        finite(b.liftIntent, "\(bp).lift_intent")
        if b.thresholdA.isFinite && b.thresholdB.isFinite && b.thresholdC.isFinite {
            check(b.thresholdA > b.thresholdB && b.thresholdB > b.thresholdC && b.thresholdC > 0, bp,
                  "thresholds must be strictly decreasing A > B > C > 0, got A \(format(b.thresholdA)), B \(format(b.thresholdB)), C \(format(b.thresholdC))")
        }
        let r = routing
        let rp = "routing"
        for (name, cadence) in [("A", r.cadenceA), ("B", r.cadenceB), ("C", r.cadenceC)] {
            check(cadence.calls >= 0, "\(rp).cadences.\(name).calls", "must not be negative, got \(cadence.calls)")
            check(cadence.emails >= 0, "\(rp).cadences.\(name).emails", "must not be negative, got \(cadence.emails)")
            check(cadence.days > 0, "\(rp).cadences.\(name).days", "must be positive, got \(cadence.days)")
            // A year bounds it: the due moment is added to an event time, and a business-clock
            // SLA is searched for within about a year of working calendar (`WorkingHours`).
            positive(cadence.firstTouchSLA, "\(rp).cadences.\(name).first_touch_sla", atMost: RoutingConfig.maxFirstTouchSLA)
        }
        check(r.holdoutShare.isFinite && r.holdoutShare >= 0 && r.holdoutShare <= 1, "\(rp).holdout_share",
              "must be within 0...1, got \(format(r.holdoutShare))")
        let longMS = r.longWindow.milliseconds
        let shortMS = r.shortWindow.milliseconds
        check(longMS > 0 && longMS % 86_400_000 == 0 && longMS <= 3660 * 86_400_000, "\(rp).rep_score.long_window",
              "must be a positive whole number of days up to 3660d, got \(ConfigDuration.format(r.longWindow))")
        check(shortMS > 0 && shortMS % 86_400_000 == 0 && shortMS <= longMS, "\(rp).rep_score.short_window",
              "must be a positive whole number of days not longer than long_window, got \(ConfigDuration.format(r.shortWindow))")
        finite(r.priorStrength, "\(rp).rep_score.prior_strength")
        check(!r.defaultTeamRate.isFinite || (r.defaultTeamRate >= 0 && r.defaultTeamRate <= 1), "\(rp).rep_score.default_team_rate",
              "must be within 0...1, got \(format(r.defaultTeamRate))")
        finite(r.defaultTeamRate, "\(rp).rep_score.default_team_rate")
        finite(r.longWeight, "\(rp).rep_score.long_weight")
        finite(r.shortWeight, "\(rp).rep_score.short_weight")
        let dp = "scoring.disqualifiers"
        for (key, list) in [("personal_domains", disqualifiers.personalDomains),
                            ("competitor_domains", disqualifiers.competitorDomains),
                            ("student_domains", disqualifiers.studentDomains)] {
            for (k, entry) in list.enumerated() {
                let name = DisqualifierConfig.normalized(entry)
                check(!name.isEmpty && !name.hasPrefix(".") && !name.contains("@") && !name.contains(where: \.isWhitespace),
                      "\(dp).\(key)[\(k)]", "must be a domain or domain suffix such as gmail.com or edu, got '\(entry)'")
            }
        }
        if let n = r.candidatesInEvent {
            check(n >= 1, "\(rp).candidates_in_event", "must be at least 1 (the chosen rep) or all, got \(n)")
        }
        check(r.sla.maxReroutes >= 0 && r.sla.maxReroutes <= 10, "\(rp).sla.max_reroutes",
              "must be within 0...10, got \(r.sla.maxReroutes)")
        check(!YAMLFields.isBlank(r.sla.escalateTo) && r.sla.escalateTo.utf8.count <= 256, "\(rp).sla.escalate_to",
              "must be a non-blank name of at most 256 bytes")
        check(r.sla.breachWeight.isFinite && r.sla.breachWeight >= 0 && r.sla.breachWeight <= 1, "\(rp).sla.breach_weight",
              "must be within 0...1, got \(format(r.sla.breachWeight))")
        return problems
    }
}

/// Shortest round-trip text of a number for messages, the canonical form and written configuration files.
package func format(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}
