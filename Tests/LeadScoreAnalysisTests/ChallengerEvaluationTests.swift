import LeadScoreTestSupport
import Testing
@testable import LeadScoreAnalysis
@testable import LeadScoreCore

/// `leadscore evaluate` fed the live topics and the challenger's: the challenger's bucket changes
/// (a `lead_rescored` with a `model` field) never enter the live model's histories, and the
/// report gains a comparison of the two on the same leads and outcomes.
@Suite("Evaluation of a challenger beside the champion")
struct ChallengerEvaluationTests {
    /// A small ground-truth world, replayed under the built-in model (the champion's outputs, as on
    /// `lead-scores` and `lead-routing`) and under `challenger` (its bucket changes only, with
    /// `model` set, as on `lead-scores-challenger`), as JSON lines.
    struct World {
        var inputs: [[UInt8]]
        var champion: [[UInt8]]
        var challenger: [[UInt8]]
    }

    static func world(challenger config: ScoringConfig, leads: Int = 1_500, days: Int = 40, seed: UInt64 = 21) throws -> World {
        var world = GroundTruthWorld(.init(leads: leads, reps: 10, seed: seed, days: days))
        var bytes: [UInt8] = []
        while world.next(into: &bytes) {}
        let inputs = bytes.split(separator: UInt8(ascii: "\n")).map(Array.init)
        let decoder = EventDecoder()
        let events = try inputs.map { try decoder.decode($0) }
        return World(inputs: inputs, champion: replay(events, ScoringConfig(), model: nil),
                     challenger: replay(events, config, model: "challenger"))
    }

    /// The outputs of a replay; with `model`, only its `lead_rescored` events, marked with it.
    static func replay(_ events: [InputEvent], _ config: ScoringConfig, model: String?) -> [[UInt8]] {
        var engine = ScoringEngine(config: config)
        var out: [OutputEvent] = []
        for event in events { engine.apply(event, into: &out) }
        engine.advance(to: Timestamp(millisecondsSinceEpoch: engine.leads.streamTime.millisecondsSinceEpoch + 30 * 86_400_000), into: &out)
        return out.compactMap { event -> [UInt8]? in
            var event = event
            if let model {
                guard case .leadRescored(var r) = event else { return nil }
                r.model = model
                event = .leadRescored(r)
            }
            var line: [UInt8] = []
            event.appendJSON(to: &line)
            return line
        }
    }

    static func evaluation(_ groups: [[UInt8]]...) -> OutcomeEvaluation {
        var e = OutcomeEvaluation()
        for group in groups {
            for line in group { line.withUnsafeBytes { _ = e.feed(line: $0) } }
        }
        return e
    }

    @Test func challengerLinesLeaveTheChampionsReportByteIdentical() async throws {
        try await onOwnThread {
            let w = try Self.world(challenger: ScoresOnlyBookTests.challenger)
            #expect(w.challenger.count > 500)
            #expect(w.challenger.allSatisfy { String(decoding: $0, as: UTF8.self).hasSuffix(#","model":"challenger"}"#) })
            let alone = Self.evaluation(w.inputs, w.champion).report()
            #expect(alone.comparison == nil)
            // The challenger's lines first, in the middle and last: order does not matter.
            let half = w.challenger.count / 2
            for both in [Self.evaluation(w.challenger, w.inputs, w.champion),
                         Self.evaluation(w.inputs, Array(w.challenger[..<half]), w.champion, Array(w.challenger[half...]))] {
                var report = both.report()
                #expect(both.challengerRescored == w.challenger.count)
                #expect(report.comparison != nil)
                report.comparison = nil
                #expect(report.jsonString == alone.jsonString)
                #expect(report == alone)
            }
        }
    }

    @Test func theComparisonCountsEveryComparedLeadOnceInTheMatrix() async throws {
        try await onOwnThread {
            let w = try Self.world(challenger: ScoresOnlyBookTests.challenger)
            let report = Self.evaluation(w.inputs, w.champion, w.challenger).report()
            let c = try #require(report.comparison)
            #expect(c.leads > 1_000)
            #expect(c.agreement.count == 6 && c.agreement.allSatisfy { $0.count == 6 })
            #expect(c.agreement.joined().reduce(0, +) == c.leads)
            // Rows are the champion's buckets, columns the challenger's.
            for (i, row) in c.agreement.enumerated() {
                #expect(row.reduce(0, +) == c.champion.buckets[i].leads)
                #expect(c.agreement.reduce(0) { $0 + $1[i] } == c.challenger.buckets[i].leads)
            }
            #expect(c.champion.buckets.reduce(0) { $0 + $1.leads } == c.leads)
            #expect(c.challenger.buckets.reduce(0) { $0 + $1.conversions } == c.conversions)
            // The champion's compared leads are its evaluated leads, less those the challenger has no bucket for.
            #expect(c.leads + c.championOnly == report.population.evaluated)
            #expect(c.agreeing < c.leads, "a different model should move some leads")
            #expect(c.champion.auc != nil && c.challenger.auc != nil)
            #expect(!c.verdict.isEmpty && !c.verdict.contains("cannot be told apart"))
            try EvaluationSchemaTests.check(report)
        }
    }

    @Test func aChallengerIdenticalToTheChampionAgreesEverywhere() throws {
        let w = try Self.world(challenger: ScoringConfig(), leads: 800, days: 30)
        let report = Self.evaluation(w.inputs, w.champion, w.challenger).report()
        let c = try #require(report.comparison)
        #expect(c.leads == report.population.evaluated)
        #expect(c.championOnly == 0 && c.challengerOnly == 0)
        #expect(c.agreeing == c.leads)
        #expect(c.champion == c.challenger)
        #expect(c.conversions == report.population.conversions)
        #expect(c.champion.buckets == report.buckets)
        let d = try #require(c.topBucketDifference)
        #expect(d.difference == 0 && !d.isSignificant)
        #expect(c.verdict.contains("cannot be told apart"), "\(c.verdict)")
    }

    /// `model: null` is the live model's; any other value the challenger's.
    @Test func aNullModelIsTheChampions() {
        let line = EvaluationFixture.rescored("L01", 1, "A", 80, h: 0)
        let withNull = String(line.dropLast()) + #","model":null}"#
        let withOther = String(line.dropLast()) + #","model":"shadow-2"}"#
        let e = EvaluationFixture.evaluation([withNull, withOther, EvaluationFixture.outcome("L01", "converted", h: 1)])
        #expect(e.counts.rescored == 1 && e.challengerRescored == 1)
        #expect(e.counts.lines == 2)
        let c = e.report().comparison
        #expect(c?.leads == 1 && c?.agreeing == 1 && c?.conversions == 1)
    }

    /// A replay under the challenger's configuration has no `model` field: read as the
    /// challenger's output, its bucket changes count and its routing is left out.
    @Test func aChallengerReplayReadAsSuch() throws {
        let w = try Self.world(challenger: ScoringConfig(), leads: 400, days: 20)
        let events = try w.inputs.map { try EventDecoder().decode($0) }
        let replayed = Self.replay(events, ScoresOnlyBookTests.challenger, model: nil)
        let marked = Self.replay(events, ScoresOnlyBookTests.challenger, model: "challenger")
        var plain = Self.evaluation(w.inputs, w.champion)
        for line in replayed { line.withUnsafeBytes { _ = plain.feed(challengerLine: $0) } }
        let viaTopic = Self.evaluation(w.inputs, w.champion, marked)
        #expect(plain.report() == viaTopic.report())
    }
}
