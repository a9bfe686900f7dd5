import Testing
@testable import LeadScoreCore

/// Account-owner routing and the `rule` of each decision.
@Suite("Routing: account owners and rules")
struct RouterAccountOwnerTests {
    /// Reps r1 > r2 > r3 by conversion (one per tier).
    static func engine(config: ScoringConfig = Fixture.noHoldout) -> ScoringEngine {
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        for rep in ["r1", "r2", "r3"] { engine.apply(Fixture.roster(rep), into: &out) }
        for (rep, conversions) in [("r1", 8), ("r2", 4), ("r3", 0)] {
            for k in 0..<10 {
                engine.apply(Fixture.outcome(rep, k < conversions ? .converted : .noResponse, at: Fixture.at(days: -10)), into: &out)
            }
        }
        return engine
    }

    static func leadA(_ id: String, account: String?, at time: Timestamp = Fixture.t0) -> [InputEvent] {
        [Fixture.engagement(id, .formFill, at: time, account: account, multiplier: 1.5),
         Fixture.profile(id, at: time, account: account, deal: 80_000, industry: "software", employees: 5000,
                         techno: ["hubspot"], country: "US")]
    }

    static func accountAssigned(_ account: String, _ rep: String, at time: Timestamp = Fixture.t0) -> InputEvent {
        .accountAssigned(AccountAssignedEvent(eventID: "aa-\(account)-\(rep)", occurredAt: time, accountID: account, repID: rep))
    }

    static func statuses(_ routed: LeadRouted) -> [String: RoutingCandidate.Status] {
        Dictionary(uniqueKeysWithValues: routed.candidates.map { ($0.repID, $0.status) })
    }

    @Test("an eligible CRM account owner gets the account's lead, whatever its tier")
    func crmOwnerEligible() throws {
        var engine = Self.engine()
        var out: [OutputEvent] = []
        engine.apply(Self.accountAssigned("ACME", "r3"), into: &out)
        for event in Self.leadA("L", account: "ACME") { engine.apply(event, into: &out) }
        let routed = try #require(Fixture.routed(out).last)
        #expect(routed.repID == "r3")
        #expect(routed.rule == .accountOwner)
        #expect(routed.accountOwner == "r3")
        #expect(!routed.sticky)
        #expect(Self.statuses(routed) == ["r1": .accountOwned, "r2": .accountOwned, "r3": .chosen])
        #expect(engine.reps.leaderboard(at: Fixture.t0).first { $0.repID == "r3" }?.loadToday == 1)
    }

    @Test("an account owner away: normal routing, the owner listed with its status", arguments: [
        ("unavailable", RoutingCandidate.Status.unavailable), ("inactive", .inactive), ("at_capacity", .atCapacity), ("territory", .territory),
    ])
    func ownerAway(_ why: String, _ status: RoutingCandidate.Status) throws {
        var engine = Self.engine()
        var out: [OutputEvent] = []
        engine.apply(Self.accountAssigned("ACME", "r3"), into: &out)
        switch why {
        case "unavailable":
            engine.apply(.repAvailability(RepAvailabilityEvent(eventID: "a", occurredAt: Fixture.t0, repID: "r3", available: false)), into: &out)
        case "inactive": engine.apply(Fixture.roster("r3", active: false), into: &out)
        case "at_capacity": engine.apply(Fixture.roster("r3", capacity: 0), into: &out)
        default: engine.apply(Fixture.roster("r3", territories: ["EMEA"]), into: &out)
        }
        for event in Self.leadA("L", account: "ACME") { engine.apply(event, into: &out) }
        let routed = try #require(Fixture.routed(out).last)
        #expect(routed.repID == "r1")
        #expect(routed.rule == .repScore)
        #expect(routed.accountOwner == "r3")
        #expect(Self.statuses(routed)["r3"] == status)
    }

    @Test("a CRM owner not on the roster is listed inactive")
    func ownerOffRoster() throws {
        var engine = Self.engine()
        var out: [OutputEvent] = []
        engine.apply(Self.accountAssigned("ACME", "ghost"), into: &out)
        for event in Self.leadA("L", account: "ACME") { engine.apply(event, into: &out) }
        let routed = try #require(Fixture.routed(out).last)
        #expect(routed.repID == "r1")
        #expect(Self.statuses(routed)["ghost"] == .inactive)
    }

