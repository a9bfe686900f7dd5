import Testing
@testable import LeadScoreAnalysis
@testable import LeadScoreCore

/// A challenger is a `LeadBook` that only scores: its bucket changes must be exactly those of a
/// full engine under the same configuration (routing feeds nothing back into scores), and it must
/// make nothing else: no routing, no enrichment request, no breach, even when it starts from the
/// live book's state with first-touch deadlines pending.
@Suite("Scores-only book (challenger)")
struct ScoresOnlyBookTests {
    /// Other weights, half-lives, caps and thresholds than the built-in model.
    static let challenger: ScoringConfig = {
        var c = ScoringConfig()
        c.intent.signals[.demoRequest]?.weight = 10
        c.intent.signals[.pricingPageVisit]?.weight = 25
        c.intent.signals[.pricingPageVisit]?.halfLife = .seconds(3 * 86_400)
        c.intent.signals[.emailOpen]?.maxPointsPerDay = 4
        c.intent.thirdPartyMaxWeight = 40
        c.quality.industryPoints = 5
        return c
    }()

    static func events(leads: Int, days: Int, seed: UInt64) throws -> [InputEvent] {
        var world = GroundTruthWorld(.init(leads: leads, reps: 10, seed: seed, days: days))
        var bytes: [UInt8] = []
        while world.next(into: &bytes) {}
        let decoder = EventDecoder()
        return try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { try decoder.decode(String($0)) }
    }

    static func rescored(_ outputs: [OutputEvent]) -> [LeadRescored] {
        outputs.compactMap { if case .leadRescored(let r) = $0 { r } else { nil } }
    }

    @Test func bucketChangesEqualAFullEngineAndNothingElseIsMade() throws {
        let events = try Self.events(leads: 1_200, days: 40, seed: 11)
        var full = ScoringEngine(config: Self.challenger)
        var fullOut: [OutputEvent] = []
        var shadow = LeadBook(config: Self.challenger)
        shadow.scoresOnly = true
        var desk = NoRoutingDesk()
        var shadowOut: [OutputEvent] = []
        for event in events {
            full.apply(event, into: &fullOut)
            if !event.isRepEvent { shadow.apply(event, reps: &desk, into: &shadowOut) }
        }
        let end = Timestamp(millisecondsSinceEpoch: full.leads.streamTime.millisecondsSinceEpoch + 60 * 86_400_000)
        full.advance(to: end, into: &fullOut)
        shadow.advance(to: end, reps: &desk, into: &shadowOut)
        // The full engine routed, requested enrichment and breached SLAs; the shadow made none of it.
        #expect(fullOut.contains { if case .leadRouted = $0 { true } else { false } })
        #expect(fullOut.contains { if case .leadSLABreached = $0 { true } else { false } })
        #expect(fullOut.contains { if case .enrichmentRequested = $0 { true } else { false } })
        #expect(shadowOut.allSatisfy { if case .leadRescored = $0 { true } else { false } })
        let expected = Self.rescored(fullOut)
        #expect(expected.count > 1_000)
        #expect(Self.rescored(shadowOut) == expected)
    }

    /// Added to a running daemon, a challenger starts from the live book re-read under its own
    /// configuration (what a reload does): leads with pending first-touch deadlines and owners
    /// come with it, and still nothing but bucket changes comes out.
    @Test func aChallengerDerivedFromTheLiveBookMakesOnlyBucketChanges() throws {
        let events = try Self.events(leads: 800, days: 30, seed: 12)
        let half = events.count / 2
        var live = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        for event in events[..<half] { live.apply(event, into: &out) }
        #expect(live.leads.slaTimers.count > 0)
        var bytes: [UInt8] = []
        live.leads.serialize(into: &bytes)
        var shadow = try LeadBook(deserializing: bytes, config: Self.challenger)
        shadow.scoresOnly = true
        var desk = NoRoutingDesk()
        var shadowOut: [OutputEvent] = []
        for event in events[half...] where !event.isRepEvent { shadow.apply(event, reps: &desk, into: &shadowOut) }
        shadow.advance(to: Timestamp(millisecondsSinceEpoch: shadow.streamTime.millisecondsSinceEpoch + 60 * 86_400_000),
                       reps: &desk, into: &shadowOut)
        #expect(Self.rescored(shadowOut).count > 100)
        #expect(shadowOut.allSatisfy { if case .leadRescored = $0 { true } else { false } })
    }

    /// The live model's JSON has no `model` field (byte-identical with and without a challenger);
    /// a challenger's transition names its model last.
    @Test func theModelFieldIsWrittenOnlyWhenSet() throws {
        let events = try Self.events(leads: 50, days: 10, seed: 13)
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        for event in events { engine.apply(event, into: &out) }
        guard var first = Self.rescored(out).first else { Issue.record("no transition"); return }
        let live = OutputEvent.leadRescored(first).jsonString
        #expect(!live.contains("\"model\""))
        first.model = "challenger"
        let shadow = OutputEvent.leadRescored(first).jsonString
        #expect(shadow == String(live.dropLast()) + ",\"model\":\"challenger\"}")
    }
}
