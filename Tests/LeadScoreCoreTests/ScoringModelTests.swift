import Testing
@testable import LeadScoreCore

@Suite("Scoring model: quality, intent, buckets")
struct ScoringModelTests {
    let model = ScoringModel(config: ScoringConfig())

    @Test("bucket rules", arguments: [
        // (quality, intent, self-serve, expected)
        (100.0, 0.0, false, Bucket.b),          // 60
        (100.0, 25.0, false, Bucket.a),         // 70: A is inclusive
        (100.0, 24.99, false, Bucket.b),        // 69.996
        (50.0, 37.5, false, Bucket.b),          // 45: B is inclusive
        (50.0, 37.4, false, Bucket.c),          // 44.96
        (0.0, 50.0, false, Bucket.c),           // 20: C is inclusive
        (0.0, 49.9, false, Bucket.nurture),     // 19.96
        (0.0, 70.0, false, Bucket.b),           // 28, lifted by intent >= 70
        (0.0, 69.99, false, Bucket.c),          // 27.996, no lift
        (100.0, 70.0, false, Bucket.a),         // the lift never lowers a bucket
        (100.0, 100.0, true, Bucket.selfServe), // below the floor wins over everything
        (0.0, 0.0, false, Bucket.nurture),
    ])
    func bucketRules(quality: Double, intent: Double, selfServe: Bool, expected: Bucket) {
        #expect(model.bucket(selfServe: selfServe, quality: quality, intent: intent) == expected)
    }

    @Test("quality tiers and the floor", arguments: [
        // (deal value, seats, expected bucket, expected quality)
        (4_999.0 as Double?, nil as Int?, Bucket.selfServe, 0.0),
        (5_000.0, nil, Bucket.nurture, 20.0),            // basic: 20 points -> score 12
        (nil, 8, Bucket.selfServe, 0.0),                 // 8 x 600 = 4,800 < floor
        (nil, 9, Bucket.nurture, 20.0),                  // 5,400: basic
        (14_999.0, nil, Bucket.nurture, 20.0),
        (15_000.0, nil, Bucket.c, 40.0),                 // premium: score 24
        (50_000.0, nil, Bucket.c, 60.0),                 // gold: score 36
        (60_000.0, 1, Bucket.c, 60.0),                   // deal value wins over seats
        (nil, nil, Bucket.nurture, 0.0),                 // unknown deal value: no tier, not self-serve
    ])
    func qualityTiers(deal: Double?, seats: Int?, expected: Bucket, quality: Double) {
        var book = LeadBook(config: ScoringConfig())
        var reps = RepBook(config: ScoringConfig())
        var out: [OutputEvent] = []
        book.apply(Fixture.profile("L", at: Fixture.t0, deal: deal, seats: seats), reps: &reps, into: &out)
        let view = book.view(leadID: "L")
        #expect(view?.bucket == expected)
        #expect(view?.quality == quality)
    }

    @Test("quality rule points add up and are capped at 100")
    func qualityCap() {
        var book = LeadBook(config: ScoringConfig())
        var reps = RepBook(config: ScoringConfig())
        var out: [OutputEvent] = []
        book.apply(Fixture.profile("L", at: Fixture.t0, deal: 80_000, industry: "software", employees: 5000,
                                   techno: ["hubspot", "jira"]), reps: &reps, into: &out)
        let view = book.view(leadID: "L")
        // 60 + 15 + 15 + 10 = 100 (the cap is reached exactly); a 40-point industry would be capped.
        #expect(view?.quality == 100)
        #expect(view?.breakdown.tier == "gold")
        #expect(view?.breakdown.employeePoints == 10)
        var config = ScoringConfig()
        config.quality.industryPoints = 40
        var capped = LeadBook(config: config)
        capped.apply(Fixture.profile("L", at: Fixture.t0, deal: 80_000, industry: "software", employees: 60),
                     reps: &reps, into: &out)
        #expect(capped.view(leadID: "L")?.quality == 100)
        #expect(capped.view(leadID: "L")?.breakdown.employeePoints == 5)
    }

