import LeadScoreAnalysis
import Testing
@testable import LeadScoreCore

/// `lead_forgotten`: the lead leaves the book (and the next snapshot), tombstones are named, and
/// a returning lead starts fresh with a sequence that never repeats the erased one's.
@Suite("Forgetting a lead (erasure)")
struct ForgetTests {
    static func forget(_ lead: String, at time: Timestamp, account: String? = nil) -> InputEvent {
        .leadForgotten(LeadForgottenEvent(eventID: "f-\(lead)-\(time.millisecondsSinceEpoch)", occurredAt: time, leadID: lead, accountID: account))
    }

    static func erased(_ out: [OutputEvent]) -> [LeadErased] {
        out.compactMap { if case .leadErased(let e) = $0 { e } else { nil } }
    }

    @Test("forget, then return: the erasure names its tombstones, the lead is gone, a new event starts it fresh at seq + 1")
    func forgetThenReturn() throws {
        var engine = RouterTests().rankedReps()
        var out: [OutputEvent] = []
        for event in RouterTests().leadA("L", account: "A") { engine.apply(event, into: &out) }
        engine.apply(Fixture.engagement("M", .demoRequest, at: Fixture.at(hours: 1), account: "A"), into: &out)
        #expect(Fixture.rescored(out).filter { $0.leadID == "L" }.map(\.seq) == [1, 2])
        out.removeAll()
        engine.apply(Self.forget("L", at: Fixture.at(hours: 2), account: "A"), into: &out)
        let erased = try #require(Self.erased(out).first)
        #expect(erased.topics == [.scores, .routing, .enrichment])
        #expect(erased.seq == 2 && erased.bucket == .a && erased.accountID == "A")
        #expect(erased.idempotencyKey == "L:2:erased")
        #expect(OutputEvent.leadErased(erased).jsonString.contains(#""tombstones":["scores","routing","enrichment"]"#))
        #expect(engine.leads.view(leadID: "L") == nil)
        #expect(engine.leads.view(leadID: "M") != nil)
        // Its SLA went with it: nothing fires for L later.
        out.removeAll()
        engine.apply(Fixture.engagement("M", .emailOpen, at: Fixture.at(hours: 5), account: "A"), into: &out)
        #expect(out.allSatisfy { $0.leadID != "L" })
        // Back again: fresh state (no profile: nurture, an enrichment request with a new key),
        // seq continuing at 3.
        out.removeAll()
        engine.apply(Fixture.engagement("L", .webVisit, at: Fixture.at(hours: 6), account: "A"), into: &out)
        let first = try #require(Fixture.rescored(out).first { $0.leadID == "L" })
        #expect(first.seq == 3 && first.oldBucket == nil && first.newBucket == .nurture)
        let request = try #require(out.compactMap { if case .enrichmentRequested(let e) = $0 { e } else { nil } }.first)
        #expect(request.idempotencyKey == "enrichment:L:2")
        // Account intent still reaches both leads of the account.
        out.removeAll()
        engine.apply(Fixture.accountIntent("A", surge: 100, at: Fixture.at(hours: 7)), into: &out)
        #expect(engine.leads.view(leadID: "L")?.intent ?? 0 > 20)
        #expect(engine.leads.view(leadID: "M")?.intent ?? 0 > 20)
    }

    @Test("forgetting an unknown lead does nothing; a lead never scored gets an erasure with no tombstones")
    func unknownOrBare() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Self.forget("nobody", at: Fixture.t0), into: &out)
        #expect(out.isEmpty)
    }

    /// The last lead moves into the erased one's slot: every other lead must go on exactly as in
    /// a run where the erased lead never existed (rescores compared; routing shares rep load).
    @Test("erasing leads leaves every other lead's transitions exactly as without them", arguments: [3 as UInt64, 4])
    func othersUnaffected(seed: UInt64) throws {
        var stream = SyntheticStream(.init(events: 20_000, leads: 800, reps: 5, seed: seed))
        var bytes: [UInt8] = []
        while stream.next(into: &bytes) {}
        let decoder = EventDecoder()
        let events = String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { try? decoder.decode(String($0)) }
        // Leads erased somewhere in the stream: run B never sees them at all.
        var gone: Set<String> = []
        for event in events {
            if case .leadForgotten(let f) = event { gone.insert(f.leadID) }
        }
        #expect(gone.count >= 3)
        func transitions(_ events: [InputEvent]) -> [String: [String]] {
            var engine = ScoringEngine(config: Fixture.noHoldout)
            var out: [OutputEvent] = []
            for event in events { engine.apply(event, into: &out) }
            var perLead: [String: [String]] = [:]
            for r in Fixture.rescored(out) where !gone.contains(r.leadID) { perLead[r.leadID, default: []].append(r.idempotencyKey + r.newBucket.name) }
            return perLead
        }
        let withErasures = transitions(events)
        let without = transitions(events.filter { event in
            switch event {
            case .engagement(let e): !gone.contains(e.leadID)
            case .profile(let e): !gone.contains(e.leadID)
            case .intent(let e): e.leadID.map { !gone.contains($0) } ?? true
            case .leadTouched(let e): !gone.contains(e.leadID)
            case .leadForgotten(let e): !gone.contains(e.leadID)
            default: true
            }
        })
        #expect(withErasures == without)
    }

    @Test("a snapshot after erasures and pending SLAs restores a book that goes on identically")
    func snapshotRoundTrip() throws {
        var stream = SyntheticStream(.init(events: 40_000, leads: 1_000, reps: 6, seed: 21))
        var bytes: [UInt8] = []
        while stream.next(into: &bytes) {}
        let decoder = EventDecoder()
        let events = String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { try? decoder.decode(String($0)) }
        let cut = events.count / 2
        var a = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        for event in events[..<cut] { a.apply(event, into: &out) }
        #expect(!a.leads.forgottenSeq.isEmpty)
        #expect(a.leads.leads.contains { $0.slaDue != Int64.max })
        var blob: [UInt8] = []
        a.leads.serialize(into: &blob)
        var b = ScoringEngine(leads: try LeadBook(deserializing: blob, config: ScoringConfig()), reps: a.reps)
        var again: [UInt8] = []
        b.leads.serialize(into: &again)
        #expect(again == blob)
        var outA: [OutputEvent] = []
        var outB: [OutputEvent] = []
        for event in events[cut...] {
            a.apply(event, into: &outA)
            b.apply(event, into: &outB)
        }
        #expect(outA == outB)
        #expect(outA.contains { if case .leadSLABreached = $0 { true } else { false } })
    }

    @Test("the id table finds every id after random removals (backward-shift deletion)")
    func idTableRemovals() {
        var rng = SeededRandom(state: 5)
        var ids: [String] = []
        var table = LeadIDTable()
        var live: Set<String> = []
        for n in 0..<5_000 {
            let id = "L-\(n)"
            ids.append(id)
            table.insert(Int32(n), in: ids)
            live.insert(id)
            if n % 3 == 0, let victim = live.randomElement(using: &rng) {
                table.remove(victim, in: ids)
                live.remove(victim)
            }
        }
        for (n, id) in ids.enumerated() {
            #expect(table.find(id, in: ids) == (live.contains(id) ? Int32(n) : nil))
        }
        #expect(table.count == live.count)
    }
}
