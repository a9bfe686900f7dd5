import Testing
@testable import LeadScoreCore

@Suite("Daily caps")
struct DailyCapTests {
    /// Default: `email_open` (1 point, 3d) counts at most 3 points per UTC day of `occurred_at`.
    @Test("the 4th email_open of a day is ignored, the first of the next day counts")
    func dayBoundary() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        let lateEvening = Fixture.at(hours: 23)  // 2026-06-01T23:00Z
        for k in 0..<4 {
            engine.apply(Fixture.engagement("L", .emailOpen, at: Timestamp(millisecondsSinceEpoch: lateEvening.millisecondsSinceEpoch + Int64(k) * 60_000)),
                         into: &out)
        }
        #expect(engine.leads.cappedEvents == 1)
        // 3 points at 23:00-23:02 (the 4th at 23:03 was capped), seen at 23:03.
        let at2303 = Timestamp(millisecondsSinceEpoch: lateEvening.millisecondsSinceEpoch + 180_000)
        let expected2303 = power2(-1 / 4320.0) + power2(-2 / 4320.0) + power2(-3 / 4320.0)  // minutes / (3d in minutes)
        #expect(abs(try #require(engine.leads.intent(leadID: "L", at: at2303)) - expected2303) < 1e-12)

        // 2026-06-02T00:00Z: a new UTC day, a new allowance.
        let midnight = Fixture.at(days: 1)
        engine.apply(Fixture.engagement("L", .emailOpen, at: midnight), into: &out)
        #expect(engine.leads.cappedEvents == 1)
        // At midnight: the three opens are 60, 59 and 58 minutes old, plus 1.
        let expected = power2(-60 / 4320.0) + power2(-59 / 4320.0) + power2(-58 / 4320.0) + 1
        #expect(abs(try #require(engine.leads.intent(leadID: "L", at: midnight)) - expected) < 1e-12)
    }

    @Test("a multiplied event is cut to what is left of the day's allowance")
    func partial() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("L", .emailOpen, at: Fixture.t0), into: &out)
        engine.apply(Fixture.engagement("L", .emailOpen, at: Fixture.t0, multiplier: 5), into: &out)
        #expect(engine.leads.intent(leadID: "L", at: Fixture.t0) == 3)
        #expect(engine.leads.cappedEvents == 1)
    }

    @Test("a late event of an earlier day draws on the latest day's allowance")
    func lateEvent() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        // Day 2: two opens at noon.
        engine.apply(Fixture.engagement("L", .emailOpen, at: Fixture.at(days: 1.5)), into: &out)
        engine.apply(Fixture.engagement("L", .emailOpen, at: Fixture.at(days: 1.5)), into: &out)
        // Two late opens from day 1 (23:00): the first takes day 2's last point, the second is capped.
        engine.apply(Fixture.engagement("L", .emailOpen, at: Fixture.at(hours: 23)), into: &out)
        engine.apply(Fixture.engagement("L", .emailOpen, at: Fixture.at(hours: 23)), into: &out)
        #expect(engine.leads.cappedEvents == 1)
        // At noon of day 2: 2 + the late open decayed over its 13 hours (3d = 72h half-life).
        let expected = 2 + power2(-13 / 72.0)
        #expect(abs(try #require(engine.leads.intent(leadID: "L", at: Fixture.at(days: 1.5))) - expected) < 1e-12)
    }

    @Test("caps are per lead and per signal; an uncapped signal is never cut")
    func perLeadAndSignal() {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        for _ in 0..<5 {
            engine.apply(Fixture.engagement("L", .emailOpen, at: Fixture.t0), into: &out)
            engine.apply(Fixture.engagement("M", .emailOpen, at: Fixture.t0), into: &out)
            engine.apply(Fixture.engagement("L", .blogVisit, at: Fixture.t0), into: &out)
        }
        #expect(engine.leads.intent(leadID: "L", at: Fixture.t0) == 13.0)
        #expect(engine.leads.intent(leadID: "M", at: Fixture.t0) == 3)
        #expect(engine.leads.cappedEvents == 4)
    }

    @Test("a cap on a negative signal bounds its magnitude")
    func negativeCap() {
        var config = Fixture.noHoldout
        config.intent.signals[.bounce] = .init(weight: -10, halfLife: .seconds(14 * 86_400), maxPointsPerDay: 15)
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("L", .demoRequest, at: Fixture.t0), into: &out)
        for _ in 0..<3 { engine.apply(Fixture.engagement("L", .bounce, at: Fixture.t0), into: &out) }
        #expect(engine.leads.intent(leadID: "L", at: Fixture.t0) == 35)
    }
}

extension DailyCapTests {
    /// The daemon counts capped events as a metric from what `apply` returns, per event, so the
    /// count needs no book-wide counter that a reload or restore would reset.
    @Test("apply says which events a cap cut: appliedCapped, otherwise applied")
    func applyOutcomeNamesCappedEvents() {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        var outcomes: [ApplyOutcome] = []
        for k in 0..<5 {
            let at = Timestamp(millisecondsSinceEpoch: Fixture.t0.millisecondsSinceEpoch + Int64(k) * 60_000)
            outcomes.append(engine.apply(Fixture.engagement("L", .emailOpen, at: at), into: &out))
        }
        #expect(outcomes == [.applied, .applied, .applied, .appliedCapped, .appliedCapped])
        // An uncapped signal on the same lead is applied as usual.
        #expect(engine.apply(Fixture.engagement("L", .webVisit, at: Fixture.at(hours: 1)), into: &out) == .applied)
    }
}
