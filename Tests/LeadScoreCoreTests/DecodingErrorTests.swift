import Testing
@testable import LeadScoreCore

@Suite("EventDecoder: rejected input")
struct DecodingErrorTests {
    static let engagementBase = #""event_id":"e1","type":"engagement","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L-1""#

    struct Case: CustomTestStringConvertible, Sendable {
        var json: String
        var code: EventDecodingError.Code
        var field: String?
        var testDescription: String { "\(code) \(field ?? "-"): \(json.prefix(80))" }
        init(_ json: String, _ code: EventDecodingError.Code, _ field: String? = nil) {
            self.json = json
            self.code = code
            self.field = field
        }
    }

    static let cases: [Case] = [
        // Profile disqualifier fields
        Case(#"{"event_id":"p","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","email_domain":"ada@acme.com"}"#, .invalidValue, "email_domain"),
        Case(#"{"event_id":"p","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","email_domain":""}"#, .invalidValue, "email_domain"),
        Case(#"{"event_id":"p","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","email_domain":"acme com"}"#, .invalidValue, "email_domain"),
        Case(#"{"event_id":"p","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","email_domain":".acme.com"}"#, .invalidValue, "email_domain"),
        Case(#"{"event_id":"p","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","email_domain":42}"#, .wrongType, "email_domain"),
        Case(#"{"event_id":"p","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","disqualified":"yes"}"#, .wrongType, "disqualified"),
        Case(#"{"event_id":"p","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","disqualified":true,"disqualified":false}"#, .duplicateField, "disqualified"),
        // Syntax
        Case("", .syntax),
        Case("   ", .syntax),
        Case("[]", .syntax),
        Case("\"x\"", .syntax),
        Case("{", .syntax),
        Case(#"{"event_id":"e1""#, .syntax),
        Case(#"{"event_id" "e1"}"#, .syntax),
        Case(#"{"event_id":"e1",}"#, .syntax),
        Case(#"{event_id:"e1"}"#, .syntax),
        Case(#"{'event_id':'e1'}"#, .syntax),
        Case(#"{"a":01}"#, .syntax),
        Case(#"{"a":1.}"#, .syntax),
        Case(#"{"a":.5}"#, .syntax),
        Case(#"{"a":+1}"#, .syntax),
        Case(#"{"a":1e}"#, .syntax),
        Case(#"{"a":NaN}"#, .syntax),
        Case(#"{"a":Infinity}"#, .syntax),
        Case(#"{"a":-Infinity}"#, .syntax),
        Case(#"{"a":tru}"#, .syntax),
        Case(#"{"a":nul}"#, .syntax),
        Case(#"{"a":"unterminated}"#, .syntax),
        Case(#"{"a":[1,2}"#, .syntax),
        Case(#"{"a":1}{"b":2}"#, .syntax),
        Case(#"{"a":1} x"#, .syntax),
        Case("\u{FEFF}{\"a\":1}", .syntax),
        // Strings
        Case(#"{"a":"\x"}"#, .invalidString),
        Case(#"{"a":"\u12"}"#, .invalidString),
        Case(#"{"a":"\u12G4"}"#, .invalidString),
        Case(#"{"a":"\ud800"}"#, .invalidString),
        Case(#"{"a":"\udc00"}"#, .invalidString),
        Case(#"{"a":"\ud800\u0041"}"#, .invalidString),
        Case("{\"a\":\"tab\there\"}", .invalidString),
        Case("{\"a\":\"nl\nhere\"}", .invalidString),
        // Required fields
        Case("{}", .missingField, "event_id"),
        Case(#"{"event_id":null,"type":"engagement"}"#, .missingField, "event_id"),
        Case(#"{"event_id":"e1"}"#, .missingField, "type"),
        Case(#"{"event_id":"e1","type":"engagement"}"#, .missingField, "occurred_at"),
        Case(#"{"event_id":"e1","type":"engagement","occurred_at":"2026-11-24T10:15:00Z","signal":"email_open"}"#, .missingField, "lead_id"),
        Case("{\(engagementBase)}", .missingField, "signal"),
        Case(#"{"event_id":"e","type":"intent","occurred_at":"2026-11-24T10:15:00Z","topic":"t","surge":1,"source":"s"}"#, .missingField, "lead_id"),
        Case(#"{"event_id":"e","type":"intent","occurred_at":"2026-11-24T10:15:00Z","account_id":"A","surge":1,"source":"s"}"#, .missingField, "topic"),
        Case(#"{"event_id":"e","type":"intent","occurred_at":"2026-11-24T10:15:00Z","account_id":"A","topic":"t","source":"s"}"#, .missingField, "surge"),
        Case(#"{"event_id":"e","type":"intent","occurred_at":"2026-11-24T10:15:00Z","account_id":"A","topic":"t","surge":1}"#, .missingField, "source"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z"}"#, .missingField, "lead_id"),
        Case(#"{"event_id":"e","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","name":"n","active":true,"capacity_per_day":1}"#, .missingField, "rep_id"),
        Case(#"{"event_id":"e","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","active":true,"capacity_per_day":1}"#, .missingField, "name"),
        Case(#"{"event_id":"e","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","name":"n","capacity_per_day":1}"#, .missingField, "active"),
        Case(#"{"event_id":"e","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","name":"n","active":true}"#, .missingField, "capacity_per_day"),
        Case(#"{"event_id":"e","type":"rep_availability","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R"}"#, .missingField, "available"),
        Case(#"{"event_id":"e","type":"rep_availability","occurred_at":"2026-11-24T10:15:00Z","available":true}"#, .missingField, "rep_id"),
        Case(#"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L"}"#, .missingField, "rep_id"),
        Case(#"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R"}"#, .missingField, "lead_id"),
        Case(#"{"event_id":"e","type":"lead_outcome","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","rep_id":"R"}"#, .missingField, "outcome"),
        // Wrong types
        Case(#"{"event_id":7,"type":"engagement"}"#, .wrongType, "event_id"),
        Case(#"{"event_id":"e","type":1}"#, .wrongType, "type"),
        Case(#"{"event_id":"e","type":"engagement","occurred_at":1764000000}"#, .wrongType, "occurred_at"),
        Case("{\(engagementBase),\"signal\":[\"email_open\"]}", .wrongType, "signal"),
        Case("{\(engagementBase),\"signal\":\"email_open\",\"weight_multiplier\":\"2\"}", .wrongType, "weight_multiplier"),
        Case(#"{"event_id":"e","type":"intent","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","topic":"t","surge":"50","source":"s"}"#, .wrongType, "surge"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":"Acme"}"#, .wrongType, "company"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":{"employees":"many"}}"#, .wrongType, "company.employees"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":{"industry":5}}"#, .wrongType, "company.industry"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","technographics":"salesforce"}"#, .wrongType, "technographics"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","technographics":["a",2]}"#, .wrongType, "technographics[1]"),
        Case(#"{"event_id":"e","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","name":"n","active":"yes","capacity_per_day":1}"#, .wrongType, "active"),
        Case(#"{"event_id":"e","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","name":"n","active":true,"capacity_per_day":1,"territories":[null]}"#, .wrongType, "territories[0]"),
        Case(#"{"event_id":"e","type":"rep_availability","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","available":0}"#, .wrongType, "available"),
        Case(#"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-11-24T10:15:00Z","lead_id":{"id":"L"},"rep_id":"R"}"#, .wrongType, "lead_id"),
        // Unknown enumerations
        Case(#"{"event_id":"e","type":"pageview","occurred_at":"2026-11-24T10:15:00Z"}"#, .unknownType, "type"),
        Case(#"{"event_id":"e","type":"Engagement","occurred_at":"2026-11-24T10:15:00Z"}"#, .unknownType, "type"),
        Case("{\(engagementBase),\"signal\":\"tweet\"}", .unknownSignal, "signal"),
        Case(#"{"event_id":"e","type":"lead_outcome","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","rep_id":"R","outcome":"won"}"#, .unknownOutcome, "outcome"),
        // Timestamps
        Case(#"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-11-24 10:15:00Z","lead_id":"L","rep_id":"R"}"#, .invalidTimestamp, "occurred_at"),
        Case(#"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-11-24T10:15Z","lead_id":"L","rep_id":"R"}"#, .invalidTimestamp, "occurred_at"),
        Case(#"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-11-24T10:15:00","lead_id":"L","rep_id":"R"}"#, .invalidTimestamp, "occurred_at"),
        Case(#"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-02-30T10:15:00Z","lead_id":"L","rep_id":"R"}"#, .invalidTimestamp, "occurred_at"),
        Case(#"{"event_id":"e","type":"lead_assigned","occurred_at":"yesterday","lead_id":"L","rep_id":"R"}"#, .invalidTimestamp, "occurred_at"),
        Case(#"{"event_id":"e","type":"rep_availability","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","available":false,"until":"soon"}"#, .invalidTimestamp, "until"),
        // Numbers
        Case("{\(engagementBase),\"signal\":\"email_open\",\"weight_multiplier\":1e400}", .nonFinite, "weight_multiplier"),
        Case("{\(engagementBase),\"signal\":\"email_open\",\"weight_multiplier\":-1}", .outOfRange, "weight_multiplier"),
        Case("{\(engagementBase),\"signal\":\"email_open\",\"weight_multiplier\":100.5}", .outOfRange, "weight_multiplier"),
        Case(#"{"event_id":"e","type":"intent","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","topic":"t","surge":101,"source":"s"}"#, .outOfRange, "surge"),
        Case(#"{"event_id":"e","type":"intent","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","topic":"t","surge":-0.5,"source":"s"}"#, .outOfRange, "surge"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":{"employees":-3}}"#, .outOfRange, "company.employees"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":{"employees":10000001}}"#, .outOfRange, "company.employees"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":{"employees":12.5}}"#, .outOfRange, "company.employees"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":{"employees":1e400}}"#, .nonFinite, "company.employees"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","seats":1000001}"#, .outOfRange, "seats"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","seats":99999999999999999999999}"#, .outOfRange, "seats"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","deal_value_usd":1e11}"#, .outOfRange, "deal_value_usd"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","deal_value_usd":-5}"#, .outOfRange, "deal_value_usd"),
        Case(#"{"event_id":"e","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","name":"n","active":true,"capacity_per_day":10001}"#, .outOfRange, "capacity_per_day"),
        Case(#"{"event_id":"e","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","name":"n","active":true,"capacity_per_day":2.5}"#, .outOfRange, "capacity_per_day"),
        // Values
        Case(#"{"event_id":"","type":"engagement"}"#, .invalidValue, "event_id"),
        Case(#"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","rep_id":""}"#, .invalidValue, "rep_id"),
        Case("{\"event_id\":\"\(String(repeating: "x", count: 257))\",\"type\":\"engagement\"}", .invalidValue, "event_id"),
        Case(#"{"event_id":"e","type":"intent","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","topic":"","surge":1,"source":"s"}"#, .invalidValue, "topic"),
        // Duplicates
        Case(#"{"event_id":"e1","event_id":"e2","type":"engagement"}"#, .duplicateField, "event_id"),
        Case(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":{"employees":1,"employees":2}}"#, .duplicateField, "company.employees"),
        // Depth
        Case(#"{"a":\#(String(repeating: "[", count: 16))\#(String(repeating: "]", count: 16))}"#, .tooDeep),
        Case(#"{"a":\#(String(repeating: "{\"b\":", count: 20))1\#(String(repeating: "}", count: 20))}"#, .tooDeep),
    ]

    @Test(arguments: cases)
    func rejects(_ c: Case) {
        #expect {
            _ = try EventDecoder().decode(c.json)
        } throws: { error in
            guard let e = error as? EventDecodingError else { return false }
            return e.code == c.code && e.field == c.field
        }
    }

    @Test(arguments: [
        [UInt8(ascii: "{"), UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: "1"), UInt8(ascii: "}")],
        [UInt8(ascii: "{"), UInt8(ascii: "\""), 0xC0, 0xAF, UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: "1"), UInt8(ascii: "}")], // overlong '/'
        [UInt8(ascii: "{"), UInt8(ascii: "\""), 0xED, 0xA0, 0x80, UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: "1"), UInt8(ascii: "}")], // encoded surrogate
        [UInt8(ascii: "{"), UInt8(ascii: "\""), 0xE2, 0x82, UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: "1"), UInt8(ascii: "}")], // truncated
        [UInt8(ascii: "{"), UInt8(ascii: "\""), 0xF4, 0x90, 0x80, 0x80, UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: "1"), UInt8(ascii: "}")], // > U+10FFFF
    ])
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        #expect {
            _ = try EventDecoder().decode(bytes)
        } throws: { error in
            (error as? EventDecodingError)?.code == .invalidString
        }
    }

    /// The decoder's stack has a slot for every field, laid out as an array of them, and the
    /// builder remembers which fields it saw in one bit of a `UInt32` each.
    @Test func everyFieldHasASlot() {
        #expect(EventField.allCases.count == EventSlots.count)
        let value = MemoryLayout<JSONScanner.Value>.self
        #expect(MemoryLayout<EventSlots>.size == (EventSlots.count - 1) * value.stride + value.size)
        #expect(EventField.allCases.count <= UInt32.bitWidth)
    }

    /// Every field's slot is in use: each one, given twice, is found the second time.
    @Test(arguments: EventField.allCases.map(\.key))
    func everyFieldTwiceIsADuplicate(key: String) {
        let json = #"{"\#(key)":null,"\#(key)":null}"#
        #expect(throws: EventDecodingError.self) { try EventDecoder().decode(json) }
        do {
            _ = try EventDecoder().decode(json)
        } catch {
            #expect(error.code == .duplicateField)
            #expect(error.field == key)
        }
    }

    @Test func rejectsOversizedPayload() throws {
        let decoder = EventDecoder(limits: .init(maxPayloadBytes: 100))
        let text = #"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L","rep_id":"R","pad":"xxxxxxxxxxxxxxxx"}"#
        #expect(text.utf8.count > 100)
        #expect { _ = try decoder.decode(text) } throws: { ($0 as? EventDecodingError)?.code == .tooLarge }
        let big = "{\"a\":\"" + String(repeating: "x", count: 70_000) + "\"}"
        #expect { _ = try EventDecoder().decode(big) } throws: { ($0 as? EventDecodingError)?.code == .tooLarge }
    }

    @Test func syntaxErrorsCarryTheByteOffset() {
        do {
            _ = try EventDecoder().decode(#"{"event_id":"e1" "type":"x"}"#)
            Issue.record("decoded")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.offset == 17)
            #expect(error.description == "syntax at byte 17: expected ',' or '}' after an object member, found '\"'")
        }
    }

    @Test func descriptionsNameTheField() {
        do {
            _ = try EventDecoder().decode(#"{"event_id":"e","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":{"employees":20000000}}"#)
            Issue.record("decoded")
        } catch {
            #expect(error.description.hasPrefix("out_of_range at company.employees"))
            #expect(error.description.hasSuffix("20000000 is outside 0...10000000"))
        }
    }
}