    @Test("a 50-point demo request with a 21-day half-life is worth 25 after 21 days, 12.5 after 42")
    func demoRequestHalfLife() {
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("L", .demoRequest, at: Fixture.t0), into: &out)
        #expect(engine.leads.intent(leadID: "L", at: Fixture.t0) == 50)
        #expect(engine.leads.intent(leadID: "L", at: Fixture.at(days: 21)) == 25)
        #expect(engine.leads.intent(leadID: "L", at: Fixture.at(days: 42)) == 12.5)
        // Incremental: a second demo request 21 days later adds 50 to the decayed 25.
        engine.apply(Fixture.engagement("L", .demoRequest, at: Fixture.at(days: 21)), into: &out)
        #expect(engine.leads.intent(leadID: "L", at: Fixture.at(days: 21)) == 75)
        #expect(engine.leads.intent(leadID: "L", at: Fixture.at(days: 42)) == 37.5)
    }

    @Test("intent is capped at 100; weight_multiplier scales the weight")
    func intentCapAndMultiplier() {
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("L", .rfpSubmitted, at: Fixture.t0, multiplier: 2), into: &out)
        #expect(engine.leads.intent(leadID: "L", at: Fixture.t0) == 120)
        #expect(engine.leads.view(leadID: "L")?.intent == 100)
        // 120 x 2^(-30/30) = 60 a half-life later.
        #expect(engine.leads.intent(leadID: "L", at: Fixture.at(days: 30)) == 60)
    }

    @Test("account-level third-party intent counts toward every lead of the account")
    func accountIntent() throws {
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("L2", .emailOpen, at: Fixture.t0, account: "A"), into: &out)
        engine.apply(Fixture.engagement("L1", .emailOpen, at: Fixture.t0, account: "A"), into: &out)
        out.removeAll()
        // Surge 80 -> weight 80/100 x 25 = 20, half-life 14 days.
        engine.apply(Fixture.accountIntent("A", surge: 80, at: Fixture.at(days: 1)), into: &out)
        for lead in ["L1", "L2"] {
            let expected = power2(-1.0 / 3) + 20
            let got = try #require(engine.leads.intent(leadID: lead, at: Fixture.at(days: 1)))
            #expect(abs(got - expected) < 1e-5)
            let later = try #require(engine.leads.intent(leadID: lead, at: Fixture.at(days: 15)))
            #expect(abs(later - (power2(-15.0 / 3) + 10)) < 1e-5)
        }
        // A lead joining the account later sees the account's intent too.
        engine.apply(Fixture.engagement("L3", .emailOpen, at: Fixture.at(days: 15), account: "A"), into: &out)
        let joined = try #require(engine.leads.intent(leadID: "L3", at: Fixture.at(days: 15)))
        #expect(abs(joined - 11) < 1e-5)
    }

    @Test("one enrichment request per lead, only while it has no profile")
    func enrichmentOnce() {
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("L", .webVisit, at: Fixture.t0, account: "A"), into: &out)
        engine.apply(Fixture.engagement("L", .webVisit, at: Fixture.at(hours: 1), account: "A"), into: &out)
        engine.apply(Fixture.profile("M", at: Fixture.t0, deal: 20_000), into: &out)
        engine.apply(Fixture.engagement("M", .webVisit, at: Fixture.at(hours: 1)), into: &out)
        let requests = out.compactMap { if case .enrichmentRequested(let e) = $0 { e } else { nil } }
        #expect(requests.count == 1)
        #expect(requests.first?.leadID == "L")
        #expect(requests.first?.accountID == "A")
        #expect(requests.first?.missing.contains("deal_value_usd") == true)
    }

    @Test("a lead's first event gives its first bucket: a transition from null with seq 1")
    func firstBucket() throws {
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("L", .emailOpen, at: Fixture.t0), into: &out)
        let first = try #require(Fixture.rescored(out).first)
        #expect(first.oldBucket == nil)
        #expect(first.newBucket == .nurture)
        #expect(first.seq == 1)
        #expect(first.idempotencyKey == "L:1")
        #expect(first.cause == .event)
    }
}

