import LeadScoreCore
import Testing

/// `JSONObjectFields`: the core's JSON reader behind a lookup API, for tools that read what the
/// daemon wrote. Checked on a real `lead_routed` from the engine, and on what it must refuse.
@Suite("JSONObjectFields (the core's scanner for whole documents)")
struct JSONObjectFieldsTests {
    @Test("a lead_routed the engine wrote reads back field by field")
    func readsARealDecision() throws {
        let decoder = EventDecoder()
        var reps = RepBook(config: ScoringConfig())
        var book = LeadBook(config: ScoringConfig())
        var outputs: [OutputEvent] = []
        for json in [
            #"{"event_id":"r1","type":"rep_roster","occurred_at":"2026-11-24T09:00:00Z","rep_id":"R-1","name":"Ada","active":true,"capacity_per_day":20}"#,
            #"{"event_id":"r2","type":"rep_roster","occurred_at":"2026-11-24T09:00:00Z","rep_id":"R-2","name":"Bo","active":true,"capacity_per_day":20}"#,
        ] { _ = reps.apply(try decoder.decode(Array(json.utf8))) }
        for json in [
            #"{"event_id":"p1","type":"profile","occurred_at":"2026-11-24T10:00:00Z","lead_id":"L-\"42\"","account_id":"A-7","company":{"industry":"software","employees":1200},"seats":120,"technographics":["salesforce"]}"#,
            #"{"event_id":"e1","type":"engagement","occurred_at":"2026-11-24T10:05:00.250Z","lead_id":"L-\"42\"","account_id":"A-7","signal":"demo_request"}"#,
        ] { book.apply(try decoder.decode(Array(json.utf8)), reps: &reps, into: &outputs) }
        let routed = try #require(outputs.compactMap { output -> LeadRouted? in
            if case .leadRouted(let r) = output { return r }
            return nil
        }.last)
        let fields = try JSONObjectFields(Array(OutputEvent.leadRouted(routed).jsonString.utf8))
        #expect(fields.string("type") == "lead_routed")
        #expect(fields.string("lead_id") == #"L-"42""#, "escapes are undone")
        #expect(fields.string("account_id") == "A-7")
        #expect(fields.string("rep_id") == routed.repID)
        #expect(fields.string("bucket") == routed.bucket.name)
        #expect(fields.string("occurred_at") == "2026-11-24T10:05:00.250Z")
        #expect(fields.bool("holdout") == routed.holdout)
        #expect(fields.string("rule") == routed.rule.rawValue)
        let candidates = fields.objects("candidates")
        #expect(candidates.count == routed.candidates.count)
        for (read, written) in zip(candidates, routed.candidates) {
            #expect(read.string("rep_id") == written.repID)
            #expect(read.string("status") == written.status.rawValue)
            #expect(read.int("tier") == written.tier)
            #expect(read.double("rep_score").map { abs($0 - written.repScore) < 1e-9 } == true)
        }
        #expect(fields.object("cadence")?.int("days") == routed.cadence?.days)
        #expect(fields.int("priority") == routed.cadence?.priority)
    }

    @Test("numbers, nulls, nesting and a repeated key")
    func values() throws {
        let fields = try JSONObjectFields(Array(#" {"n": 12, "x": 1.5e2, "neg": -3, "no": null, "t": true, "o": {"k": [1, {"z": "é\u00e9"}]}, "n": 13} "#.utf8))
        #expect(fields.int("n") == 13, "a repeated key keeps its last value")
        #expect(fields.double("x") == 150)
        #expect(fields.int("x") == 150, "an integral value written with an exponent is an integer")
        #expect(fields.int("neg") == -3)
        #expect(fields.string("no") == nil && fields.members["no"] != nil)
        #expect(fields.bool("t") == true)
        #expect(fields.object("o")?.objects("k").first?.string("z") == "éé")
        #expect(fields.string("missing") == nil && fields.int("t") == nil)
    }

    @Test("what is not one valid JSON object is refused", arguments: [
        "", "[]", "{", #"{"a":}"#, #"{"a":1} {"b":2}"#, #"{"a":NaN}"#, #"{"a":"\x"}"#,
        String(repeating: #"{"a":"#, count: 70) + "1" + String(repeating: "}", count: 70),
    ])
    func refuses(text: String) {
        #expect(throws: EventDecodingError.self) { try JSONObjectFields(Array(text.utf8)) }
    }
}