    @Test("a sticky owner beats the account owner")
    func stickyBeatsAccount() throws {
        var engine = Self.engine()
        var out: [OutputEvent] = []
        // C first: r1 (and r1 becomes ACME's learned owner), then the CRM names r3, then A.
        engine.apply(Fixture.profile("L", at: Fixture.t0, account: "ACME", deal: 15_000), into: &out)
        engine.apply(Self.accountAssigned("ACME", "r3", at: Fixture.at(hours: 1)), into: &out)
        engine.apply(Fixture.profile("L", at: Fixture.at(hours: 1), account: "ACME", deal: 80_000, industry: "software",
                                     techno: ["segment"]), into: &out)
        let routed = Fixture.routed(out)
        #expect(routed.map(\.rule) == [.repScore, .stickyOwner])
        #expect(routed.map(\.repID) == ["r1", "r1"])
        #expect(routed[1].accountOwner == "r3")
        #expect(Self.statuses(routed[1])["r3"] == .ownerKept)
    }

    @Test("lead_assigned beats the account owner, and the rule says crm_assignment, then sticky_owner")
    func leadAssignedBeatsAccount() throws {
        var engine = Self.engine()
        var out: [OutputEvent] = []
        engine.apply(Self.accountAssigned("ACME", "r3"), into: &out)
        engine.apply(.leadAssigned(LeadAssignedEvent(eventID: "x", occurredAt: Fixture.t0, leadID: "L", repID: "r2")), into: &out)
        engine.apply(Fixture.profile("L", at: Fixture.t0, account: "ACME", deal: 15_000), into: &out)
        engine.apply(Fixture.profile("L", at: Fixture.at(hours: 1), account: "ACME", deal: 80_000, industry: "software"), into: &out)
        let routed = Fixture.routed(out)
        #expect(routed.map(\.repID) == ["r2", "r2"])
        #expect(routed.map(\.rule) == [.crmAssignment, .stickyOwner])
        #expect(routed.allSatisfy { $0.accountOwner == "r3" })
    }

    @Test("the account's first routed lead makes its rep the owner; later leads follow within their tiers (unless turned off)", arguments: [true, false])
    func learnedOwner(_ learn: Bool) throws {
        var config = Fixture.noHoldout
        config.routing.learnAccountOwner = learn
        var engine = Self.engine(config: config)
        var out: [OutputEvent] = []
        // r1 away while L1 is routed: L1 goes to r2 (middle tier). r1 is back for L2.
        engine.apply(.repAvailability(RepAvailabilityEvent(eventID: "a", occurredAt: Fixture.t0, repID: "r1", available: false,
                                                           until: Fixture.at(hours: 1))), into: &out)
        for event in Self.leadA("L1", account: "ACME") { engine.apply(event, into: &out) }
        // L2 is a B lead (top two tiers: the middle-tier owner qualifies); L3 an A lead of the
        // same account (top tier only: the owner does not qualify, rep score decides).
        engine.apply(Fixture.profile("L2", at: Fixture.at(hours: 2), account: "ACME", deal: 80_000, industry: "software"), into: &out)
        for event in Self.leadA("L3", account: "OTHER", at: Fixture.at(hours: 2)) { engine.apply(event, into: &out) }
        for event in Self.leadA("L4", account: "ACME", at: Fixture.at(hours: 3)) { engine.apply(event, into: &out) }
        let routed = Fixture.routed(out)
        #expect(routed[0].repID == "r2")
        #expect(routed[3].repID == "r1")
        #expect(routed[3].rule == .repScore)
        #expect(routed[0].rule == .repScore)
        #expect(routed[0].accountOwner == nil)
        if learn {
            #expect(engine.leads.learnedAccountOwner(accountID: "ACME") == "r2")
            #expect(routed[1].repID == "r2")
            #expect(routed[1].rule == .accountOwner)
            #expect(routed[1].accountOwner == "r2")
            #expect(Self.statuses(routed[1])["r1"] == .accountOwned)
            #expect(routed[3].accountOwner == "r2")
        } else {
            #expect(engine.leads.learnedAccountOwner(accountID: "ACME") == nil)
            #expect(routed[1].repID == "r1")
            #expect(routed[1].rule == .repScore)
        }
        // Another account is not affected.
        #expect(routed[2].repID == "r1")
    }

    @Test("the CRM's account owner wins over a learned one")
    func crmBeatsLearned() throws {
        var engine = Self.engine()
        var out: [OutputEvent] = []
        for event in Self.leadA("L1", account: "ACME") { engine.apply(event, into: &out) }
        engine.apply(Self.accountAssigned("ACME", "r3", at: Fixture.at(hours: 1)), into: &out)
        for event in Self.leadA("L2", account: "ACME", at: Fixture.at(hours: 2)) { engine.apply(event, into: &out) }
        let routed = Fixture.routed(out)
        #expect(routed.map(\.repID) == ["r1", "r3"])
        #expect(routed[1].rule == .accountOwner)
        #expect(engine.leads.learnedAccountOwner(accountID: "ACME") == "r1")
    }

