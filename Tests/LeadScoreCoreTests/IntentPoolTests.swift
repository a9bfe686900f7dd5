import Testing
@testable import LeadScoreCore

@Suite("Sparse intent accumulators")
struct IntentPoolTests {
    @Test("a lead holds one double per signal class it has had; vacated blocks are reused")
    func sparse() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        let t = Fixture.at(hours: 1)
        func add(_ lead: String, _ signal: Signal) { engine.apply(Fixture.engagement(lead, signal, at: t), into: &out) }
        add("A", .emailOpen)                  // A: 1 cell (0)
        add("A", .webVisit)                   // A: 2 cells (1-2), frees 0
        add("A", .emailOpen)                  // same class: no new cell
        add("B", .demoRequest)                // B: reuses 0
        add("A", .rfpSubmitted)               // A: 3 cells (3-5), frees 1-2
        add("C", .formFill)                   // C: 1 cell (6)
        engine.apply(.intent(IntentEvent(eventID: "i", occurredAt: t, leadID: "C", topic: "crm", surge: 40, source: "g2")),
                     into: &out)              // C: reuses 1-2, frees 6
        let book = engine.leads
        #expect(book.intentPool.capacity == 7)
        #expect(book.leads.map(\.intentCount) == [3, 1, 2])
        let a = try #require(book.view(leadID: "A"))
        #expect(a.breakdown.intent.map(\.signal) == ["email_open", "web_visit", "rfp_submitted"])
        #expect(a.breakdown.intent.map(\.points) == [2, 3, 60])
        let c = try #require(book.view(leadID: "C"))
        #expect(c.breakdown.intent.map(\.signal) == ["form_fill", "third_party"])
        #expect(c.intent == 40)
        // A profile adds nothing and leaves the accumulators alone; three days (one email_open
        // half-life) later the two opens are worth exactly 1.
        engine.apply(Fixture.profile("A", at: Fixture.at(days: 3, hours: 1)), into: &out)
        #expect(engine.leads.leads[0].intentClock == t.millisecondsSinceEpoch)
        #expect(engine.leads.view(leadID: "A")?.breakdown.intent.first?.points == 1)
    }

    @Test("a lead's record stays at 96 bytes (its accumulators and cap counters live in pools)")
    func recordSize() {
        #expect(MemoryLayout<LeadRecord>.stride == 96)
    }
}
