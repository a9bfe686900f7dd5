import Testing
@testable import LeadScoreCore

@Suite("Output JSON")
struct OutputJSONTests {
    @Test("numbers: rounded, trailing zeros dropped, stable text", arguments: [
        (74.2, 2, "74.2"), (75.0, 2, "75"), (72.75, 2, "72.75"), (0.005, 2, "0.01"), (-1.5, 0, "-2"),
        (0.1 + 0.2, 2, "0.3"), (0.6, 4, "0.6"), (1e-7, 2, "0"), (0.0412, 4, "0.0412"), (Double.nan, 2, "null"),
    ])
    func numbers(value: Double, decimals: Int, expected: String) {
        var w = JSONWriter()
        w.number(value, decimals: decimals)
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
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
        var w = JSONWriter()
        w.string("a\"b\\c\nd\u{1}é")
        #expect(String(decoding: w.bytes, as: UTF8.self) == #""a\"b\\c\nd\u0001é""#)
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

    /// A key waits for its value and goes out with it; every kind of value after a key, in
    /// objects and arrays, nested, with the long and escaped strings that take the piecewise path.
    @Test("keys go out with their values, whatever the value")
    func keysWithValues() {
        let long = String(repeating: "x", count: 130)
        var w = JSONWriter()
        Self.sample(into: &w)
        let expected = #"{"s":"plain","e":"a\"b","l":"\#(long)","n":null,"t":true,"f":false,"i":-42,"d":2.5,"#
            + #""ts":"2023-11-14T22:13:20.123Z","old":"-1-12-31T23:59:59.999Z","none":null,"k":"L-1:3:r2","#
            + #""kl":"\#(long):1","ke":"q\":1","o":{"data\"key":1,"empty":{}},"a":[1,null,"x",{"in":[]}]}"#
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
    }

    /// The writer's buffer is its own: growing it mid-value (from the smallest start, many times
    /// over) and reusing it after `removeAll()` write the bytes of a writer that never grew, and
    /// every way of reading them out gives the same bytes.
    @Test("a writer that grows, or is reused, writes what a fresh large one does")
    func growthAndReuse() {
        var large = JSONWriter(capacity: 1 << 16)
        for _ in 0..<20 {
            Self.sample(into: &large)
            large.lineBreak()
        }
        var small = JSONWriter(capacity: 1)
        small.beginArray(); small.integer(7); small.endArray()
        small.removeAll()
        for _ in 0..<20 {
            Self.sample(into: &small)
            small.lineBreak()
        }
        #expect(small.count == large.count)
        #expect(small.bytes == large.bytes)
        var appended: [UInt8] = [1, 2]
        small.append(to: &appended)
        #expect(appended == [1, 2] + large.bytes)
        #expect(small.withUnsafeBytes { [UInt8]($0) } == large.bytes)
        let lines = String(decoding: large.bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 20 && Set(lines).count == 1)
    }

    /// One document with every kind of value (the expectation is in `keysWithValues`).
    static func sample(into w: inout JSONWriter) {
        let long = String(repeating: "x", count: 130)
        w.beginObject()
        w.key("s"); w.string("plain")
        w.key("e"); w.string("a\"b")
        w.key("l"); w.string(long)
        w.key("n"); w.null()
        w.key("t"); w.bool(true)
        w.key("f"); w.bool(false)
        w.key("i"); w.integer(-42)
        w.key("d"); w.number(2.5)
        w.key("ts"); w.timestamp(Timestamp(millisecondsSinceEpoch: 1_700_000_000_123))
        w.key("old"); w.timestamp(Timestamp(millisecondsSinceEpoch: -62_167_219_200_001))
        w.key("none"); w.timestamp(nil)
        w.key("k"); w.idempotencyKey(leadID: "L-1", seq: 3, tag: ":r", number: 2)
        w.key("kl"); w.idempotencyKey(leadID: long, seq: 1)
        w.key("ke"); w.idempotencyKey(leadID: "q\"", seq: 1)
        w.key("o")
        w.beginObject()
        w.key(string: "data\"key"); w.integer(1)
        w.key("empty"); w.beginObject(); w.endObject()
        w.endObject()
        w.key("a")
        w.beginArray()
        w.integer(1); w.null(); w.string("x")
        w.beginObject(); w.key("in"); w.beginArray(); w.endArray(); w.endObject()
        w.endArray()
        w.endObject()
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
