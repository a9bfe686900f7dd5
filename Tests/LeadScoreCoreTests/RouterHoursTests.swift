import Testing
@testable import LeadScoreCore

/// Working hours in routing: A leads prefer reps at work; B and C count business hours.
@Suite("Routing: working hours and SLA clocks")
struct RouterHoursTests {
    /// 09:00-17:00 UTC Monday to Friday. Fixture.t0 (2026-06-01T00:00Z) is a Monday at midnight:
    /// off hours; 10:00 the same day is in hours.
    static let office: WorkingHours = {
        let span = WorkingHours.Span(start: 9 * 60, end: 17 * 60)
        return WorkingHours(timeZone: WorkingHours.zone(named: "UTC")!, week: Array(repeating: [span], count: 5) + [[], []])
    }()
    static let offHours = Fixture.t0
    static let inHours = Fixture.at(hours: 10)

    enum Hours: String, Sendable, CustomTestStringConvertible {
        case none, office
        var calendar: WorkingHours? { self == .office ? RouterHoursTests.office : nil }
        var testDescription: String { rawValue }
    }

    static func roster(_ rep: String, _ hours: Hours, capacity: Int = 10) -> InputEvent {
        .repRoster(RepRosterEvent(eventID: "r-\(rep)", occurredAt: Fixture.t0, repID: rep, name: rep, active: true,
                                  capacityPerDay: capacity, workingHours: hours.calendar))
    }

    /// Six reps, r1 > r2 > ... > r6 by conversion: tiers {r1, r2} top, {r3, r4} middle, {r5, r6}
    /// bottom. `hours` gives the calendars of r1...r6 (missing: none).
    static func engine(_ hours: [Hours], config: ScoringConfig = Fixture.noHoldout) -> ScoringEngine {
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        let reps = (1...6).map { "r\($0)" }
        for (k, rep) in reps.enumerated() { engine.apply(roster(rep, k < hours.count ? hours[k] : .none), into: &out) }
        for (k, rep) in reps.enumerated() {
            for n in 0..<10 {
                engine.apply(Fixture.outcome(rep, n < 9 - k ? .converted : .noResponse, at: Fixture.at(days: -10)), into: &out)
            }
        }
        return engine
    }

    static func leadA(_ id: String, at time: Timestamp) -> [InputEvent] {
        [Fixture.engagement(id, .formFill, at: time, multiplier: 1.5),
         Fixture.profile(id, at: time, deal: 80_000, industry: "software", employees: 5000, techno: ["hubspot"], country: "US")]
    }

    struct PreferenceCase: CustomTestStringConvertible, Sendable {
        var name: String
        var hours: [Hours]
        var at: Timestamp
        var bucketA = true
        var chosen: String
        var statuses: [String: RoutingCandidate.Status]
        var testDescription: String { name }
    }

    static let preferenceCases: [PreferenceCase] = [
        PreferenceCase(name: "no calendars: the best of the top tier", hours: [], at: offHours, chosen: "r1",
                       statuses: ["r2": .lowerScore, "r3": .lowerTier]),
        PreferenceCase(name: "the best is off hours, the second works: the second, the best off_hours",
                       hours: [.office, .none], at: offHours, chosen: "r2", statuses: ["r1": .offHours, "r3": .lowerTier]),
        PreferenceCase(name: "both of the top tier off hours: the usual choice, no off_hours",
                       hours: [.office, .office, .none], at: offHours, chosen: "r1",
                       statuses: ["r2": .lowerScore, "r3": .lowerTier]),
        PreferenceCase(name: "in hours everyone works: the usual choice", hours: [.office, .office], at: inHours, chosen: "r1",
                       statuses: ["r2": .lowerScore]),
        PreferenceCase(name: "the best works, the second is off: the best, the second lower_score",
                       hours: [.none, .office], at: offHours, chosen: "r1", statuses: ["r2": .lowerScore]),
        PreferenceCase(name: "the preference stays inside the tier: a working middle-tier rep does not win",
                       hours: [.office, .office, .none, .none], at: offHours, chosen: "r1",
                       statuses: ["r2": .lowerScore, "r3": .lowerTier]),
        PreferenceCase(name: "B leads ignore working hours", hours: [.office, .none], at: offHours, bucketA: false, chosen: "r1",
                       statuses: ["r2": .lowerScore]),
    ]

