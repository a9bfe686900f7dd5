import Testing
@testable import LeadScoreCore

/// Incremental checkpoints: a full snapshot plus the deltas written after it restore the book
/// exactly, whatever happened in between (new leads, account intent, routing, breaches, touches,
/// erasures, late events), and a delta costs what changed, not what the book holds.
@Suite("Delta checkpoints")
struct DeltaCheckpointTests {
    /// The generator's stream with first touches, erasures and late events mixed in.
    static func hostileStream(seed: UInt64, events: Int) -> [InputEvent] {
        var random = SeededRandom(state: seed)
        var list: [InputEvent] = []
        let reps = ["ann", "bob", "cid", "dee", "eve"]
        for event in StreamGenerator.leadEvents(seed: seed, accounts: 40, leadsPerAccount: 5, events: events) {
            list.append(event)
            let time = event.occurredAt
            let a = Int.random(in: 0..<40, using: &random)
            let lead = "L\(a)-\(Int.random(in: 0..<5, using: &random))"
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<6:
                list.append(SLATests.touch(lead, by: reps.randomElement(using: &random) ?? "ann", at: time, account: "A\(a)"))
            case 6..<8:
                list.append(.leadForgotten(LeadForgottenEvent(eventID: "f-\(list.count)", occurredAt: time, leadID: lead,
                                                              accountID: "A\(a)")))
            case 8..<11:
                // Late: six hours behind the stream.
                let late = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch - 6 * Fixture.hour)
                list.append(Fixture.engagement(lead, .demoRequest, at: late, account: "A\(a)"))
            default:
                break
            }
        }
        return list
    }

    static func bytes(_ book: LeadBook) -> [UInt8] {
        var out: [UInt8] = []
        book.serialize(into: &out)
        return out
    }

    @Test("a full snapshot plus its deltas restores the book byte for byte, at every checkpoint")
    func chainRestoresExactly() throws {
        let config = Fixture.noHoldout
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        for event in StreamGenerator.repEvents() { engine.apply(event, into: &out) }
        let events = Self.hostileStream(seed: 77, events: 8000)
        var random = SeededRandom(state: 5)
        var base = Self.bytes(engine.leads)
        engine.leads.markCheckpointed()
        var deltas: [[UInt8]] = []
        var next = 0
        var checkpoints = 0
        var forgets = 0
        while next < events.count {
            let end = min(events.count, next + Int.random(in: 1...400, using: &random))
            for event in events[next..<end] {
                if case .leadForgotten = event { forgets += 1 }
                engine.apply(event, into: &out)
            }
            next = end
            if Int.random(in: 0..<8, using: &random) == 0 {
                // A new base starts the chain again.
                base = Self.bytes(engine.leads)
                engine.leads.markCheckpointed()
                deltas = []
                continue
            }
            var delta: [UInt8] = []
            engine.leads.serializeDelta(into: &delta)
            #expect(!engine.leads.hasChangesSinceCheckpoint)
            deltas.append(delta)
            let restored = try LeadBook(deserializing: base, deltas: deltas, config: config)
            #expect(Self.bytes(restored) == Self.bytes(engine.leads), "checkpoint \(checkpoints) after event \(end)")
            #expect(!restored.hasChangesSinceCheckpoint)
            checkpoints += 1
        }
        #expect(checkpoints > 20)
        #expect(forgets > 50)
        #expect(out.contains { if case .leadSLABreached = $0 { true } else { false } })
        #expect(out.contains { if case .leadErased = $0 { true } else { false } })

        // Both go on to give the same outputs.
        var restored = ScoringEngine(leads: try LeadBook(deserializing: base, deltas: deltas, config: config), reps: engine.reps)
        var live = engine
        var a: [OutputEvent] = []
        var b: [OutputEvent] = []
        for event in Self.hostileStream(seed: 78, events: 1500) {
            live.apply(event, into: &a)
            restored.apply(event, into: &b)
        }
        live.advance(to: Fixture.at(days: 90), into: &a)
        restored.advance(to: Fixture.at(days: 90), into: &b)
        #expect(a.count > 100)
        #expect(a.map(\.jsonString) == b.map(\.jsonString))
    }

    @Test("a chain restored under other half-lives and technographics equals the full snapshot restored under them")
    func chainUnderAnotherConfiguration() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        for event in StreamGenerator.repEvents() { engine.apply(event, into: &out) }
        let events = Self.hostileStream(seed: 91, events: 3000)
        let base = Self.bytes(engine.leads)
        engine.leads.markCheckpointed()
        var deltas: [[UInt8]] = []
        for chunk in stride(from: 0, to: events.count, by: 500) {
            for event in events[chunk..<min(events.count, chunk + 500)] { engine.apply(event, into: &out) }
            var delta: [UInt8] = []
            engine.leads.serializeDelta(into: &delta)
            deltas.append(delta)
        }
        var other = Fixture.noHoldout
        other.intent.signals = other.intent.signals.mapValues { rule in
            var rule = rule
            rule.halfLife = rule.halfLife * 3 / 2
            return rule
        }
        other.quality.technographics = ["snowflake", "salesforce", "looker"]
        #expect(ScoringModel(config: other).halfLife != ScoringModel(config: Fixture.noHoldout).halfLife)
        let viaChain = try LeadBook(deserializing: base, deltas: deltas, config: other)
        let viaFull = try LeadBook(deserializing: Self.bytes(engine.leads), config: other)
        #expect(Self.bytes(viaChain) == Self.bytes(viaFull))
    }

    @Test("a delta costs the leads that changed, not the leads the book holds")
    func deltaIsProportional() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        for n in 0..<20_000 {
            engine.apply(Fixture.engagement("L\(n)", .webVisit, at: Fixture.at(seconds: Int64(n)), account: "A\(n / 4)"), into: &out)
        }
        let full = Self.bytes(engine.leads)
        engine.leads.markCheckpointed()
        for n in stride(from: 0, to: 20_000, by: 200) {
            engine.apply(Fixture.engagement("L\(n)", .pricingPageVisit, at: Fixture.at(seconds: 30_000)), into: &out)
        }
        #expect(engine.leads.changedLeadCount == 100)
        var delta: [UInt8] = []
        engine.leads.serializeDelta(into: &delta)
        #expect(delta.count < 100 * 200)
        #expect(delta.count * 100 < full.count)
        let restored = try LeadBook(deserializing: full, deltas: [delta], config: Fixture.noHoldout)
        #expect(Self.bytes(restored) == Self.bytes(engine.leads))
        // Nothing changed: an empty delta is small and harmless.
        var empty: [UInt8] = []
        engine.leads.serializeDelta(into: &empty)
        #expect(empty.count < 600)
        #expect(Self.bytes(try LeadBook(deserializing: full, deltas: [delta, empty], config: Fixture.noHoldout)) == Self.bytes(engine.leads))
    }

    @Test("deltas out of order, missing or damaged give a typed error, never a trap")
    func brokenChains() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        let events = StreamGenerator.leadEvents(seed: 3, accounts: 10, leadsPerAccount: 3, events: 900)
        let base = Self.bytes(engine.leads)
        engine.leads.markCheckpointed()
        var deltas: [[UInt8]] = []
        for chunk in stride(from: 0, to: 900, by: 300) {
            for event in events[chunk..<(chunk + 300)] { engine.apply(event, into: &out) }
            var delta: [UInt8] = []
            engine.leads.serializeDelta(into: &delta)
            deltas.append(delta)
        }
        #expect(throws: SnapshotError.self) { try LeadBook(deserializing: base, deltas: [deltas[1]], config: Fixture.noHoldout) }
        #expect(throws: SnapshotError.self) { try LeadBook(deserializing: base, deltas: [deltas[0], deltas[2]], config: Fixture.noHoldout) }
        for cut in stride(from: 0, to: deltas[0].count, by: max(1, deltas[0].count / 97)) {
            #expect(throws: SnapshotError.self) {
                try LeadBook(deserializing: base, deltas: [Array(deltas[0][..<cut])], config: Fixture.noHoldout)
            }
        }
        #expect(throws: SnapshotError.self) { try LeadBook(deserializing: base, deltas: [base], config: Fixture.noHoldout) }
    }
}
