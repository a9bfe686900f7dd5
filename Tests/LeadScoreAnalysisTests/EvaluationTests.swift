import Foundation
import Testing
@testable import LeadScoreAnalysis
@testable import LeadScoreCore

@Suite("Evaluation")
struct EvaluationTests {
    typealias F = EvaluationFixture

    static func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    /// The fixture's report, every number computed by hand.
    @Test func handComputed() throws {
        let r = F.evaluation(F.lines).report(timeSlices: 4)

        // Inputs: 18 rescored, 17 routed (L10's nurture has none), 12 outcomes, nothing skipped.
        #expect(r.inputs.lines == F.lines.count)
        #expect(r.inputs.rescored == 18)
        #expect(r.inputs.routed == 17)
        #expect(r.inputs.outcomes == 12)
        #expect(r.inputs.skipped == 0)

        // Leads with a lead_rescored: L01-L12 = 12. L12 converted before its first bucket: left
        // out. Evaluated: 11. L13 has an outcome only. Labelled (evaluated with an outcome): all but
        // L03 and L09 = 9. Conversions: L01, L02, L04, L05, L11 = 5. Base rate 5/11.
        #expect(r.population.leads == 12)
        #expect(r.population.withoutBucket == 1)
        #expect(r.population.evaluated == 11)
        #expect(r.population.outcomesWithoutScores == 1)
        #expect(r.population.labelled == 9)
        #expect(r.population.conversions == 5)
        #expect(Self.close(r.population.baseRate, 5.0 / 11))

        // Evaluated buckets: A = L01 L02 L03 L04 (3 converted), B = L05 L06 L07 (1),
        // C = L08 L09 (0), nurture = L10 (0), self_serve = L11 (1).
        // Lift = rate / (5/11): A 0.75 x 11/5 = 1.65, B 1/3 x 11/5 = 11/15, C 0, nurture 0,
        // self_serve 11/5 = 2.2.
        #expect(r.buckets.map(\.bucket) == [.a, .b, .c, .nurture, .selfServe, .disqualified])
        #expect(r.buckets.map(\.leads) == [4, 3, 2, 1, 1, 0])
        #expect(r.buckets.map(\.conversions) == [3, 1, 0, 0, 1, 0])
        let rates = [0.75, 1.0 / 3, 0, 0, 1]
        let lifts = [1.65, 11.0 / 15, 0, 0, 2.2]
        for i in 0..<5 {
            #expect(Self.close(r.buckets[i].rate, rates[i]), "rate \(i)")
            #expect(Self.close(r.buckets[i].lift, lifts[i]), "lift \(i)")
        }

        // Precision/recall: "A" 3 of 4 leads, 3 of 5 conversions; "A or B" 4 of 7, 4 of 5.
        #expect(r.selections.map(\.name) == ["A", "A or B"])
        #expect(r.selections[0].leads == 4 && r.selections[0].conversions == 3)
        #expect(Self.close(r.selections[0].precision, 0.75))
        #expect(Self.close(r.selections[0].recall, 0.6))
        #expect(r.selections[1].leads == 7 && r.selections[1].conversions == 4)
        #expect(Self.close(r.selections[1].precision, 4.0 / 7))
        #expect(Self.close(r.selections[1].recall, 0.8))

        // Uplift. A: model L01 L02 L03 = 2/3, holdout L04 = 1/1; d = -1/3,
        //   se = sqrt((2/3)(1/3)/3 + 1 x 0 / 1) = sqrt(2/27) = 0.2721655269759087,
        //   CI = -1/3 -+ 1.959963984540054 x se = [-0.8667679640394789, 0.2001012973728121].
        // B: model L05 L06 = 1/2, holdout L07 = 0/1; d = 0.5, se = sqrt(0.25/2) = 0.3535533905932738,
        //   CI = [-0.19295191217483898, 1.192951912174839].
        // C: model L08 = 0/1, L09 had no rep, no holdout: no difference.
        // Pooled: model 3/6, holdout 1/2; d = 0, se = sqrt(0.25/6 + 0.25/2) = sqrt(1/6) = 0.408248290463863,
        //   CI = [-0.8001519460592184, 0.8001519460592184]: not significant.
        let a = try #require(r.uplift.buckets[0].difference)
        #expect(r.uplift.buckets[0].model == .init(leads: 3, conversions: 2))
        #expect(r.uplift.buckets[0].holdout == .init(leads: 1, conversions: 1))
        #expect(Self.close(a.difference, -1.0 / 3))
        #expect(Self.close(a.standardError, 0.2721655269759087))
        #expect(Self.close(a.lower, -0.8667679640394789))
        #expect(Self.close(a.upper, 0.2001012973728121))
        #expect(!a.isSignificant)
        let b = try #require(r.uplift.buckets[1].difference)
        #expect(r.uplift.buckets[1].model == .init(leads: 2, conversions: 1))
        #expect(r.uplift.buckets[1].holdout == .init(leads: 1, conversions: 0))
        #expect(Self.close(b.difference, 0.5))
        #expect(Self.close(b.lower, -0.19295191217483898))
        #expect(Self.close(b.upper, 1.192951912174839))
        #expect(r.uplift.buckets[2].model == .init(leads: 1, conversions: 0))
        #expect(r.uplift.buckets[2].holdout == .init(leads: 0, conversions: 0))
        #expect(r.uplift.buckets[2].difference == nil)
        #expect(r.uplift.withoutRep == 1)
        let all = try #require(r.uplift.overall.difference)
        #expect(r.uplift.overall.bucket == nil)
        #expect(r.uplift.overall.model == .init(leads: 6, conversions: 3))
        #expect(r.uplift.overall.holdout == .init(leads: 2, conversions: 1))
        #expect(Self.close(all.difference, 0))
        #expect(Self.close(all.standardError, 0.408248290463863))
        #expect(Self.close(all.lower, -0.8001519460592184))
        #expect(Self.close(all.upper, 0.8001519460592184))

        // Tiers (chosen candidate of the routing in force): A/0 L01 L02 (2/2), A/1 L03 (0/1),
        // A/2 L04 (1/1), B/0 L05 L07 (1/2), B/1 L06 (0/1), B/2 none, C/0 none, C/1 none,
        // C/2 L08 (0/1); L09 had no rep.
        let tiers = r.tiers.map { "\($0.bucket.name)\($0.tier):\($0.group.conversions)/\($0.group.leads)" }
        #expect(tiers == ["A0:2/2", "A1:0/1", "A2:1/1", "B0:1/2", "B1:0/1", "B2:0/0", "C0:0/0", "C1:0/0", "C2:0/1"])

        // Calibration: scores ascending L10 10, L09 22, L11 35*, L08 40, L06 46, L05 55*, L07 65,
        // L03 72, L01 75*, L02 80*, L04 90* (* converted). n = 11: decile i holds ranks
        // floor(11i/10) ..< floor(11(i+1)/10): one lead each for deciles 1-9, two (80, 90) for 10.
        #expect(r.calibration.count == 10)
        #expect(r.calibration.map(\.minScore) == [10, 22, 35, 40, 46, 55, 65, 72, 75, 80])
        #expect(r.calibration.map(\.maxScore) == [10, 22, 35, 40, 46, 55, 65, 72, 75, 90])
        #expect(r.calibration.map(\.meanScore) == [10, 22, 35, 40, 46, 55, 65, 72, 75, 85])
        #expect(r.calibration.map(\.group.leads) == [1, 1, 1, 1, 1, 1, 1, 1, 1, 2])
        #expect(r.calibration.map(\.group.conversions) == [0, 0, 1, 0, 0, 1, 0, 0, 1, 2])

        // Drift, halves. Window h0 (L01) to h40 (L02's decay); midpoint h20.
        // First half (rescored at or before h20, bucket in force at h20): all 12 leads:
        //   A L01 L02 L03 L04, B L05 L06 (h20 inclusive) L07 L12, C L08 L09, nurture L10, self_serve L11
        //   = [4, 4, 2, 1, 1]; scores 75 80 72 90 55 46 65 40 22 10 35 50 -> bins
        //   [0, 1, 1, 1, 2, 2, 1, 2, 1, 1].
        // Second half (rescored after h20): L02 (B 50 at h40), L06 (C 25 at h30) = [0, 1, 1, 0, 0],
        //   bins [0, 0, 1, 0, 0, 1, 0, 0, 0, 0].
        // Bucket PSI: shares e = [1/3, 1/3, 1/6, 1/12, 1/12], a = [.0001, .5, .5, .0001, .0001]:
        //   (a - e) ln(a / e) = 2.703098188 + 0.067577518 + 0.366204096 + 0.559780267 + 0.559780267
        //   = 4.25644033615535.
        // Score PSI: e = [.0001, 1/12, 1/12, 1/12, 2/12, 2/12, 1/12, 2/12, 1/12, 1/12],
        //   a = [.0001, .0001, .5, .0001, .0001, .5, .0001, .0001, .0001, .0001]:
        //   0 + 0.559780267 + 0.746566446 + 0.559780267 + 1.235688292 + 0.366204096 + 0.559780267
        //   + 1.235688292 + 0.559780267 + 0.559780267 = 6.383048460520533.
        #expect(r.drift.mode == .halves)
        #expect(r.drift.windowStart == F.time(0))
        #expect(r.drift.windowEnd == F.time(40))
        #expect(r.drift.midpoint == F.time(20))
        #expect(r.drift.expected.leads == 12)
        #expect(r.drift.expected.buckets == [4, 4, 2, 1, 1, 0])
        #expect(r.drift.expected.scoreBins == [0, 1, 1, 1, 2, 2, 1, 2, 1, 1])
        #expect(r.drift.actual.leads == 2)
        #expect(r.drift.actual.buckets == [0, 1, 1, 0, 0, 0])
        #expect(r.drift.actual.scoreBins == [0, 0, 1, 0, 0, 1, 0, 0, 0, 0])
        #expect(Self.close(r.drift.bucketPSI, 4.25644033615535))
        #expect(Self.close(r.drift.scorePSI, 6.383048460520533))

        // Mix, 4 slices of 10 h: at h10 nine leads have a bucket (L07 L08 L09 come later):
        //   A L01 L02 L03 L06, B L04 L05 L12, C L10, self_serve L11 = [4, 3, 1, 0, 1];
        //   h20 = the first half's [4, 4, 2, 1, 1]; h30 L06 to C: [4, 3, 3, 1, 1];
        //   h40 L02 to B: [3, 4, 3, 1, 1].
        #expect(r.mix.map(\.end) == [F.time(10), F.time(20), F.time(30), F.time(40)])
        #expect(r.mix.map(\.counts) == [[4, 3, 1, 0, 1, 0], [4, 4, 2, 1, 1, 0], [4, 3, 3, 1, 1, 0], [3, 4, 3, 1, 1, 0]])

        // Verdict: 0.75 > 1/3 > 0; pooled uplift inconclusive.
        #expect(r.verdict.ordered == true)
        #expect(r.verdict.upliftPositive == nil)
        #expect(r.verdict.upliftMeasured)
        #expect(r.verdictLines[0] == "A > B > C: yes (A 75.0%, B 33.3%, C 0.0%)")
        #expect(r.verdictLines[1] == "model routing beats the holdout: inconclusive (+0.0 pts, 95% CI -80.0 to +80.0; the interval includes 0)")
        #expect(r.verdictLines[2].hasPrefix("bucket mix drift (second half against first half): PSI 4.256, major shift"))
    }

