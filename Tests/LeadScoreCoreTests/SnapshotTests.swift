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

    /// The writer reserves the snapshot's size once; a bound below the bytes written would make
    /// a large book's buffer grow (and copy itself) near the end. Checked on a book with every
    /// table in use: accounts, owners, breach chains, forgotten leads, pending deadlines.
    @Test("the reserved size bounds the bytes written")
    func sizeBound() {
        let events = StreamGenerator.leadEvents(seed: 7, accounts: 20, leadsPerAccount: 5, events: 6000)
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        for event in StreamGenerator.repEvents() + events { engine.apply(event, into: &out) }
        engine.apply(.leadForgotten(LeadForgottenEvent(eventID: "f", occurredAt: Fixture.at(days: 200), leadID: "L3-1", accountID: "A3")),
                     into: &out)
        engine.advance(to: Fixture.at(days: 300), into: &out)
        #expect(out.contains { if case .leadSLABreached = $0 { true } else { false } })
        #expect(!engine.leads.forgottenSeq.isEmpty)
        var bytes: [UInt8] = []
        engine.leads.serialize(into: &bytes)
        #expect(bytes.count > 10_000)
        #expect(engine.leads.serializedSizeBound() >= bytes.count)

        // Profiles alone (no accumulators, whose spare cells would hide a short count of the
        // leads' own bytes): the buffer keeps the capacity reserved for the bound, so it never grew.
        var profiles = ScoringEngine(config: ScoringConfig())
        for k in 0..<3000 {
            profiles.apply(Fixture.profile("lead-\(k)", at: Fixture.t0, account: "acct-\(k / 3)", industry: "Software",
                                           employees: 100 + k, country: "DE"), into: &out)
        }
        var written: [UInt8] = []
        profiles.leads.serialize(into: &written)
        var reserved: [UInt8] = []
        reserved.reserveCapacity(profiles.leads.serializedSizeBound())
        #expect(written.count > 3000 * LeadBook.leadRecordBytes)
        #expect(written.capacity == reserved.capacity)
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
