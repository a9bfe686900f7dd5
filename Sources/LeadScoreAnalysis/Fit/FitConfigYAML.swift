import LeadScoreCore

/// The fitted configuration as a file `run`, `replay --config` and `config check` load.
public enum FitConfigYAML {
    /// The `scoring:` section, complete (every value spelled out, business rules as they were).
    public static func scoringSection(_ c: ScoringConfig) -> String {
        let q = c.quality
        var y = "scoring:\n"
        y += "  quality:\n"
        y += "    price_per_seat_usd: \(number(q.pricePerSeatUSD))\n"
        y += "    floor_usd: \(number(q.floorUSD))\n"
        y += "    tiers:\n"
        y += "      gold: {min_deal_value_usd: \(number(q.goldMinUSD)), points: \(number(q.goldPoints))}\n"
        y += "      premium: {min_deal_value_usd: \(number(q.premiumMinUSD)), points: \(number(q.premiumPoints))}\n"
        y += "      basic: {points: \(number(q.basicPoints))}\n"
        y += "    target_industries: {points: \(number(q.industryPoints)), industries: \(list(q.targetIndustries))}\n"
        y += "    technographics: {points: \(number(q.technographicPoints)), any_of: \(list(q.technographics))}\n"
        if !q.industryPointsByName.isEmpty {
            y += "    industry_points:                 # points per industry (the target list's rule for the others)\n"
            for name in q.industryPointsByName.keys.sorted() { y += "      \(quoted(name)): \(number(q.industryPointsByName[name] ?? 0))\n" }
        }
        if !q.technologyPointsByName.isEmpty {
            y += "    technology_points:               # points per technographic used, added up\n"
            for name in q.technologyPointsByName.keys.sorted() { y += "      \(quoted(name)): \(number(q.technologyPointsByName[name] ?? 0))\n" }
        }
        y += "    employee_bands:\(q.employeeBands.isEmpty ? " []" : "")\n"
        for band in q.employeeBands { y += "      - {min_employees: \(band.minEmployees), points: \(number(band.points))}\n" }
        y += "    max_points: \(number(q.maxPoints))\n"
        y += "  intent:\n"
        y += "    max: \(number(c.intent.maxIntent))\n"
        y += "    signals:\n"
        for signal in Signal.allCases {
            let r = c.intent.rule(for: signal)
            let cap = r.maxPointsPerDay.map { number($0) } ?? "null"
            y += "      \(signal.rawValue): {weight: \(number(r.weight)), half_life: \(ConfigDuration.format(r.halfLife)), max_points_per_day: \(cap)}\n"
        }
        y += "    third_party: {max_weight: \(number(c.intent.thirdPartyMaxWeight)), half_life: \(ConfigDuration.format(c.intent.thirdPartyHalfLife))}\n"
        y += "  score: {quality_weight: \(number(c.buckets.qualityWeight)), intent_weight: \(number(c.buckets.intentWeight))}\n"
        y += "  buckets: {A: \(number(c.buckets.thresholdA)), B: \(number(c.buckets.thresholdB)), C: \(number(c.buckets.thresholdC)), lift_intent: \(number(c.buckets.liftIntent))}\n"
        if !c.probability.bands.isEmpty {
            y += "  probability:                     # conversion probability by score band, measured by the fit (lead_rescored.probability)\n"
            for band in c.probability.bands { y += "    - {min_score: \(number(band.minScore)), probability: \(number(band.probability))}\n" }
        }
        y += "  disqualifiers:\n"
        y += "    personal_domains: \(list(c.disqualifiers.personalDomains))\n"
        y += "    competitor_domains: \(list(c.disqualifiers.competitorDomains))\n"
        y += "    student_domains: \(list(c.disqualifiers.studentDomains))\n"
        return y
    }

    /// `original` (the starting file's text, or empty) with its top-level `scoring:` section
    /// replaced by `section`; every other section and comment is kept as written.
    public static func replacingScoring(in original: String, with section: String) -> String {
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("scoring:") }) else {
            let base = original.isEmpty || original.hasSuffix("\n") ? original : original + "\n"
            return base + section
        }
        var end = start + 1
        while end < lines.count {
            let line = lines[end]
            if let first = line.first, !first.isWhitespace, first != "#" { break }
            end += 1
        }
        lines.replaceSubrange(start..<end, with: section.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
        return lines.joined(separator: "\n")
    }

    /// Shortest text that reads back as the same number.
    static func number(_ v: Double) -> String { format(v) }

    /// A string JSON-quoted (a YAML double-quoted scalar, so any name reads back as itself).
    static func quoted(_ name: String) -> String {
        var w = JSONWriter()
        w.string(name)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// A flow list of strings, each JSON-quoted (a JSON string is a YAML double-quoted scalar).
    static func list(_ names: [String]) -> String {
        var w = JSONWriter()
        w.beginArray()
        for name in names { w.string(name) }
        w.endArray()
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