    @Test func typedEventsGiveTheSameReportAsLines() {
        var typed = OutcomeEvaluation()
        let decoder = EventDecoder()
        // The same facts as a few fixture lines, given as values.
        typed.addRescored(leadID: "L01", seq: 1, bucket: .c, score: 30, at: F.time(0))
        typed.addRouted(leadID: "L01", seq: 1, holdout: false, hasRep: true, tier: 2, at: F.time(0))
        typed.addRescored(leadID: "L01", seq: 2, bucket: .a, score: 75, at: F.time(10))
        typed.addRouted(leadID: "L01", seq: 2, holdout: false, hasRep: true, tier: 0, at: F.time(10))
        if let e = try? decoder.decode(F.outcome("L01", "converted", h: 20)) { typed.add(e) }
        let lines = F.evaluation(Array(F.lines[0..<5]))
        var a = typed.report()
        let b = lines.report()
        #expect(a.inputs.lines == 0)
        a.inputs.lines = b.inputs.lines
        #expect(a == b)
    }

    @Test(arguments: [1 as UInt64, 2, 3, 42])
    func orderDoesNotMatter(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var shuffled = F.lines
        for i in shuffled.indices.reversed() where i > 0 {
            shuffled.swapAt(i, rng.below(i + 1))
        }
        #expect(shuffled != F.lines)
        let expected = F.evaluation(F.lines).report(timeSlices: 4)
        #expect(F.evaluation(shuffled).report(timeSlices: 4) == expected)
        // Every output line twice (a topic read twice): the same report but for the counts.
        let outputs = F.lines.filter { !$0.contains(#""type":"lead_outcome""#) }
        var doubled = F.evaluation(shuffled + outputs).report(timeSlices: 4)
        doubled.inputs = expected.inputs
        #expect(doubled == expected)
    }

    /// The bucket in force at a lead's evaluated moment, for small histories.
    static func evaluatedBucket(_ lines: [String]) -> [Int] {
        F.evaluation(lines).report().buckets.map(\.conversions)
    }

    @Test func conversionAfterALaterRecordedDowngradeCountsInTheOldBucket() {
        // Converted at h5 while in A; the downgrade to B was stamped h6 (it arrives first).
        let lines = [F.rescored("X", 2, "B", 50, h: 6), F.outcome("X", "converted", h: 5), F.rescored("X", 1, "A", 80, h: 1)]
        #expect(Self.evaluatedBucket(lines) == [1, 0, 0, 0, 0, 0])
    }

    @Test func conversionAfterAnEarlierDowngradeCountsInTheNewBucket() {
        let lines = [F.rescored("X", 1, "A", 80, h: 1), F.rescored("X", 2, "B", 50, h: 4), F.outcome("X", "converted", h: 5)]
        #expect(Self.evaluatedBucket(lines) == [0, 1, 0, 0, 0, 0])
    }

    @Test func aRescoreAtTheSameMomentAsTheConversionIsInForce() {
        let lines = [F.rescored("X", 1, "A", 80, h: 1), F.outcome("X", "converted", h: 4), F.rescored("X", 2, "C", 30, h: 4)]
        #expect(Self.evaluatedBucket(lines) == [0, 0, 1, 0, 0, 0])
    }

    @Test func theFirstConversionDecidesNotALaterOutcome() {
        // Converted in A at h2, a later no_response at h9 after moving to C: still A.
        let lines = [F.rescored("X", 1, "A", 80, h: 1), F.outcome("X", "converted", h: 2),
                     F.rescored("X", 2, "C", 30, h: 3), F.outcome("X", "no_response", h: 9)]
        let r = F.evaluation(lines).report()
        #expect(r.buckets[0].conversions == 1 && r.buckets[0].leads == 1)
        #expect(r.buckets[2].leads == 0)
    }

    @Test func aLeadWithoutAnOutcomeIsEvaluatedInItsLastBucket() {
        let lines = [F.rescored("X", 1, "A", 80, h: 1), F.rescored("X", 2, "nurture", 10, h: 3)]
        let r = F.evaluation(lines).report()
        #expect(r.buckets.map(\.leads) == [0, 0, 0, 1, 0, 0])
        #expect(r.population.labelled == 0)
        #expect(r.verdict.ordered == nil)
        #expect(r.verdictLines[0] == "A > B > C: n/a (no conversions among the evaluated leads)")
    }

    @Test func badLinesAreSkippedAndCounted() {
        let bad = [
            "not json at all",
            "[1, 2, 3]",
            #"{"type":"mystery","lead_id":"X"}"#,
            #"{"lead_id":"X"}"#,
            #"{"type":"lead_rescored","lead_id":"X","occurred_at":"2026-03-01T00:00:00Z","new_bucket":"A","score":70}"#,
            #"{"type":"lead_rescored","lead_id":"X","seq":1,"occurred_at":"yesterday","new_bucket":"A","score":70}"#,
            #"{"type":"lead_rescored","lead_id":"X","seq":1,"occurred_at":"2026-03-01T00:00:00Z","new_bucket":"Z","score":70}"#,
            #"{"type":"lead_routed","lead_id":"X","seq":1,"occurred_at":"2026-03-01T00:00:00Z"}"#,
            #"{"event_id":"o","type":"lead_outcome","occurred_at":"2026-03-01T00:00:00Z","lead_id":"X","rep_id":"R","outcome":"won"}"#,
            #"{"type":"lead_rescored", "lead_id": "X""#,
        ]
        let ignored = [
            #"{"event_id":"e","type":"engagement","occurred_at":"2026-03-01T00:00:00Z","lead_id":"L01","signal":"email_open"}"#,
            #"{"type":"enrichment_requested","lead_id":"L01","account_id":null,"missing":[],"occurred_at":"2026-03-01T00:00:00Z","idempotency_key":"enrichment:L01"}"#,
            "   ",
        ]
        var e = F.evaluation(F.lines + bad + ignored)
        var problems = 0
        var blank = Array("".utf8)
        blank.withUnsafeMutableBytes { if e.feed(line: UnsafeRawBufferPointer($0)) != nil { problems += 1 } }
        #expect(problems == 0)
        let r = e.report(timeSlices: 4)
        #expect(r.inputs.skipped == bad.count)
        #expect(r.inputs.skippedByCode == ["syntax": 3, "unknown_type": 1, "missing_field": 3,
                                           "invalid_timestamp": 1, "invalid_value": 1, "unknown_outcome": 1])
        #expect(r.inputs.ignored == 2)
        #expect(r.inputs.ignoredByType == ["engagement": 1, "enrichment_requested": 1])
        var clean = r
        let expected = F.evaluation(F.lines).report(timeSlices: 4)
        clean.inputs = expected.inputs
        #expect(clean == expected)
    }

