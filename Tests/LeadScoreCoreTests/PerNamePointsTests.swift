import Testing
@testable import LeadScoreCore

/// `quality.industry_points` and `quality.technology_points`: points per industry and per
/// technographic, negative ones included, which the target list and the any-of rule cannot say
/// (what `leadscore fit` learns). Added later, so every configuration without them keeps its
/// version and its scores.
@Suite("Points per industry and technographic")
struct PerNamePointsTests {
    static let yaml = """
    scoring:
      quality:
        industry_points: {retail: -12.5, education: 4, software: 20}
        technology_points: {zendesk: 6, excel: -40, salesforce: 2}
    """

    @Test func readFromYAMLAndPartOfTheVersionOnlyWhenPresent() throws {
        let config = try ScoringConfig(yaml: Self.yaml)
        #expect(config.quality.industryPointsByName == ["retail": -12.5, "education": 4, "software": 20])
        #expect(config.quality.technologyPointsByName == ["zendesk": 6, "excel": -40, "salesforce": 2])
        #expect(config.version != ScoringConfig().version)
        var stripped = config
        stripped.quality.industryPointsByName = [:]
        stripped.quality.technologyPointsByName = [:]
        #expect(stripped.version == ScoringConfig().version)
        // Key order in the file does not change the version.
        let reordered = try ScoringConfig(yaml: """
        scoring:
          quality:
            technology_points: {salesforce: 2, excel: -40, zendesk: 6}
            industry_points: {software: 20, education: 4, retail: -12.5}
        """)
        #expect(reordered.version == config.version)
        // Names: the any-of list's positions first, then the others sorted.
        #expect(config.quality.technographicNamesInRules == ["salesforce", "hubspot", "snowflake", "segment", "excel", "zendesk"])
    }

    static let thirtyNames: String = (0..<30).map { "t\($0): 1" }.joined(separator: ", ")

    @Test("bad values are reported with their field path", arguments: [
        ("scoring:\n  quality:\n    industry_points: {retail: lots}", "scoring.quality.industry_points.retail: must be a number"),
        ("scoring:\n  quality:\n    technology_points: {excel: .nan}", "scoring.quality.technology_points.excel: must be a finite number"),
        ("scoring:\n  quality:\n    industry_points: [retail]", "scoring.quality.industry_points: must be a mapping"),
        ("scoring:\n  quality:\n    technology_points: {\(PerNamePointsTests.thirtyNames)}",
         "scoring.quality.technology_points: technographics.any_of and technology_points name at most 32 technographics together, got 34"),
    ])
    func validationErrors(yaml: String, expected: String) {
        #expect {
            try ScoringConfig(yaml: yaml)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.problems.contains { $0.description.hasPrefix(expected) }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var industry: String
        var techs: [String]
        var industryPoints: Double
        var technographicPoints: Double
        var quality: Double
        var testDescription: String { "\(industry) \(techs)" }
    }

    static let cases: [Case] = [
        // Own points win over the target list's 15.
        Case(industry: "software", techs: ["salesforce"], industryPoints: 20, technographicPoints: 17, quality: 77),
        // Still a target industry; any-of 15 + zendesk 6.
        Case(industry: "healthcare", techs: ["hubspot", "zendesk"], industryPoints: 15, technographicPoints: 21, quality: 76),
        // 40 - 12.5 - 40 < 0: floored.
        Case(industry: "retail", techs: ["excel"], industryPoints: -12.5, technographicPoints: -40, quality: 0),
        Case(industry: "education", techs: [], industryPoints: 4, technographicPoints: 0, quality: 44),
        // Any-of 15 - 40.
        Case(industry: "energy", techs: ["excel", "segment"], industryPoints: 0, technographicPoints: -25, quality: 15),
    ]

    /// Quality = tier + industry + technographics + band, capped at max_points and floored at 0;
    /// the breakdown's parts add up to it.
    @Test("quality and its breakdown", arguments: cases)
    func quality(_ c: Case) throws {
        var config = try ScoringConfig(yaml: Self.yaml)
        config.routing.holdoutShare = 0
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        engine.apply(Fixture.profile("L-1", at: Fixture.t0, deal: 20_000, industry: c.industry, techno: c.techs), into: &out)
        let view = try #require(engine.leads.view(leadID: "L-1"))
        #expect(view.breakdown.industryPoints == c.industryPoints)
        #expect(view.breakdown.technographicPoints == c.technographicPoints)
        #expect(view.quality == c.quality)
    }

    /// A snapshot written under the rules and read under the same rules gives the same qualities,
    /// and one read under the built-in rules scores as a fresh replay under them (names off the
    /// built-in list are not kept, as for any change of list).
    @Test func snapshotRoundTrip() throws {
        let config = try ScoringConfig(yaml: Self.yaml)
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        let profiles = [
            Fixture.profile("L-1", at: Fixture.t0, deal: 20_000, industry: "retail", techno: ["zendesk", "salesforce"]),
            Fixture.profile("L-2", at: Fixture.t0, deal: 60_000, industry: "education", techno: ["excel"]),
        ]
        for event in profiles { engine.apply(event, into: &out) }
        var bytes: [UInt8] = []
        engine.leads.serialize(into: &bytes)
        let same = try LeadBook(deserializing: bytes, config: config)
        for id in ["L-1", "L-2"] { #expect(same.view(leadID: id)?.quality == engine.leads.view(leadID: id)?.quality) }
        let builtIn = try LeadBook(deserializing: bytes, config: ScoringConfig())
        var fresh = ScoringEngine(config: ScoringConfig())
        for event in profiles { fresh.apply(event, into: &out) }
        for id in ["L-1", "L-2"] { #expect(builtIn.view(leadID: id)?.quality == fresh.leads.view(leadID: id)?.quality) }
        #expect(same.view(leadID: "L-1")?.quality == 40 - 12.5 + 15 + 6 + 2)
    }
}
