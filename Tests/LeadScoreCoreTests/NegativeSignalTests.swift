import Testing
@testable import LeadScoreCore

@Suite("Negative signals")
struct NegativeSignalTests {
    static let day: Int64 = 86_400

    /// Quality 60 (basic 20 + software 15 + salesforce 15 + 1,000+ employees 10): score 36, so C
    /// with no intent and B from intent 22.5 (score 45).
    static func qualitySixty(_ lead: String, at time: Timestamp) -> InputEvent {
        Fixture.profile(lead, at: time, deal: 12_000, industry: "software", employees: 1_200, techno: ["salesforce"])
    }

    @Test("intent never goes below 0; the breakdown shows the negative contribution")
    func floorAtZero() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Self.qualitySixty("L", at: Fixture.t0), into: &out)
        engine.apply(Fixture.engagement("L", .emailOpen, at: Fixture.t0), into: &out)
        engine.apply(Fixture.engagement("L", .unsubscribe, at: Fixture.t0), into: &out)
        let view = try #require(engine.leads.view(leadID: "L"))
        #expect(view.intent == 0)
        #expect(view.score == 36)
        #expect(view.bucket == .c)
        #expect(view.breakdown.intent.map(\.signal) == ["email_open", "unsubscribe"])
        #expect(view.breakdown.intent.map(\.points) == [1, -20])
        // The raw sum is -19; a demo request (+50) lands on 31, not 50.
        #expect(engine.leads.intent(leadID: "L", at: Fixture.t0) == -19)
        engine.apply(Fixture.engagement("L", .demoRequest, at: Fixture.t0), into: &out)
        #expect(engine.leads.view(leadID: "L")?.intent == 31)
    }

    @Test("a negative signal lowers the bucket at once, as an event")
    func negativeThenRecovery() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Self.qualitySixty("L", at: Fixture.t0), into: &out)
        engine.apply(Fixture.engagement("L", .demoRequest, at: Fixture.t0), into: &out)
        #expect(engine.leads.view(leadID: "L")?.bucket == .b)  // 36 + 20 = 56
        // Two bounces' worth (-20, 14d) 10 days later: demo 50 x 2^(-10/21) = 35.93, minus 20:
        // 15.93, score 42.4, C (the drop by decay alone would have come at day 24.2).
        out.removeAll()
        engine.apply(Fixture.engagement("L", .bounce, at: Fixture.at(days: 10), multiplier: 2), into: &out)
        let drop = try #require(Fixture.rescored(out).first)
        #expect(drop.cause == .event && drop.oldBucket == .b && drop.newBucket == .c)
        // The bounce fades slower than the demo request is left to: the sum only falls, and C is
        // held by quality alone: nothing scheduled.
        #expect(engine.leads.nextDecayTransition(leadID: "L") == nil)
    }

    /// Quality 60 (score 36) with an RFP (+60, 30d) and four bounces' worth (-40, 14d) at t0:
    /// intent 20, score 44, C. The bounce fades faster than the RFP, so the sum rises to a peak
    /// of 23.4 about 13.5 days later and falls again:
    ///
    /// ```python
    /// D = 86400
    /// S = lambda s: 60 * 2 ** (-s / (30 * D)) - 40 * 2 ** (-s / (14 * D))
    /// # first whole second with 36 + 0.4 S >= 45: 514125 (S = 22.4999973 one second before, 22.5000004)
    /// # first whole second after the peak with 36 + 0.4 S < 45: 1966738 (22.5000014, 22.4999993)
    /// ```
    @Test("a rise by decay alone is a decay transition at the exact second, and routes")
    func riseByDecay() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Fixture.roster("R-1"), into: &out)
        engine.apply(Self.qualitySixty("L", at: Fixture.t0), into: &out)
        engine.apply(Fixture.engagement("L", .bounce, at: Fixture.t0, multiplier: 4), into: &out)
        engine.apply(Fixture.engagement("L", .rfpSubmitted, at: Fixture.t0), into: &out)
        #expect(engine.leads.view(leadID: "L")?.bucket == .c)
        #expect(engine.leads.view(leadID: "L")?.intent == 20)
        let up = Fixture.at(seconds: 514_125)
        #expect(engine.leads.nextDecayTransition(leadID: "L") == up)
        #expect(engine.leads.bucket(leadID: "L", at: Fixture.at(seconds: 514_124)) == .c)
        #expect(engine.leads.bucket(leadID: "L", at: up) == .b)

        out.removeAll()
        engine.advance(to: Fixture.at(seconds: 514_124), into: &out)
        // (C's 72h first-touch SLA breaches meanwhile: no transition, no new routing.)
        #expect(Fixture.rescored(out).isEmpty && Fixture.routed(out).isEmpty)
        engine.advance(to: Fixture.at(days: 60), into: &out)
        let transitions = Fixture.rescored(out)
        #expect(transitions.map(\.cause) == [.decay, .decay])
        #expect(transitions.map(\.newBucket) == [.b, .c])
        #expect(transitions.map(\.occurredAt) == [up, Fixture.at(seconds: 1_966_738)])
        #expect(transitions.map(\.seq) == [2, 3])
        // Entering B by decay routes with B's cadence (the owner is kept), like a drop would.
        let routed = Fixture.routed(out)
        #expect(routed.map(\.bucket) == [.b, .c])
        #expect(routed.first?.repID == "R-1")
        #expect(routed.first?.occurredAt == up)
        #expect(engine.leads.nextDecayTransition(leadID: "L") == nil)
    }

    @Test("a nurture lead can rise into C by decay alone")
    func nurtureRises() throws {
        // No profile: C needs intent 50. RFP 60 (30d) x 1.6 = 96 and a spam complaint made
        // short-lived by configuration (-60, 7d): 36 at t0, nurture; the complaint fades first and
        // the sum peaks at about 54.5 some 13 days later.
        var config = Fixture.noHoldout
        config.intent.signals[.spamComplaint] = .init(weight: -60, halfLife: .seconds(7 * 86_400))
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("L", .rfpSubmitted, at: Fixture.t0, multiplier: 1.6), into: &out)
        engine.apply(Fixture.engagement("L", .spamComplaint, at: Fixture.t0), into: &out)
        #expect(engine.leads.view(leadID: "L")?.bucket == .nurture)
        let due = try #require(engine.leads.nextDecayTransition(leadID: "L"))
        // The engine's second: in C there, nurture one second before.
        #expect(engine.leads.bucket(leadID: "L", at: due) == .c)
        #expect(engine.leads.bucket(leadID: "L", at: Timestamp(millisecondsSinceEpoch: due.millisecondsSinceEpoch - 1000)) == .nurture)
        out.removeAll()
        engine.advance(to: Fixture.at(days: 400), into: &out)
        #expect(Fixture.rescored(out).map(\.newBucket) == [.c, .nurture])
        #expect(Fixture.rescored(out).first?.occurredAt == due)
    }

    @Test("Descartes' bound and the roots of exponential sums", arguments: [
        // (coefficients, rates, expected roots (s), tolerance)
        ([1.0, -2.0], [1.0, 2.0], [0.6931471805599453], 1e-4),                  // e^-s = 2 e^-2s at s = ln 2
        ([3.0, 1.0], [1.0, 2.0], [], 0),                                         // no sign change: no root
        ([-1.0, 3.0, -2.0], [0.0, 1.0, 2.0], [0.0, 0.6931471805599453], 1e-4),  // -(1 - e^-s)(1 - 2e^-s): 0 and ln 2
        ([1.0, -1.0], [1.0, 1.0], [], 0),                                        // equal rates merge to zero
    ] as [([Double], [Double], [Double], Double)])
    func roots(coefficients: [Double], rates: [Double], expected: [Double], tolerance: Double) {
        let sum = ExponentialSum(zip(coefficients, rates).map { .init(coefficient: $0, rate: $1) })
        #expect(sum.signChanges >= expected.count)
        // Roots in the open interval: the root at 0 of the third case is outside (0, 10).
        let found = sum.signChangingRoots(in: 0, 10)
        let inside = expected.filter { $0 > 0 }
        #expect(found.count == inside.count)
        for (f, e) in zip(found, inside) { #expect(abs(f - e) <= tolerance) }
    }

    @Test("random exponential sums: roots are sign changes, and never more than Descartes allows")
    func randomSums() {
        var random = SeededRandom(state: 7)
        for _ in 0..<2_000 {
            let n = Int.random(in: 2...6, using: &random)
            let terms = (0..<n).map { _ in
                ExponentialSum.Term(coefficient: Double.random(in: -50...50, using: &random),
                                    rate: Double.random(in: 0.001...2, using: &random))
            }
            let sum = ExponentialSum(terms)
            let roots = sum.signChangingRoots(in: 0, 200)
            #expect(roots.count <= sum.signChanges)
            #expect(roots == roots.sorted())
            for root in roots {
                let a = sum.scaled(at: max(0, root - 1e-3))
                let b = sum.scaled(at: min(200, root + 1e-3))
                #expect((a < 0) != (b < 0) || a == 0 || b == 0 || abs(a) < 1e-9 || abs(b) < 1e-9)
            }
            // No sign change is missed on a fine grid.
            var changes = 0
            var last = sum.scaled(at: 0)
            for k in 1...2_000 {
                let v = sum.scaled(at: Double(k) * 0.1)
                if v != 0 && last != 0 && (v < 0) != (last < 0) { changes += 1 }
                if v != 0 { last = v }
            }
            #expect(changes <= roots.count)
        }
    }
}
