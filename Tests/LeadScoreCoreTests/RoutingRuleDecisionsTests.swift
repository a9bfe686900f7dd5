import Testing
@testable import LeadScoreCore

/// The two readings of SPEC section 2 that leadscore takes on purpose (docs/model.md, routing):
/// a sticky owner at capacity keeps its lead, and A and B leads fall back to the bottom tier
/// rather than to no rep.
@Suite("Routing: the rules' deliberate readings")
struct RoutingRuleDecisionsTests {
    @Test("a sticky owner at capacity keeps the lead changing bucket, and no capacity is charged")
    func stickyOwnerAtCapacity() throws {
        var engine = RouterTests().rankedReps(capacity: 1)
        var out: [OutputEvent] = []
        // L enters C (quality 55: premium deal, software; score 33) and goes to r1, which is now full.
        engine.apply(Fixture.profile("L", at: Fixture.t0, deal: 20_000, industry: "software"), into: &out)
        let first = try #require(Fixture.routed(out).last)
        #expect(first.repID == "r1")
        // A demo request lifts it to B: r1 is at capacity but keeps it.
        engine.apply(Fixture.engagement("L", .demoRequest, at: Fixture.at(hours: 0.5)), into: &out)
        let second = try #require(Fixture.routed(out).last)
        #expect(second.seq == first.seq + 1)
        #expect(second.repID == "r1")
        #expect(second.sticky)
        #expect(second.candidates.first { $0.repID == "r1" }?.loadToday == 1)
    }

    @Test("B falls back to the bottom tier when the top two have no eligible rep")
    func bFallsBackToBottom() {
        var engine = RouterTests().rankedReps(capacity: 1)
        var out: [OutputEvent] = []
        for n in 0..<3 {
            engine.apply(Fixture.profile("B\(n)", at: Fixture.t0, deal: 80_000, industry: "software"), into: &out)
        }
        #expect(Fixture.routed(out).map(\.repID) == ["r1", "r2", "r3"])
        #expect(Fixture.routed(out).last?.candidates.map(\.status) == [.atCapacity, .atCapacity, .chosen])
    }
}
