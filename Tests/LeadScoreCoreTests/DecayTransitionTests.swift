import Testing
@testable import LeadScoreCore

@Suite("Decay-driven transitions")
struct DecayTransitionTests {
    /// Quality 55 (premium 40 + software 15): score 33 alone, C. A demo request (50) makes it
    /// 33 + 20 = 53, B; it drops back to C when intent falls below 30, at 21d x log2(50/30).
    func leadInB() -> ScoringEngine {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Fixture.profile("L", at: Fixture.t0, deal: 20_000, industry: "software"), into: &out)
        engine.apply(Fixture.engagement("L", .demoRequest, at: Fixture.t0), into: &out)
        return engine
    }

    @Test("a lead whose intent decays from B to C transitions at the exact second")
    func exactSecond() throws {
        var engine = leadInB()
        #expect(engine.leads.view(leadID: "L")?.bucket == .b)
        // Hand computation: 50 x 2^(-t / 21d) = 30  =>  t = 21 x 86400 x log2(5/3) s = 1,337,150.37 s,
        // so the first whole second in C is 1,337,151 s after t0.
        let expectedSecond: Int64 = 1_337_151
        let expected = Fixture.at(seconds: expectedSecond)
        #expect(engine.leads.nextDecayTransition(leadID: "L") == expected)
        #expect(engine.leads.bucket(leadID: "L", at: expected) == .c)
        #expect(engine.leads.bucket(leadID: "L", at: Fixture.at(seconds: expectedSecond - 1)) == .b)

        // Stream time one second short of the crossing: nothing yet.
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("other", .emailOpen, at: Fixture.at(seconds: expectedSecond - 1)), into: &out)
        #expect(Fixture.rescored(out).allSatisfy { $0.leadID != "L" })
        // Stream time reaches it: the transition is stamped with the crossing second, cause decay.
        out.removeAll()
        engine.apply(Fixture.engagement("other", .emailOpen, at: Fixture.at(days: 30)), into: &out)
        let transition = try #require(Fixture.rescored(out).first { $0.leadID == "L" })
        #expect(transition.oldBucket == .b)
        #expect(transition.newBucket == .c)
        #expect(transition.cause == .decay)
        #expect(transition.occurredAt == expected)
        #expect(transition.seq == 3)
        #expect(abs(transition.intent - 30) < 0.001)
        // C needs no intent with quality 55: no further decay transition.
        #expect(engine.leads.nextDecayTransition(leadID: "L") == nil)
        // Going from B to C routes again with C's cadence.
        let routing = try #require(Fixture.routed(out).first { $0.leadID == "L" })
        #expect(routing.bucket == .c)
        #expect(routing.seq == 3)
        #expect(routing.cadence?.calls == 3)
    }

    @Test("due decay transitions of a lead are emitted before its next event is applied")
    func decayBeforeEvent() {
        var engine = leadInB()
        var out: [OutputEvent] = []
        // A late-enough event of the lead itself: first the decay (stamped at the crossing), then the
        // event's own transition back to B.
        engine.apply(Fixture.engagement("L", .demoRequest, at: Fixture.at(days: 20)), into: &out)
        let transitions = Fixture.rescored(out)
        #expect(transitions.map(\.cause) == [.decay, .event])
        #expect(transitions.map(\.newBucket) == [.c, .b])
        #expect(transitions.map(\.seq) == [3, 4])
        #expect(transitions.first?.occurredAt == Fixture.at(seconds: 1_337_151))
    }

    @Test("intent >= 70 lifting to B ends exactly when intent falls below 70")
    func liftEnds() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        // No profile: quality 0. 80 intent from form fills (14d): score 32 (C) lifted to B.
        engine.apply(Fixture.engagement("L", .formFill, at: Fixture.t0), into: &out)
        engine.apply(Fixture.engagement("L", .formFill, at: Fixture.t0, multiplier: 5.0 / 3), into: &out)
        #expect(engine.leads.view(leadID: "L")?.bucket == .b)
        // 80 x 2^(-t/14d) = 70  =>  t = 14 x 86400 x log2(8/7) s = 233,023.49 s.
        let due = try #require(engine.leads.nextDecayTransition(leadID: "L"))
        #expect(due == Fixture.at(seconds: 233_024))
        engine.advance(to: Fixture.at(days: 100), into: &out)
        let decays = Fixture.rescored(out).filter { $0.cause == .decay }
        // B -> C at the lift's end, then C -> nurture when 0.4 x intent < 20 (intent < 50).
        #expect(decays.map(\.newBucket) == [.c, .nurture])
        #expect(decays.first?.occurredAt == due)
        // 80 x 2^(-t/14d) = 50  =>  t = 14 x 86400 x log2(1.6) s = 820,195.78 s. The first decay does
        // not rebase the accumulators, so the second crossing is the hand value too.
        let second = (decays.last?.occurredAt.millisecondsSinceEpoch ?? 0) - Fixture.t0.millisecondsSinceEpoch
        #expect(second == 820_196_000)
    }

    @Test("crossing times are exact to the second for random leads", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomCrossings(seed: UInt64) {
        var random = SeededRandom(state: seed)
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        for n in 0..<200 {
            let lead = "L\(n)"
            let start = Int64.random(in: 0..<(3 * Fixture.day), using: &random)
            if Bool.random(using: &random) {
                engine.apply(Fixture.profile(lead, at: Fixture.at(), deal: Double.random(in: 5_000...90_000, using: &random),
                                             industry: Bool.random(using: &random) ? "software" : "retail",
                                             employees: Int.random(in: 1...3000, using: &random)), into: &out)
            }
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let signal = Signal.allCases.filter { !$0.isNegative }.randomElement(using: &random) ?? .webVisit
                let time = Timestamp(millisecondsSinceEpoch: Fixture.t0.millisecondsSinceEpoch + start
                                     + Int64.random(in: 0..<Fixture.day, using: &random))
                engine.apply(Fixture.engagement(lead, signal, at: time), into: &out)
            }
        }
        for n in 0..<200 {
            let lead = "L\(n)"
            guard let view = engine.leads.view(leadID: lead), let bucket = view.bucket,
                  let due = engine.leads.nextDecayTransition(leadID: lead) else { continue }
            #expect(engine.leads.bucket(leadID: lead, at: due)! < bucket)
            let before = Timestamp(millisecondsSinceEpoch: due.millisecondsSinceEpoch - 1000)
            if before >= view.evaluatedAt {
                #expect(engine.leads.bucket(leadID: lead, at: before) == bucket)
            }
            #expect(due.millisecondsSinceEpoch % 1000 == 0)
        }
    }

    @Test("decay is monotone: intent and bucket never rise without an event")
    func monotone() {
        var random = SeededRandom(state: 99)
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        for n in 0..<50 {
            for _ in 0..<5 {
                let signal = Signal.allCases.filter { !$0.isNegative }.randomElement(using: &random) ?? .webVisit
                engine.apply(Fixture.engagement("L\(n)", signal, at: Fixture.at(hours: Double(n)),
                                                multiplier: Double.random(in: 0...3, using: &random)), into: &out)
            }
        }
        for n in 0..<50 {
            var previousIntent = Double.infinity
            var previousBucket = Bucket.a
            for hour in stride(from: 50.0, to: 24 * 120, by: 7.3) {
                let time = Fixture.at(hours: hour)
                let intent = engine.leads.intent(leadID: "L\(n)", at: time) ?? 0
                let bucket = engine.leads.bucket(leadID: "L\(n)", at: time) ?? .nurture
                #expect(intent <= previousIntent)
                #expect(bucket <= previousBucket)
                previousIntent = intent
                previousBucket = bucket
            }
        }
    }
}