    @Test("holdout leads follow the account owner too")
    func holdoutFollowsAccountOwner() throws {
        var config = ScoringConfig()
        config.routing.holdoutShare = 1
        var engine = Self.engine(config: config)
        var out: [OutputEvent] = []
        engine.apply(Self.accountAssigned("ACME", "r3"), into: &out)
        for event in Self.leadA("L1", account: "ACME") { engine.apply(event, into: &out) }
        for event in Self.leadA("L2", account: nil) { engine.apply(event, into: &out) }
        let routed = Fixture.routed(out)
        #expect(routed.map(\.rule) == [.accountOwner, .holdoutRoundRobin])
        #expect(routed.map(\.repID) == ["r3", "r1"])
        #expect(routed.allSatisfy { $0.holdout })
    }

    @Test("holdout leads neither follow nor teach a learned account owner")
    func holdoutIgnoresLearnedOwner() throws {
        // Lead ids chosen by their hash: H-5 is in a 50% holdout, M-1 and M-2 are not.
        var config = ScoringConfig()
        config.routing.holdoutShare = 0.5
        // Leads an hour apart breach A's 1h first-touch SLA; escalating instead of re-routing
        // keeps the round-robin cursor for the leads under test.
        config.routing.sla.maxReroutes = 0
        let model = ScoringModel(config: config)
        let holdoutID = try #require((0..<100).map { "H-\($0)" }.first { model.isHoldout($0) })
        let modelIDs = (0..<100).map { "M-\($0)" }.filter { !model.isHoldout($0) }.prefix(2)
        var engine = Self.engine(config: config)
        var out: [OutputEvent] = []
        // A holdout first lead does not make its round-robin rep the owner.
        for event in Self.leadA(holdoutID, account: "ACME") { engine.apply(event, into: &out) }
        #expect(engine.leads.learnedAccountOwner(accountID: "ACME") == nil)
        // A model lead does; a later holdout lead still goes round-robin.
        for event in Self.leadA(modelIDs.first!, account: "ACME", at: Fixture.at(hours: 1)) { engine.apply(event, into: &out) }
        #expect(engine.leads.learnedAccountOwner(accountID: "ACME") == "r1")
        let second = try #require((100..<300).map { "H-\($0)" }.first { model.isHoldout($0) })
        for event in Self.leadA(second, account: "ACME", at: Fixture.at(hours: 2)) { engine.apply(event, into: &out) }
        let routed = Fixture.routed(out)
        #expect(routed.map(\.rule) == [.holdoutRoundRobin, .repScore, .holdoutRoundRobin])
        #expect(routed[2].accountOwner == nil)
        #expect(routed[2].repID == "r2")
    }

    @Test("rule values for self_serve and no rep")
    func selfServeAndNone() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Fixture.profile("S", at: Fixture.t0, deal: 1_000), into: &out)
        engine.apply(Fixture.profile("N", at: Fixture.t0, deal: 15_000), into: &out)
        let routed = Fixture.routed(out)
        #expect(routed.map(\.rule) == [.selfServe, .none])
        #expect(routed[0].slaClock == nil)
        #expect(routed[1].repID == nil)
    }

    @Test("a replaced decision (adoptOwner after a crash) moves the account owner it had set")
    func adoptMovesLearnedOwner() throws {
        var engine = Self.engine()
        var out: [OutputEvent] = []
        for event in Self.leadA("L1", account: "ACME") { engine.apply(event, into: &out) }
        #expect(engine.leads.learnedAccountOwner(accountID: "ACME") == "r1")
        engine.leads.adoptOwner(leadID: "L1", repID: "r2")
        #expect(engine.leads.learnedAccountOwner(accountID: "ACME") == "r2")
        // A lead that did not set it does not move it.
        for event in Self.leadA("L2", account: "ACME", at: Fixture.at(hours: 1)) { engine.apply(event, into: &out) }
        engine.leads.adoptOwner(leadID: "L2", repID: "r3")
        #expect(engine.leads.learnedAccountOwner(accountID: "ACME") == "r2")
    }

    @Test("account_assigned is a rep event keyed by rep id; lead books ignore it")
    func eventShape() {
        let event = Self.accountAssigned("ACME", "r3")
        #expect(event.isRepEvent)
        #expect(event.partitionKey == "r3")
        #expect(event.typeName == "account_assigned")
        var book = LeadBook(config: ScoringConfig())
        var reps = RepBook(config: ScoringConfig())
        var out: [OutputEvent] = []
        #expect(book.apply(event, reps: &reps, into: &out) == .ignored)
        let applied = reps.apply(event)
        #expect(applied)
        #expect(reps.accountOwner(accountID: "ACME") == "r3")
    }
}
