import Testing
@testable import LeadScoreCore

@Suite("Disqualifiers")
struct DisqualifierTests {
    static func profile(_ lead: String, at time: Timestamp, domain: String? = nil, disqualified: Bool? = nil,
                        deal: Double? = nil) -> InputEvent {
        .profile(ProfileEvent(eventID: "p-\(lead)-\(time.millisecondsSinceEpoch)-\(domain ?? "")-\(String(describing: disqualified))",
                              occurredAt: time, leadID: lead, dealValueUSD: deal, emailDomain: domain,
                              disqualified: disqualified))
    }

    /// A lead with no profile and intent 90 (demo request 50 + four webinars' worth, 40): score 36,
    /// lifted to B by intent >= 70.
    static func liftedLead(_ engine: inout ScoringEngine, _ out: inout [OutputEvent]) {
        engine.apply(Fixture.engagement("L", .demoRequest, at: Fixture.t0), into: &out)
        engine.apply(Fixture.engagement("L", .webinarAttended, at: Fixture.t0, multiplier: 4), into: &out)
    }

    @Test("a personal email domain beats intent lift; a company domain restores the scored bucket")
    func personalDomain() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Fixture.roster("R-1"), into: &out)
        Self.liftedLead(&engine, &out)
        #expect(engine.leads.view(leadID: "L")?.intent == 90)
        #expect(engine.leads.view(leadID: "L")?.bucket == .b)

        out.removeAll()
        engine.apply(Self.profile("L", at: Fixture.at(hours: 1), domain: "GMail.com"), into: &out)
        let down = try #require(Fixture.rescored(out).first)
        #expect(down.newBucket == .disqualified)
        #expect(down.oldBucket == .b)
        #expect(down.breakdown.disqualifiedBy == "personal_email_domain")
        // Disqualified: never routed, and no decay moment.
        #expect(Fixture.routed(out).isEmpty)
        #expect(engine.leads.nextDecayTransition(leadID: "L") == nil)
        // More intent changes nothing.
        out.removeAll()
        engine.apply(Fixture.engagement("L", .rfpSubmitted, at: Fixture.at(hours: 2)), into: &out)
        #expect(out.isEmpty)

        engine.apply(Self.profile("L", at: Fixture.at(hours: 3), domain: "acme.com"), into: &out)
        let back = try #require(Fixture.rescored(out).first)
        #expect(back.oldBucket == .disqualified)
        #expect(back.newBucket == .b)
        #expect(back.breakdown.disqualifiedBy == nil)
        // Back in a rep bucket: routed again, to the rep that had it (the owner stayed on record).
        #expect(Fixture.routed(out).first?.repID == "R-1")
        #expect(Fixture.routed(out).first?.sticky == true)
    }

    @Test("the CRM flag disqualifies, also below the floor; false lifts it")
    func crmFlag() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Self.profile("L", at: Fixture.t0, deal: 1_000), into: &out)
        #expect(engine.leads.view(leadID: "L")?.bucket == .selfServe)
        engine.apply(Self.profile("L", at: Fixture.at(hours: 1), disqualified: true), into: &out)
        #expect(engine.leads.view(leadID: "L")?.bucket == .disqualified)
        #expect(engine.leads.view(leadID: "L")?.breakdown.disqualifiedBy == "crm")
        // A profile that says nothing about it keeps it.
        engine.apply(Self.profile("L", at: Fixture.at(hours: 2), deal: 900), into: &out)
        #expect(engine.leads.view(leadID: "L")?.bucket == .disqualified)
        // A domain on no list does not lift the CRM's flag.
        engine.apply(Self.profile("L", at: Fixture.at(hours: 3), domain: "acme.com"), into: &out)
        #expect(engine.leads.view(leadID: "L")?.bucket == .disqualified)
        out.removeAll()
        engine.apply(Self.profile("L", at: Fixture.at(hours: 4), disqualified: false), into: &out)
        #expect(Fixture.rescored(out).map(\.newBucket) == [.selfServe])
        #expect(Fixture.routed(out).map(\.repID) == ["self_serve"])
    }

    @Test("domain matching: the domain or a parent domain, at label boundaries, case-insensitive", arguments: [
        ("gmail.com", "personal_email_domain"),
        ("GMAIL.COM.", "personal_email_domain"),
        ("mail.gmail.com", "personal_email_domain"),
        ("notgmail.com", nil),
        ("mit.edu", "student_email_domain"),
        ("cs.mit.edu", "student_email_domain"),
        ("ox.ac.uk", "student_email_domain"),
        ("education.com", nil),
        ("rival.io", "competitor_email_domain"),
        ("eu.rival.io", "competitor_email_domain"),
        ("acme.com", nil),
    ] as [(String, String?)])
    func matching(domain: String, reason: String?) {
        var config = ScoringConfig()
        config.disqualifiers.competitorDomains = ["Rival.io"]
        let model = ScoringModel(config: config)
        #expect(model.domainReason(domain)?.name == reason)
    }
}