    @Test("A leads prefer reps inside working hours within their tier group", arguments: preferenceCases)
    func preference(_ c: PreferenceCase) throws {
        var engine = Self.engine(c.hours)
        var out: [OutputEvent] = []
        let events = c.bucketA ? Self.leadA("L", at: c.at) : [Fixture.profile("L", at: c.at, deal: 80_000, industry: "software")]
        for event in events { engine.apply(event, into: &out) }
        let routed = try #require(Fixture.routed(out).last)
        #expect(routed.bucket == (c.bucketA ? .a : .b))
        #expect(routed.repID == c.chosen)
        #expect(routed.rule == .repScore)
        let statuses = Dictionary(uniqueKeysWithValues: routed.candidates.map { ($0.repID, $0.status) })
        #expect(statuses[c.chosen] == .chosen)
        for (rep, status) in c.statuses { #expect(statuses[rep] == status, "\(rep)") }
    }

    @Test("holdout A leads take the first working rep of the round-robin; the skipped get off_hours")
    func holdoutPrefersWorking() throws {
        var config = ScoringConfig()
        config.routing.holdoutShare = 1
        var engine = Self.engine([.office, .none, .office], config: config)
        var out: [OutputEvent] = []
        for event in Self.leadA("L1", at: Self.offHours) { engine.apply(event, into: &out) }
        for event in Self.leadA("L2", at: Self.offHours) { engine.apply(event, into: &out) }
        let routed = Fixture.routed(out)
        #expect(routed.map(\.repID) == ["r2", "r4"])
        #expect(routed.allSatisfy { $0.holdout && $0.rule == .holdoutRoundRobin })
        #expect(routed[0].candidates.first { $0.repID == "r1" }?.status == .offHours)
        // The cursor moved past r2: r3 (off hours) is skipped next.
        #expect(routed[1].candidates.first { $0.repID == "r3" }?.status == .offHours)
        #expect(routed[1].candidates.first { $0.repID == "r1" }?.status == .lowerScore)
    }

    struct ClockCase: CustomTestStringConvertible, Sendable {
        var bucket: Bucket
        var clock: SLAClock?
        var repHasHours: Bool
        var due: Timestamp
        var usedClock: SLAClock
        var testDescription: String { "\(bucket.name) \(clock?.rawValue ?? "default") hours=\(repHasHours)" }
    }

    static let clockCases: [ClockCase] = [
        // A (wall by default): t0 + 1h.
        ClockCase(bucket: .a, clock: nil, repHasHours: true, due: Fixture.at(hours: 1), usedClock: .wall),
        // A on business: Mon 09:00 + 1h.
        ClockCase(bucket: .a, clock: .business, repHasHours: true, due: Fixture.at(hours: 10), usedClock: .business),
        // B (business by default), 24h: Mon 8h, Tue 8h, Wed 09:00 + 8h = Wed 17:00.
        ClockCase(bucket: .b, clock: nil, repHasHours: true, due: Fixture.at(days: 2, hours: 17), usedClock: .business),
        ClockCase(bucket: .b, clock: .wall, repHasHours: true, due: Fixture.at(hours: 24), usedClock: .wall),
        ClockCase(bucket: .b, clock: nil, repHasHours: false, due: Fixture.at(hours: 24), usedClock: .wall),
        // C, 72h = 9 working days: Mon-Fri (40h), Mon-Thu of the next week (32h): Thu Jun 11 17:00.
        ClockCase(bucket: .c, clock: nil, repHasHours: true, due: Fixture.at(days: 10, hours: 17), usedClock: .business),
        ClockCase(bucket: .c, clock: nil, repHasHours: false, due: Fixture.at(hours: 72), usedClock: .wall),
    ]

    @Test("sla_due_at per bucket: wall for A, business for B and C by default; wall without a calendar", arguments: clockCases)
    func slaClock(_ c: ClockCase) throws {
        var config = Fixture.noHoldout
        if let clock = c.clock {
            switch c.bucket {
            case .a: config.routing.cadenceA.slaClock = clock
            case .b: config.routing.cadenceB.slaClock = clock
            default: config.routing.cadenceC.slaClock = clock
            }
        }
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        engine.apply(Self.roster("r1", c.repHasHours ? .office : .none), into: &out)
        let events: [InputEvent] = switch c.bucket {
        case .a: Self.leadA("L", at: Fixture.t0)
        case .b: [Fixture.profile("L", at: Fixture.t0, deal: 80_000, industry: "software")]
        default: [Fixture.profile("L", at: Fixture.t0, deal: 15_000)]
        }
        for event in events { engine.apply(event, into: &out) }
        let routed = try #require(Fixture.routed(out).last)
        #expect(routed.bucket == c.bucket)
        #expect(routed.repID == "r1")
        #expect(routed.slaDueAt == c.due)
        #expect(routed.slaClock == c.usedClock)
    }

    @Test("a roster event without a calendar clears the old one")
    func rosterReplacesCalendar() throws {
        var engine = ScoringEngine(config: Fixture.noHoldout)
        var out: [OutputEvent] = []
        engine.apply(Self.roster("r1", .office), into: &out)
        engine.apply(Self.roster("r1", .none), into: &out)
        engine.apply(Fixture.profile("L", at: Fixture.t0, deal: 80_000, industry: "software"), into: &out)
        let routed = try #require(Fixture.routed(out).last)
        #expect(routed.slaClock == .wall)
        #expect(routed.slaDueAt == Fixture.at(hours: 24))
    }
}
