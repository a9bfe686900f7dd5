import Testing
@testable import LeadScoreCore

@Suite("EventDecoder: valid events")
struct DecodingTests {
    let decoder = EventDecoder()

    func ts(_ text: String) throws -> Timestamp { try Timestamp(rfc3339: text) }

    @Test func engagement() throws {
        let event = try decoder.decode(#"{"event_id":"e1","type":"engagement","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L-42","account_id":"A-7","signal":"pricing_page_visit","weight_multiplier":1.5}"#)
        #expect(event == .engagement(EngagementEvent(eventID: "e1", occurredAt: try ts("2026-11-24T10:15:00Z"), leadID: "L-42",
                                                     accountID: "A-7", signal: .pricingPageVisit, weightMultiplier: 1.5)))
    }

    @Test func engagementDefaultsAndNulls() throws {
        let event = try decoder.decode(#" { "type" : "engagement", "event_id" : "e1", "occurred_at":"2026-11-24T10:15:00Z", "lead_id":"L", "account_id":null, "weight_multiplier":null, "signal":"email_open" } "#)
        guard case .engagement(let e) = event else { Issue.record("not engagement: \(event)"); return }
        #expect(e.accountID == nil)
        #expect(e.weightMultiplier == 1)
        #expect(e.signal == .emailOpen)
    }

    @Test(arguments: Signal.allCases)
    func everySignal(_ signal: Signal) throws {
        let event = try decoder.decode(#"{"event_id":"e","type":"engagement","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L","signal":"\#(signal.rawValue)"}"#)
        guard case .engagement(let e) = event else { Issue.record("not engagement"); return }
        #expect(e.signal == signal)
    }

    @Test func accountIntent() throws {
        let event = try decoder.decode(#"{"event_id":"i1","type":"intent","occurred_at":"2026-11-24T10:15:00.250Z","account_id":"A-7","topic":"crm software","surge":87.5,"source":"bombora"}"#)
        #expect(event == .intent(IntentEvent(eventID: "i1", occurredAt: try ts("2026-11-24T10:15:00.250Z"), accountID: "A-7",
                                             topic: "crm software", surge: 87.5, source: "bombora")))
    }

    @Test func leadIntent() throws {
        let event = try decoder.decode(#"{"event_id":"i1","type":"intent","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L-1","topic":"t","surge":0,"source":"s"}"#)
        guard case .intent(let e) = event else { Issue.record("not intent"); return }
        #expect(e.leadID == "L-1")
        #expect(e.accountID == nil)
        #expect(e.surge == 0)
    }

    @Test func fullProfile() throws {
        let event = try decoder.decode(#"{"event_id":"p1","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L-42","account_id":"A-7","company":{"industry":"software","employees":1200,"country":"US","region":"NA"},"seats":40,"deal_value_usd":72000.5,"technographics":["salesforce","snowflake"]}"#)
        #expect(event == .profile(ProfileEvent(eventID: "p1", occurredAt: try ts("2026-11-24T10:15:00Z"), leadID: "L-42",
                                               accountID: "A-7", industry: "software", employees: 1200, country: "US",
                                               region: "NA", seats: 40, dealValueUSD: 72000.5,
                                               technographics: ["salesforce", "snowflake"])))
    }

    @Test("profile: email_domain (lower-cased) and the CRM's disqualified flag", arguments: [
        (#""email_domain":"Acme.COM","disqualified":true"#, "acme.com" as String?, true as Bool?),
        (#""disqualified":false"#, nil, false),
        (#""email_domain":"cs.mit.edu.","disqualified":null"#, "cs.mit.edu.", nil),
        (#""email_domain":null"#, nil, nil),
    ] as [(String, String?, Bool?)])
    func profileDisqualifierFields(fields: String, domain: String?, disqualified: Bool?) throws {
        let event = try decoder.decode(#"{"event_id":"p1","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L",\#(fields)}"#)
        #expect(event == .profile(ProfileEvent(eventID: "p1", occurredAt: try ts("2026-11-24T10:15:00Z"), leadID: "L",
                                               emailDomain: domain, disqualified: disqualified)))
    }

    @Test func partialProfile() throws {
        let event = try decoder.decode(#"{"event_id":"p1","type":"profile","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","company":{"employees":12.0,"industry":null},"technographics":[]}"#)
        #expect(event == .profile(ProfileEvent(eventID: "p1", occurredAt: try ts("2026-11-24T10:15:00Z"), leadID: "L",
                                               employees: 12, technographics: [])))
    }

    @Test func repRoster() throws {
        let event = try decoder.decode(#"{"event_id":"r1","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R-1","name":"Ana Lima","active":true,"capacity_per_day":25,"territories":["NA","EMEA"]}"#)
        #expect(event == .repRoster(RepRosterEvent(eventID: "r1", occurredAt: try ts("2026-11-24T10:15:00Z"), repID: "R-1",
                                                   name: "Ana Lima", active: true, capacityPerDay: 25, territories: ["NA", "EMEA"])))
    }

    @Test func repAvailability() throws {
        let event = try decoder.decode(#"{"event_id":"r2","type":"rep_availability","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R-1","available":false,"until":"2026-11-30T09:00:00+01:00"}"#)
        #expect(event == .repAvailability(RepAvailabilityEvent(eventID: "r2", occurredAt: try ts("2026-11-24T10:15:00Z"), repID: "R-1",
                                                               available: false, until: try ts("2026-11-30T08:00:00Z"))))
    }

    @Test func leadAssigned() throws {
        let event = try decoder.decode(#"{"event_id":"a1","type":"lead_assigned","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","rep_id":"R"}"#)
        #expect(event == .leadAssigned(LeadAssignedEvent(eventID: "a1", occurredAt: try ts("2026-11-24T10:15:00Z"), leadID: "L", repID: "R")))
    }

    @Test(arguments: LeadOutcome.allCases)
    func leadOutcome(_ outcome: LeadOutcome) throws {
        let event = try decoder.decode(#"{"event_id":"o1","type":"lead_outcome","occurred_at":"2026-11-24T10:15:00Z","lead_id":"L","rep_id":"R","outcome":"\#(outcome.rawValue)"}"#)
        #expect(event == .leadOutcome(LeadOutcomeEvent(eventID: "o1", occurredAt: try ts("2026-11-24T10:15:00Z"), leadID: "L", repID: "R", outcome: outcome)))
    }

    @Test func unknownFieldsAreIgnoredButValidated() throws {
        let event = try decoder.decode(#"{"event_id":"e","x":{"deep":[1,2,{"a":null}],"s":"\u00e9\ud83d\ude00"},"type":"engagement","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L","signal":"form_fill","y":-1.5e-3,"x":true}"#)
        guard case .engagement(let e) = event else { Issue.record("not engagement"); return }
        #expect(e.signal == .formFill)
    }

    @Test func fieldsIrrelevantToTheTypeAreIgnored() throws {
        // `surge` belongs to intent; on an engagement it is just an extra field.
        let event = try decoder.decode(#"{"event_id":"e","type":"engagement","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L","signal":"form_fill","surge":"high"}"#)
        guard case .engagement = event else { Issue.record("not engagement"); return }
    }

    @Test func escapesAndUnicodeInStrings() throws {
        let event = try decoder.decode(#"{"event_id":"e\"1\\\/","type":"eng\u0061gement","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L-\u00e9-日本-\ud83d\ude00","signal":"email_open"}"#)
        guard case .engagement(let e) = event else { Issue.record("not engagement"); return }
        #expect(e.eventID == "e\"1\\/")
        #expect(e.leadID == "L-é-日本-😀")
    }

    @Test(arguments: [
        ("1", 1.0), ("0", 0.0), ("-0", 0.0), ("100", 100.0), ("99.99", 99.99), ("1e2", 100.0), ("1E+1", 10.0),
        ("0.1", 0.1), ("12.345678901234567", 12.345678901234567), ("2.5e-3", 0.0025), ("0.000001", 0.000001),
    ])
    func surgeNumbers(_ literal: String, _ expected: Double) throws {
        let event = try decoder.decode(#"{"event_id":"i","type":"intent","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L","topic":"t","surge":\#(literal),"source":"s"}"#)
        guard case .intent(let e) = event else { Issue.record("not intent"); return }
        #expect(e.surge == expected)
        #expect(e.surge.sign == .plus)
    }

    @Test func decodesFromRawBytesAndArrays() throws {
        let text = #"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L","rep_id":"R"}"#
        let bytes = Array(text.utf8)
        let fromArray = try decoder.decode(bytes)
        let fromRaw = try bytes.withUnsafeBytes { raw in try decoder.decode(raw) }
        #expect(fromArray == fromRaw)
    }

    @Test func largeEventWithinLimits() throws {
        // ~60 KB of unknown fields and a long technographics list still decode under the 64 KiB limit.
        let filler = (0..<400).map { #""extra_\#($0)":"\#(String(repeating: "x", count: 100))""# }.joined(separator: ",")
        let techs = (0..<500).map { #""tool\#($0)""# }.joined(separator: ",")
        let text = #"{"event_id":"p","type":"profile","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L",\#(filler),"technographics":[\#(techs)]}"#
        #expect(text.utf8.count > 45_000 && text.utf8.count < 64 * 1024)
        let event = try decoder.decode(text)
        guard case .profile(let p) = event else { Issue.record("not profile"); return }
        #expect(p.technographics?.count == 500)
        #expect(p.technographics?.last == "tool499")
    }

    @Test func idAtTheLimitIsAccepted() throws {
        let id = String(repeating: "a", count: 256)
        let event = try decoder.decode(#"{"event_id":"\#(id)","type":"lead_assigned","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L","rep_id":"R"}"#)
        #expect(event.eventID == id)
    }

    /// The limit counts characters: plain, multi-byte and escaped ids, at and one past it.
    @Test(arguments: [("a", 1), ("é", 2), ("日", 3), ("😀", 4), (#"\u0061"#, 1), (#"\""#, 1)])
    func idLengthCountsCharacters(unit: String, bytesPerCharacter: Int) throws {
        func event(_ count: Int) -> String {
            #"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-01-01T00:00:00Z","lead_id":"\#(String(repeating: unit, count: count))","rep_id":"R"}"#
        }
        guard case .leadAssigned(let assigned) = try decoder.decode(event(256)) else { Issue.record("not lead_assigned"); return }
        #expect(assigned.leadID.unicodeScalars.count == 256)
        #expect(assigned.leadID.utf8.count == 256 * bytesPerCharacter)
        let error = #expect(throws: EventDecodingError.self) { try decoder.decode(event(257)) }
        #expect(error?.code == .invalidValue, "\(String(describing: error))")
        #expect(error?.description.contains("257 characters") == true, "\(String(describing: error))")
    }

    @Test func nestingAtTheLimitIsAccepted() throws {
        // Event object = level 1, so 15 more levels reach the default limit of 16.
        let nested = String(repeating: "[", count: 15) + String(repeating: "]", count: 15)
        _ = try decoder.decode(#"{"event_id":"e","type":"lead_assigned","occurred_at":"2026-01-01T00:00:00Z","lead_id":"L","rep_id":"R","x":\#(nested)}"#)
    }
}
