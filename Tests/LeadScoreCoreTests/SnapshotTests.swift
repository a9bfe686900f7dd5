import Testing
@testable import LeadScoreCore

@Suite("Snapshots")
struct SnapshotTests {
    @Test("a round trip of both books gives identical subsequent outputs")
    func roundTrip() throws {
        let events = StreamGenerator.leadEvents(seed: 51, accounts: 12, leadsPerAccount: 4, events: 4000)
        let half = events.count / 2
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        for event in StreamGenerator.repEvents() + events[..<half] { engine.apply(event, into: &out) }
        engine.apply(.leadAssigned(LeadAssignedEvent(eventID: "x", occurredAt: Fixture.t0, leadID: "L99", repID: "bob")), into: &out)

        var leadBytes: [UInt8] = []
        engine.leads.serialize(into: &leadBytes)
        var repBytes: [UInt8] = []
        engine.reps.serialize(into: &repBytes)
        let restored = ScoringEngine(
            leads: try LeadBook(deserializing: leadBytes, config: ScoringConfig()),
            reps: try RepBook(deserializing: repBytes, config: ScoringConfig()))
        // Serializing the restored books gives the same bytes.
        var again: [UInt8] = []
        restored.leads.serialize(into: &again)
        #expect(again == leadBytes)
        again.removeAll()
        restored.reps.serialize(into: &again)
        #expect(again == repBytes)
        #expect(try LeadBook.snapshotConfigVersion(leadBytes) == ScoringConfig().version)

        func finish(_ engine: ScoringEngine) -> String {
            var engine = engine
            var out: [OutputEvent] = []
            for event in events[half...] { engine.apply(event, into: &out) }
            engine.advance(to: Fixture.at(days: 300), into: &out)
            return out.map(\.jsonString).joined(separator: "\n")
        }
        let original = finish(engine)
        #expect(original.utf8.count > 1000)
        #expect(finish(restored) == original)
    }

    @Test("bad bytes give a typed error, never a trap")
    func corrupt() {
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        for event in StreamGenerator.leadEvents(seed: 52, accounts: 3, leadsPerAccount: 2, events: 100) {
            engine.apply(event, into: &out)
        }
        var bytes: [UInt8] = []
        engine.leads.serialize(into: &bytes)
        #expect(throws: SnapshotError.self) { try LeadBook(deserializing: Array(bytes.dropLast(7)), config: ScoringConfig()) }
        #expect(throws: SnapshotError.self) { try LeadBook(deserializing: [], config: ScoringConfig()) }
        #expect(throws: SnapshotError.self) { try RepBook(deserializing: bytes, config: ScoringConfig()) }
        var wrongVersion = bytes
        wrongVersion[7] = 99
        #expect(throws: SnapshotError(code: .unsupportedVersion, field: "header")) {
            try LeadBook(deserializing: wrongVersion, config: ScoringConfig())
        }
        // Every truncation fails cleanly.
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            #expect(throws: SnapshotError.self) { try LeadBook(deserializing: Array(bytes[..<cut]), config: ScoringConfig()) }
        }
    }
}
