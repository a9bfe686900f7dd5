@testable import LeadScoreAnalysis
@testable import LeadScoreCore

/// JSON lines for evaluation tests, written the way `leadscore replay` writes outputs and the
/// way reps report outcomes. Times are hours after 2026-03-01T00:00:00Z.
enum EvaluationFixture {
    static let start = Timestamp(millisecondsSinceEpoch: 1_772_323_200_000) // 2026-03-01T00:00:00Z

    static func time(_ hours: Int) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + Int64(hours) * 3_600_000)
    }

    static func rescored(_ lead: String, _ seq: Int, _ bucket: String, _ score: Double, h hours: Int) -> String {
        #"{"type":"lead_rescored","lead_id":"\#(lead)","account_id":null,"seq":\#(seq),"old_bucket":null,"new_bucket":"\#(bucket)","occurred_at":"\#(time(hours))","cause":"event","score":\#(score),"quality":0,"intent":0,"breakdown":{"quality":{},"intent":{}},"config_version":"c0167378e82826be","idempotency_key":"\#(lead):\#(seq)"}"#
    }

    /// A routing to R-1 (tier `tier`), with R-2 passed over in another tier so the chosen
    /// candidate has to be picked out; `tier` nil means no rep was eligible.
    static func routed(_ lead: String, _ seq: Int, h hours: Int, holdout: Bool = false, tier: Int?) -> String {
        let candidates: String
        let rep: String
        if let tier {
            rep = #""R-1""#
            candidates = #"[{"rep_id":"R-1","status":"chosen","rep_score":0.1,"tier":\#(tier),"load_today":0},{"rep_id":"R-2","status":"lower_score","rep_score":0.1,"tier":\#((tier + 1) % 3),"load_today":0}]"#
        } else {
            rep = "null"
            candidates = #"[{"rep_id":"R-2","status":"at_capacity","rep_score":0.1,"tier":0,"load_today":5}]"#
        }
        return #"{"type":"lead_routed","lead_id":"\#(lead)","account_id":null,"seq":\#(seq),"rep_id":\#(rep),"bucket":"B","cadence":{"calls":5,"emails":2,"days":30},"priority":2,"sla_due_at":"\#(time(hours + 24))","holdout":\#(holdout),"sticky":false,"candidates":\#(candidates),"reason":null,"occurred_at":"\#(time(hours))","config_version":"c0167378e82826be","idempotency_key":"\#(lead):\#(seq)"}"#
    }

    static func selfServe(_ lead: String, _ seq: Int, h hours: Int) -> String {
        #"{"type":"lead_routed","lead_id":"\#(lead)","account_id":null,"seq":\#(seq),"rep_id":"self_serve","bucket":"self_serve","cadence":null,"priority":null,"sla_due_at":null,"holdout":false,"sticky":false,"candidates":[],"reason":null,"occurred_at":"\#(time(hours))","config_version":"c0167378e82826be","idempotency_key":"\#(lead):\#(seq)"}"#
    }

    static func outcome(_ lead: String, _ outcome: String, h hours: Int) -> String {
        #"{"event_id":"o-\#(lead)-\#(hours)","type":"lead_outcome","occurred_at":"\#(time(hours))","lead_id":"\#(lead)","rep_id":"R-1","outcome":"\#(outcome)"}"#
    }

    /// Twelve leads with a bucket plus one with an outcome only; every number of its report is
    /// computed by hand in `EvaluationTests.handComputed`.
    static let lines: [String] = [
        // L01: C, then A at h10; converts at h20 -> A (75), model, tier 0.
        rescored("L01", 1, "C", 30, h: 0), routed("L01", 1, h: 0, tier: 2),
        rescored("L01", 2, "A", 75, h: 10), routed("L01", 2, h: 10, tier: 0),
        outcome("L01", "converted", h: 20),
        // L02: A at h2, converts at h30, decays to B at h40 (after the conversion) -> A (80),
        // routing in force at h30 is seq 1 (tier 0).
        rescored("L02", 1, "A", 80, h: 2), routed("L02", 1, h: 2, tier: 0),
        outcome("L02", "converted", h: 30),
        rescored("L02", 2, "B", 50, h: 40), routed("L02", 2, h: 40, tier: 1),
        // L03: A, no outcome -> its last bucket A (72), model, tier 1, not converted.
        rescored("L03", 1, "A", 72, h: 5), routed("L03", 1, h: 5, tier: 1),
        // L04: holdout; B then A; no_response at h14, converted at h50 -> A (90), tier 2.
        rescored("L04", 1, "B", 60, h: 6), routed("L04", 1, h: 6, holdout: true, tier: 2),
        rescored("L04", 2, "A", 90, h: 12), routed("L04", 2, h: 12, holdout: true, tier: 2),
        outcome("L04", "no_response", h: 14), outcome("L04", "converted", h: 50),
        // L05: B, converts at h60 -> B (55), model, tier 0.
        rescored("L05", 1, "B", 55, h: 8), routed("L05", 1, h: 8, tier: 0),
        outcome("L05", "converted", h: 60),
        // L06: A, B at h20, disqualified at h25 (its last outcome), C at h30 -> B (46), tier 1.
        rescored("L06", 1, "A", 71, h: 9), routed("L06", 1, h: 9, tier: 0),
        rescored("L06", 2, "B", 46, h: 20), routed("L06", 2, h: 20, tier: 1),
        outcome("L06", "disqualified", h: 25),
        rescored("L06", 3, "C", 25, h: 30), routed("L06", 3, h: 30, tier: 1),
        // L07: holdout B, no_response -> B (65), tier 0.
        rescored("L07", 1, "B", 65, h: 11), routed("L07", 1, h: 11, holdout: true, tier: 0),
        outcome("L07", "no_response", h: 70),
        // L08: C, no_response -> C (40), model, tier 2.
        rescored("L08", 1, "C", 40, h: 15), routed("L08", 1, h: 15, tier: 2),
        outcome("L08", "no_response", h: 80),
        // L09: C with no eligible rep, no outcome -> C (22), no rep.
        rescored("L09", 1, "C", 22, h: 16), routed("L09", 1, h: 16, tier: nil),
        // L10: C, decays to nurture at h19, no_response -> nurture (10).
        rescored("L10", 1, "C", 20.5, h: 1), routed("L10", 1, h: 1, tier: 1),
        rescored("L10", 2, "nurture", 10, h: 19),
        outcome("L10", "no_response", h: 90),
        // L11: self_serve, converts -> self_serve (35).
        rescored("L11", 1, "self_serve", 35, h: 3), selfServe("L11", 1, h: 3),
        outcome("L11", "converted", h: 45),
        // L12: converted at h1, before its first bucket (h4): left out.
        outcome("L12", "converted", h: 1),
        rescored("L12", 1, "B", 50, h: 4), routed("L12", 1, h: 4, tier: 0),
        // L13: an outcome and nothing else: not a lead of the evaluation.
        outcome("L13", "converted", h: 5),
    ]

    static func evaluation(_ lines: [String]) -> OutcomeEvaluation {
        var e = OutcomeEvaluation()
        for line in lines {
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { _ = e.feed(line: UnsafeRawBufferPointer($0)) }
        }
        return e
    }
}
