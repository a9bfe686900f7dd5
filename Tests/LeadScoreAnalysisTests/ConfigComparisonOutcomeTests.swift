import Testing
@testable import LeadScoreAnalysis
@testable import LeadScoreCore

@Suite("Evaluation: config comparison outcome and workload deltas")
struct ConfigComparisonOutcomeTests {
    static func compare(_ text: String, candidate: ScoringConfig) -> ConfigComparison.Diff {
        var comparison = ConfigComparison(primary: ScoringConfig(), candidate: candidate, writesPrimaryOutput: false)
        var output: [UInt8] = []
        var splitter = LineSplitter()
        Array(text.utf8).withUnsafeBytes { raw in
            splitter.feed(raw) { line, _ in comparison.feed(line: line, output: &output) } tooLong: { _ in Issue.record("a line too long") }
        }
        splitter.finish { line, _ in comparison.feed(line: line, output: &output) } tooLong: { _ in Issue.record("a line too long") }
        comparison.finish(until: nil, output: &output)
        #expect(output.isEmpty)
        return comparison.diff()
    }

    static let candidate = try! ScoringConfig(yaml: """
        scoring:
          buckets:
            A: 70
            B: 45
            C: 40
        routing:
          cadences:
            B:
              calls: 8
              emails: 2
              days: 20
        """)

    @Test func handComputed() throws {
        // L1: basic 20 + software 15 + salesforce 15 + 1200 employees 10 = 60, score 36: C, and
        //     nurture under the candidate (C >= 40).
        // L2: gold 60 + 15 + 15 + 10 = 100, score 60: B under both.
        // L3: gold 60 + software 15 = 75, score 45: B under both.
        // L4: $6,000 basic 20, score 12: nurture under both.
        let text = """
            {"event_id":"r1","type":"rep_roster","occurred_at":"2026-03-01T00:00:00Z","rep_id":"R-1","name":"Ada","active":true,"capacity_per_day":20}
            {"event_id":"p1","type":"profile","occurred_at":"2026-03-01T01:00:00Z","lead_id":"L1","company":{"industry":"software","employees":1200},"seats":20,"technographics":["salesforce"]}
            {"event_id":"p2","type":"profile","occurred_at":"2026-03-01T01:00:00Z","lead_id":"L2","company":{"industry":"software","employees":1200},"deal_value_usd":100000,"technographics":["salesforce"]}
            {"event_id":"p3","type":"profile","occurred_at":"2026-03-01T01:00:00Z","lead_id":"L3","company":{"industry":"software","employees":10},"deal_value_usd":100000}
            {"event_id":"p4","type":"profile","occurred_at":"2026-03-01T01:00:00Z","lead_id":"L4","company":{"industry":"retail","employees":10},"seats":10}
            {"event_id":"o1","type":"lead_outcome","occurred_at":"2026-03-02T00:00:00Z","lead_id":"L1","rep_id":"R-1","outcome":"no_response"}
            {"event_id":"o2","type":"lead_outcome","occurred_at":"2026-03-02T00:00:00Z","lead_id":"L2","rep_id":"R-1","outcome":"converted"}
            {"event_id":"o4","type":"lead_outcome","occurred_at":"2026-03-02T00:00:00Z","lead_id":"L4","rep_id":"R-1","outcome":"converted"}
            """
        let d = Self.compare(text, candidate: Self.candidate)
        #expect(d.changes.map(\.leadID) == ["L1"])
        #expect(d.primaryBuckets == [.c: 1, .b: 2, .nurture: 1])
        #expect(d.candidateBuckets == [.b: 2, .nurture: 2])

        // Primary run's observed rates: B L2 L3 = 1/2, C L1 = 0/1, nurture L4 = 1/1.
        // L1 moves C -> nurture: 1 - 0 = +1 expected conversion.
        let o = try #require(d.outcomes)
        #expect(o.outcomes == 3)
        #expect(o.rates == [.b: 0.5, .c: 0, .nurture: 1])
        #expect(o.estimatedLeads == 1 && o.unestimatedLeads == 0)
        #expect(o.expectedChange == 1)
        #expect(o.byMove == [ReplayRunner.Transition(from: .c, to: .nurture): 1])

        // Workload: primary B 2 x (5 + 2) / 30 + C 1 x (3 + 1) / 30 = 18/30 = 0.6 touches a day;
        // candidate B 2 x (8 + 2) / 20 = 1.0, C 0.
        #expect(d.workload.rows.map(\.bucket) == [.a, .b, .c])
        let a: Double = 11.0 / 30, b: Double = 7.0 / 30, c: Double = 4.0 / 30
        #expect(d.workload.rows.map(\.primaryTouchesPerLead) == [a, b, c])
        #expect(d.workload.rows.map(\.candidateTouchesPerLead) == [a, 0.5, c])
        #expect(d.workload.rows.map(\.primaryLeads) == [0, 2, 1])
        #expect(d.workload.rows.map(\.candidateLeads) == [0, 2, 0])
        #expect(abs(d.workload.primaryTotal - 0.6) < 1e-12)
        #expect(abs(d.workload.candidateTotal - 1.0) < 1e-12)

        let report = ReplayReport.comparison(d, primaryName: "current", candidateName: "strict")
        #expect(report.contains("  rep workload, cadence touches per day"))
        #expect(report.contains("    total         0.6           1.0           +0.4"))
        #expect(report.contains("rates observed in the primary run): +1.00 over 1 of 1 moved leads"))
        #expect(report.contains("    observed rates: A - B 50.0% C 0.0% nurture 100.0% self_serve -"))
        #expect(report.contains("    C -> nurture            +1.00"))
    }

    @Test func noOutcomesNoConversionEstimate() {
        let text = """
            {"event_id":"p1","type":"profile","occurred_at":"2026-03-01T01:00:00Z","lead_id":"L1","company":{"industry":"software","employees":1200},"seats":20,"technographics":["salesforce"]}
            """
        let d = Self.compare(text, candidate: Self.candidate)
        #expect(d.outcomes == nil)
        #expect(d.changes.count == 1)
        #expect(!ReplayReport.comparison(d, primaryName: "a", candidateName: "b").contains("expected conversions"))
    }

    @Test func expectedChangeAgreesWithAnEvaluationOfTheReplay() throws {
        // On a generated stream: the rates are those of evaluating the primary's own replay output
        // with the input's outcomes, and the change sums them over the moved leads.
        let input = DecodingReplayTests.generate(events: 6_000, leads: 400, seed: 11)
        var comparison = ConfigComparison(primary: ScoringConfig(), candidate: Self.candidate, writesPrimaryOutput: true)
        var output: [UInt8] = []
        var splitter = LineSplitter()
        input.withUnsafeBytes { raw in
            splitter.feed(raw) { line, _ in comparison.feed(line: line, output: &output) } tooLong: { _ in Issue.record("a line too long") }
        }
        comparison.finish(until: nil, output: &output)
        let d = comparison.diff()
        var evaluation = OutcomeEvaluation()
        evaluation.feed(lines: input)
        evaluation.feed(lines: output)
        let rows = evaluation.report().buckets
        let o = try #require(d.outcomes)
        #expect(o.outcomes == evaluation.counts.outcomes)
        var expected = 0.0
        for c in d.changes {
            guard let from = c.primary, let to = c.candidate,
                  let rFrom = rows.first(where: { $0.bucket == from })?.rate,
                  let rTo = rows.first(where: { $0.bucket == to })?.rate else { continue }
            expected += rTo - rFrom
        }
        #expect(!d.changes.isEmpty)
        #expect(abs(o.expectedChange - expected) < 1e-9)
    }
}
