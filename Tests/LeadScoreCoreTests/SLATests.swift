import LeadScoreAnalysis
import Testing
@testable import LeadScoreCore

/// First-touch SLAs: breach at the deadline (stream time past it), re-route to a rep who has not
/// breached, escalate after `max_reroutes`, a touch by the owner in time stops the clock.
@Suite("First-touch SLA: breach, re-route, escalate")
struct SLATests {
    static func touch(_ lead: String, by rep: String, at time: Timestamp, account: String? = nil) -> InputEvent {
        .leadTouched(LeadTouchedEvent(eventID: "t-\(lead)-\(time.millisecondsSinceEpoch)", occurredAt: time, leadID: lead,
                                      accountID: account, repID: rep, channel: .call))
    }

    /// Moves stream time with an event of an unrelated lead (no profile: nurture, never routed).
    static func tick(at time: Timestamp) -> InputEvent {
        Fixture.engagement("clock", .emailOpen, at: time)
    }

    /// r1 > r2 > r3 by conversion; lead L lands in A at t0 and goes to r1, first touch due t0 + 1h.
    static func engineWithLeadInA(_ config: ScoringConfig = Fixture.noHoldout) -> (ScoringEngine, [OutputEvent]) {
        var engine = RouterTests().rankedReps(config: config)
        var out: [OutputEvent] = []
        for event in RouterTests().leadA("L") { engine.apply(event, into: &out) }
        return (engine, out)
    }

    static func breaches(_ out: [OutputEvent]) -> [LeadSLABreached] {
        out.compactMap { if case .leadSLABreached(let e) = $0 { e } else { nil } }
    }

    static func escalations(_ out: [OutputEvent]) -> [LeadEscalated] {
        out.compactMap { if case .leadEscalated(let e) = $0 { e } else { nil } }
    }

    @Test("no touch: the breach fires once stream time is past sla_due_at, stamped with it; the lead goes to r2")
    func breachThenReroute() throws {
        var (engine, out) = Self.engineWithLeadInA()
        let routed = try #require(Fixture.routed(out).first)
        #expect(routed.repID == "r1")
        #expect(routed.slaDueAt == Fixture.at(hours: 1))
        out.removeAll()
        // At the deadline itself nothing happens: a touch at that moment would still be in time.
        engine.apply(Self.tick(at: Fixture.at(hours: 1)), into: &out)
        #expect(Self.breaches(out).isEmpty)
        engine.apply(Self.tick(at: Fixture.at(hours: 1, seconds: 1)), into: &out)
        let breach = try #require(Self.breaches(out).first)
        #expect(breach.repID == "r1")
        #expect(breach.slaDueAt == Fixture.at(hours: 1))
        #expect(breach.reroutes == 0)
        #expect(breach.seq == routed.seq)
        #expect(breach.idempotencyKey == "L:2:b1")
        let reroute = try #require(Fixture.rerouted(out).first)
        #expect(reroute.repID == "r2")
        #expect(reroute.reroute == 1)
        #expect(reroute.idempotencyKey == "L:2:r1")
        #expect(reroute.occurredAt == Fixture.at(hours: 1))
        // The new deadline counts from the breach moment, not from the event that revealed it.
        #expect(reroute.slaDueAt == Fixture.at(hours: 2))
        #expect(reroute.candidates.first { $0.repID == "r1" }?.status == .slaBreached)
        #expect(reroute.bucket == .a && reroute.cadence == routed.cadence)
        // The breach counts on r1.
        let board = engine.reps.leaderboard(at: Fixture.at(hours: 2))
        #expect(board.first { $0.repID == "r1" }?.slaBreaches == 1)
        #expect(board.first { $0.repID == "r2" }?.slaBreaches == 0)
        // The JSON says it all.
        #expect(OutputEvent.leadSLABreached(breach).jsonString.contains(#""sla_due_at":"2026-06-01T01:00:00Z","reroutes":0"#))
        #expect(OutputEvent.leadRouted(reroute).jsonString.contains(#""reroute":1"#))
    }

