import Testing
@testable import LeadScoreCore

@Suite("Output JSON")
struct OutputJSONTests {
    @Test("numbers: rounded, trailing zeros dropped, stable text", arguments: [
        (74.2, 2, "74.2"), (75.0, 2, "75"), (72.75, 2, "72.75"), (0.005, 2, "0.01"), (-1.5, 0, "-2"),
        (0.1 + 0.2, 2, "0.3"), (0.6, 4, "0.6"), (1e-7, 2, "0"), (0.0412, 4, "0.0412"), (Double.nan, 2, "null"),
    ])
    func numbers(value: Double, decimals: Int, expected: String) {
        var bytes: [UInt8] = []
        JSONWriter.appendNumber(value, decimals: decimals, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    /// The candidates are laid out on the stack in one go; the bytes are those of the same object
    /// written field by field, for ids short and long, plain and escaped, and numbers of every
    /// shape the writer knows (rounded, negative, zero padded, too large, not a number).
    @Test("a routing candidate laid out on the stack is the object written field by field")
    func routingCandidateLayout() {
        let ids = ["R-1", "rep-0042", String(repeating: "r", count: 96), String(repeating: "x", count: 97) + "-long",
                   "R\"1", "back\\slash", "tab\tid", "élan-7", ""]
        let scores = [0.0, 0.4, 0.00005, 0.00004, -0.12345, 123.456789, 0.0412, 1e20, -Double.infinity, Double.nan]
        for id in ids {
            for (k, score) in scores.enumerated() {
                for status in RoutingCandidate.Status.allCases {
                    let candidate = RoutingCandidate(repID: id, status: status, repScore: score, tier: k % 3, loadToday: k * 997 - 3)
                    var laidOut = JSONWriter()
                    laidOut.beginArray()
                    laidOut.routingCandidate(candidate)
                    laidOut.routingCandidate(candidate)
                    laidOut.endArray()
                    var fields = JSONWriter()
                    fields.beginArray()
                    for _ in 0..<2 {
                        fields.beginObject()
                        fields.key("rep_id"); fields.string(candidate.repID)
                        fields.key("status"); fields.string(candidate.status.rawValue)
                        fields.key("rep_score"); fields.number(candidate.repScore, decimals: 4)
                        fields.key("tier"); fields.integer(candidate.tier)
                        fields.key("load_today"); fields.integer(candidate.loadToday)
                        fields.endObject()
                    }
                    fields.endArray()
                    #expect(laidOut.bytes == fields.bytes, "\(String(decoding: laidOut.bytes, as: UTF8.self))")
                }
            }
        }
    }

    @Test("strings are escaped")
    func strings() {
        var bytes: [UInt8] = []
        JSONWriter.appendString("a\"b\\c\nd\u{1}é", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\"b\\c\nd\u0001é""#)
    }

    @Test("idempotency keys are written as the String the output names them", arguments: [
        ("L-42", UInt32(7), "", Int?.none, "L-42:7"), ("L-42", 4_294_967_295, ":r", 2, "L-42:4294967295:r2"),
        ("a\"b\\c\n", 0, ":b", 13, "a\"b\\c\n:0:b13"), ("lead", 1, ":escalated", nil, "lead:1:escalated"),
        ("élan", 12, ":erased", nil, "élan:12:erased"),
    ])
    func idempotencyKeys(leadID: String, seq: UInt32, tag: String, number: Int?, key: String) {
        var w = JSONWriter()
        switch tag {
        case ":r": w.idempotencyKey(leadID: leadID, seq: seq, tag: ":r", number: number)
        case ":b": w.idempotencyKey(leadID: leadID, seq: seq, tag: ":b", number: number)
        case ":escalated": w.idempotencyKey(leadID: leadID, seq: seq, tag: ":escalated", number: number)
        case ":erased": w.idempotencyKey(leadID: leadID, seq: seq, tag: ":erased", number: number)
        default: w.idempotencyKey(leadID: leadID, seq: seq, number: number)
        }
        var expected = JSONWriter()
        expected.string(key)
        #expect(w.bytes == expected.bytes)
    }

    @Test("lead_rescored carries SPEC section 3's fields")
    func rescoredFields() throws {
        var engine = ScoringEngine(config: ScoringConfig())
        var out: [OutputEvent] = []
        engine.apply(Fixture.engagement("L-42", .demoRequest, at: Fixture.t0, account: "A-7"), into: &out)
        let rescored = try #require(out.first { $0.kind == .scores })
        #expect(rescored.partitionKey == "A-7")
        let json = rescored.jsonString
        let version = ScoringConfig().version
        #expect(json.hasPrefix(#"{"type":"lead_rescored","lead_id":"L-42","account_id":"A-7","seq":1,"old_bucket":null,"new_bucket":"C","occurred_at":"2026-06-01T00:00:00Z","cause":"event","score":20,"quality":0,"intent":50,"breakdown":{"quality":{"profile_known":false,"#))
        #expect(json.contains(#""intent":{"demo_request":50}}"#))
        #expect(json.hasSuffix(#","config_version":"\#(version)","idempotency_key":"L-42:1"}"#))
        let routed = try #require(out.first { $0.kind == .routing })
        #expect(routed.jsonString.contains(#""rep_id":null,"bucket":"C","cadence":{"calls":3,"emails":1,"days":30},"priority":3,"sla_due_at":"2026-06-04T00:00:00Z","sla_clock":"wall","holdout":false,"sticky":false,"rule":"none","account_owner":null,"candidates":[]"#))
        #expect(routed.jsonString.contains(#""reason":"no reps on the roster""#))
        let enrichment = try #require(out.first { $0.kind == .enrichment })
        #expect(enrichment.jsonString.hasPrefix(#"{"type":"enrichment_requested","lead_id":"L-42","account_id":"A-7","missing":["industry","#))
        #expect(enrichment.jsonString.hasSuffix(#","idempotency_key":"enrichment:L-42"}"#))
    }
}