    @Test func baselineDriftComparesFinalPopulations() {
        // Baseline: three leads ending in A, B, C. This input: the fixture (final mix
        // A L01 L03 L04, B L02 L05 L07 L12, C L06 L08 L09, nurture L10, self_serve L11).
        let baseline = F.evaluation([F.rescored("P", 1, "A", 75, h: 0), F.rescored("Q", 1, "B", 55, h: 0),
                                     F.rescored("R", 1, "C", 25, h: 0)])
        let r = F.evaluation(F.lines).report(baseline: baseline, timeSlices: 4)
        #expect(r.drift.mode == .baseline)
        #expect(r.drift.expected.buckets == [1, 1, 1, 0, 0, 0])
        #expect(r.drift.actual.buckets == [3, 4, 3, 1, 1, 0])
        #expect(r.drift.actual.leads == 12)
        let e = [1.0 / 3, 1.0 / 3, 1.0 / 3, 0.0001, 0.0001]
        let a = [3.0 / 12, 4.0 / 12, 3.0 / 12, 1.0 / 12, 1.0 / 12]
        let psi = zip(e, a).reduce(0.0) { $0 + ($1.1 - $1.0) * log($1.1 / $1.0) }
        #expect(Self.close(r.drift.bucketPSI, psi))
        #expect(r.verdictLines[2].hasPrefix("bucket mix drift (against the baseline): PSI"))
    }

    @Test func anEmptyInputGivesAnEmptyReport() {
        let r = OutcomeEvaluation().report()
        #expect(r.population == EvaluationReport.Population())
        #expect(r.buckets.allSatisfy { $0.leads == 0 && $0.rate == nil && $0.lift == nil })
        #expect(r.calibration.isEmpty)
        #expect(r.mix.isEmpty)
        #expect(r.drift.bucketPSI == nil)
        #expect(r.uplift.overall.difference == nil)
        #expect(r.verdictLines.count == 3)
        #expect(r.jsonString.hasPrefix(#"{"report":"leadscore_evaluation","version":1,"#))
    }
}