    @Test("a B lead routed Friday 16:30 in New York before the DST change breaches at its business-hours deadline, not before")
    func businessHoursBreachAcrossDST() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        let friday = try Timestamp(rfc3339: "2026-10-30T20:30:00Z")
        engine.apply(.repRoster(RepRosterEvent(eventID: "ny", occurredAt: friday, repID: "ny", name: "NY", active: true,
                                               capacityPerDay: 10, workingHours: WorkingHoursTests.newYork)), into: &out)
        // Quality 100, no intent: score 60, bucket B (24h SLA on the business clock by default).
        engine.apply(Fixture.profile("L", at: friday, deal: 80_000, industry: "software", employees: 5_000, techno: ["hubspot"]), into: &out)
        let routed = try #require(Fixture.routed(out).first)
        #expect(routed.bucket == .b && routed.repID == "ny")
        // 30 min on Friday, Mon 8h, Tue 8h, Wed 7h30 after the clocks went back: Wed 16:30 EST.
        let due = try Timestamp(rfc3339: "2026-11-04T21:30:00Z")
        #expect(routed.slaDueAt == due)
        out.removeAll()
        engine.apply(Self.tick(at: due), into: &out)
        #expect(Self.breaches(out).isEmpty)
        engine.apply(Self.tick(at: Timestamp(millisecondsSinceEpoch: due.millisecondsSinceEpoch + 1)), into: &out)
        #expect(Self.breaches(out).map(\.slaDueAt) == [due])
        #expect(Self.escalations(out).map(\.reason) == ["no eligible rep to re-route to"])
    }

    @Test("a touch by the owner in time (even at the deadline) stops the clock; a touch by another rep does not")
    func touches() throws {
        do {
            var (engine, out) = Self.engineWithLeadInA()
            engine.apply(Self.touch("L", by: "r1", at: Fixture.at(hours: 1)), into: &out)
            out.removeAll()
            engine.apply(Self.tick(at: Fixture.at(hours: 5)), into: &out)
            #expect(Self.breaches(out).isEmpty && Fixture.rerouted(out).isEmpty)
        }
        do {
            var (engine, out) = Self.engineWithLeadInA()
            engine.apply(Self.touch("L", by: "r2", at: Fixture.at(hours: 0.5)), into: &out)
            out.removeAll()
            engine.apply(Self.tick(at: Fixture.at(hours: 1.5)), into: &out)
            #expect(Self.breaches(out).map(\.repID) == ["r1"])
        }
        do {
            // A touch stamped after the deadline arrives too late: the breach fires first.
            var (engine, out) = Self.engineWithLeadInA()
            out.removeAll()
            engine.apply(Self.touch("L", by: "r1", at: Fixture.at(hours: 1.25)), into: &out)
            #expect(Self.breaches(out).map(\.repID) == ["r1"])
        }
    }

    @Test("a chain: r1, r2, r3 each breach an hour apart; with max_reroutes 2 the third breach escalates")
    func chainThenEscalation() throws {
        var (engine, out) = Self.engineWithLeadInA()
        out.removeAll()
        engine.apply(Self.tick(at: Fixture.at(hours: 10)), into: &out)
        #expect(Self.breaches(out).map(\.repID) == ["r1", "r2", "r3"])
        #expect(Self.breaches(out).map(\.slaDueAt) == [Fixture.at(hours: 1), Fixture.at(hours: 2), Fixture.at(hours: 3)])
        #expect(Self.breaches(out).map(\.idempotencyKey) == ["L:2:b1", "L:2:b2", "L:2:b3"])
        let reroutes = Fixture.rerouted(out)
        #expect(reroutes.map(\.repID) == ["r2", "r3"])
        // The second re-route passes over both reps who breached.
        #expect(reroutes[1].candidates.filter { $0.status == .slaBreached }.map(\.repID) == ["r1", "r2"])
        let escalation = try #require(Self.escalations(out).first)
        #expect(escalation.repID == "r3")
        #expect(escalation.breaches == 3)
        #expect(escalation.escalateTo == "sdr-managers")
        #expect(escalation.reason == "max_reroutes (2) reached")
        #expect(escalation.slaDueAt == Fixture.at(hours: 3))
        #expect(escalation.idempotencyKey == "L:2:escalated")
        // Nothing more for this routing.
        out.removeAll()
        engine.apply(Self.tick(at: Fixture.at(hours: 20)), into: &out)
        #expect(Self.breaches(out).isEmpty && Self.escalations(out).isEmpty)
    }

    @Test("with nobody else eligible, the first breach escalates at once")
    func noRepToReroute() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Fixture.roster("solo"), into: &out)
        for event in RouterTests().leadA("L") { engine.apply(event, into: &out) }
        engine.apply(Self.tick(at: Fixture.at(hours: 3)), into: &out)
        #expect(Self.breaches(out).map(\.repID) == ["solo"])
        #expect(Fixture.rerouted(out).isEmpty)
        #expect(Self.escalations(out).map(\.reason) == ["no eligible rep to re-route to"])
    }

    @Test("a bucket change is a new routing: the chain starts over and the new owner gets a new deadline")
    func bucketChangeStartsOver() throws {
        var (engine, out) = Self.engineWithLeadInA()
        engine.apply(Self.tick(at: Fixture.at(hours: 1.5)), into: &out)
        #expect(Fixture.rerouted(out).map(\.repID) == ["r2"])
        out.removeAll()
        // Days later the lead has decayed out of A: the decay transition routes it again, sticky
        // to r2 (its owner now), with B's 24h deadline from the transition.
        engine.apply(Self.touch("L", by: "r2", at: Fixture.at(hours: 1.75)), into: &out)
        engine.apply(Self.tick(at: Fixture.at(days: 40)), into: &out)
        let routed = Fixture.routed(out)
        #expect(!routed.isEmpty)
        // r2 touched the lead: its later routings (sticky to r2) carry no SLA breach.
        #expect(routed.allSatisfy { $0.repID == "r2" && $0.sticky })
        #expect(Self.breaches(out).isEmpty)
    }

    @Test("breach_weight lowers the rep score by weight x b / (b + prior) for b breaches in the short window")
    func breachWeight() throws {
        var config = Fixture.noHoldout
        config.routing.sla.breachWeight = 0.5
        config.routing.sla.maxReroutes = 0
        var (engine, out) = Self.engineWithLeadInA(config)
        let before = try #require(engine.reps.leaderboard(at: Fixture.at(hours: 1)).first { $0.repID == "r1" }?.repScore)
        engine.apply(Self.tick(at: Fixture.at(hours: 2)), into: &out)
        let after = try #require(engine.reps.leaderboard(at: Fixture.at(hours: 2)).first { $0.repID == "r1" }?.repScore)
        // One breach, prior 10: 0.5 x 1 / 11.
        #expect(abs((before - after) - 0.5 / 11) < 1e-12)
        #expect(Self.escalations(out).count == 1)
    }

    @Test("max_reroutes, escalate_to and breach_weight come from YAML, are validated, and move the config version only when set")
    func configuration() throws {
        let config = try ScoringConfig(yaml: "routing:\n  sla:\n    max_reroutes: 1\n    escalate_to: ae-leads\n    breach_weight: 0.25\n")
        #expect(config.routing.sla.maxReroutes == 1)
        #expect(config.routing.sla.escalateTo == "ae-leads")
        #expect(config.routing.sla.breachWeight == 0.25)
        #expect(config.version != ScoringConfig().version)
        let same = try ScoringConfig(yaml: "routing:\n  sla:\n    max_reroutes: 2\n")
        #expect(same.version == ScoringConfig().version)
        do {
            _ = try ScoringConfig(yaml: "routing:\n  sla:\n    max_reroutes: -1\n    breach_weight: 2\n")
            Issue.record("an invalid sla section was accepted")
        } catch {
            #expect(error.problems.map(\.path) == ["routing.sla.max_reroutes", "routing.sla.breach_weight"])
        }
    }

    /// With one rep, always available, with ample capacity, routing cannot depend on other leads
    /// or on when a partition's stream time moves, so each lead's SLA outputs (breaches,
    /// escalations) must be the same whatever the partitioning. (With out-of-office notices a
    /// decay transition's routing sees the rep state of the moment it fires, which depends on the
    /// partition's traffic: SPEC section 4 allows routing to differ there.)
    @Test("each lead's SLA outputs do not depend on partitioning (one rep)")
    func partitioning() throws {
        var stream = SyntheticStream(.init(events: 30_000, leads: 1_500, reps: 1, seed: 9))
        var bytes: [UInt8] = []
        while stream.next(into: &bytes) {}
        let decoder = EventDecoder()
        let events = String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line -> InputEvent? in
            guard let event = try? decoder.decode(String(line)) else { return nil }
            if case .repAvailability = event { return nil }
            return event
        }
        func run(partitions: Int) -> [String: [String]] {
            var engines = (0..<partitions).map { _ in ScoringEngine(config: Fixture.noHoldout) }
            var perLead: [String: [String]] = [:]
            func collect(_ out: [OutputEvent]) {
                for o in out {
                    switch o {
                    case .leadSLABreached, .leadEscalated, .leadRescored: perLead[o.leadID, default: []].append(o.jsonString)
                    default: break
                    }
                }
            }
            for event in events {
                var out: [OutputEvent] = []
                if event.isRepEvent {
                    // Rep state is global: every partition sees every rep event.
                    for p in engines.indices { engines[p].apply(Self.bigCapacity(event), into: &out) }
                    continue
                }
                let key = event.partitionKey ?? ""
                let p = Int(LeadIDTable.hash(key) % UInt64(partitions))
                engines[p].apply(event, into: &out)
                collect(out)
            }
            // Every partition to the same end, so what is due by then fires everywhere.
            let end = Timestamp(millisecondsSinceEpoch: (events.last?.occurredAt.millisecondsSinceEpoch ?? 0) + 90 * Fixture.day)
            for p in engines.indices {
                var out: [OutputEvent] = []
                engines[p].advance(to: end, into: &out)
                collect(out)
            }
            return perLead
        }
        let one = run(partitions: 1)
        #expect(one.values.reduce(0) { $0 + $1.filter { $0.contains("lead_sla_breached") }.count } > 100)
        let four = run(partitions: 4)
        let differing = one.keys.filter { one[$0] != four[$0] }.sorted()
        #expect(differing.isEmpty && one.count == four.count, "\(differing.count) leads differ, e.g. \(differing.prefix(3))")
    }

    /// Capacity out of the way, so routing never depends on how many leads a partition saw.
    static func bigCapacity(_ event: InputEvent) -> InputEvent {
        guard case .repRoster(var roster) = event else { return event }
        roster.capacityPerDay = 10_000
        roster.active = true
        return .repRoster(roster)
    }
}
