import Testing
@testable import LeadScoreCore

/// Roster calendars and `account_assigned`, decoded strictly.
@Suite("EventDecoder: calendars and account_assigned")
struct DecodingCalendarTests {
    let decoder = EventDecoder()
    static let base = #""event_id":"r","type":"rep_roster","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R","name":"n","active":true,"capacity_per_day":5"#

    @Test func fullCalendar() throws {
        let event = try decoder.decode(#"{\#(Self.base),"time_zone":"America/New_York","working_hours":{"fri":["13:00-17:30","09:00-12:00"],"mon":["09:00-17:00"],"sat":[],"sun":null},"holidays":["2026-12-25","2026-11-26","2026-12-25"]}"#)
        guard case .repRoster(let roster) = event else { Issue.record("not a roster: \(event)"); return }
        let hours = try #require(roster.workingHours)
        #expect(hours.timeZone.identifier == "America/New_York")
        #expect(hours.week[0] == [.init(start: 540, end: 1020)])
        #expect(hours.week[4] == [.init(start: 540, end: 720), .init(start: 780, end: 1050)])
        #expect(hours.week[1].isEmpty && hours.week[5].isEmpty && hours.week[6].isEmpty)
        #expect(hours.holidays == [WorkingHours.parseDate("2026-11-26")!, WorkingHours.parseDate("2026-12-25")!])
    }

    @Test("no working_hours and no holidays: no calendar, whatever the zone")
    func noCalendar() throws {
        for extra in ["", #","time_zone":"Europe/Berlin""#, #","working_hours":null,"holidays":null"#] {
            let event = try decoder.decode("{\(Self.base)\(extra)}")
            guard case .repRoster(let roster) = event else { Issue.record("not a roster"); continue }
            #expect(roster.workingHours == nil, "\(extra)")
        }
    }

    @Test("holidays alone: every day all day in UTC, except them")
    func holidaysAlone() throws {
        let event = try decoder.decode(#"{\#(Self.base),"holidays":["2026-12-25"]}"#)
        guard case .repRoster(let roster) = event else { Issue.record("not a roster"); return }
        #expect(roster.workingHours?.week == WorkingHours.allDay)
        #expect(["UTC", "GMT"].contains(roster.workingHours?.timeZone.identifier ?? "-"))
    }

    @Test func accountAssigned() throws {
        let event = try decoder.decode(#"{"event_id":"aa1","type":"account_assigned","occurred_at":"2026-11-24T10:15:00Z","account_id":"A-7","rep_id":"R-2"}"#)
        #expect(event == .accountAssigned(AccountAssignedEvent(eventID: "aa1", occurredAt: try Timestamp(rfc3339: "2026-11-24T10:15:00Z"),
                                                               accountID: "A-7", repID: "R-2")))
        #expect(event.isRepEvent)
        #expect(event.partitionKey == "R-2")
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var extra: String
        var code: EventDecodingError.Code
        var field: String
        var testDescription: String { "\(code) \(field): \(extra)" }
    }

    static let cases: [Case] = [
        Case(extra: #""time_zone":"America/Nowhere","holidays":[]"#, code: .unknownTimeZone, field: "time_zone"),
        Case(extra: #""time_zone":"Mars/Olympus""#, code: .unknownTimeZone, field: "time_zone"),
        Case(extra: #""time_zone":"""#, code: .unknownTimeZone, field: "time_zone"),
        Case(extra: #""time_zone":5"#, code: .wrongType, field: "time_zone"),
        Case(extra: #""working_hours":["09:00-17:00"]"#, code: .wrongType, field: "working_hours"),
        Case(extra: #""working_hours":{"monday":["09:00-17:00"]}"#, code: .invalidValue, field: "working_hours"),
        Case(extra: #""working_hours":{"mon":["09:00-17:00"],"mon":[]}"#, code: .duplicateField, field: "working_hours.mon"),
        Case(extra: #""working_hours":{"mon":"09:00-17:00"}"#, code: .wrongType, field: "working_hours.mon"),
        Case(extra: #""working_hours":{"mon":[900]}"#, code: .wrongType, field: "working_hours.mon[0]"),
        Case(extra: #""working_hours":{"tue":["09:00-17:00","9-5"]}"#, code: .invalidValue, field: "working_hours.tue[1]"),
        Case(extra: #""working_hours":{"wed":["17:00-09:00"]}"#, code: .invalidValue, field: "working_hours.wed[0]"),
        Case(extra: #""working_hours":{"thu":["24:00-24:00"]}"#, code: .invalidValue, field: "working_hours.thu[0]"),
        Case(extra: #""working_hours":{"fri":["09:00-13:00","12:00-17:00"]}"#, code: .invalidValue, field: "working_hours.fri"),
        Case(extra: #""holidays":"2026-12-25""#, code: .wrongType, field: "holidays"),
        Case(extra: #""holidays":["2026-12-25","2026-02-30"]"#, code: .invalidValue, field: "holidays[1]"),
        Case(extra: #""holidays":[20261225]"#, code: .wrongType, field: "holidays[0]"),
    ]

    @Test(arguments: cases)
    func rejects(_ c: Case) {
        do {
            let event = try decoder.decode("{\(Self.base),\(c.extra)}")
            Issue.record("decoded: \(event)")
        } catch {
            #expect(error.code == c.code)
            #expect(error.field == c.field)
        }
    }

    @Test("an unknown zone's message names it and shows the expected form")
    func unknownZoneMessage() {
        do {
            _ = try decoder.decode(#"{\#(Self.base),"time_zone":"America/Nowhere","working_hours":{}}"#)
            Issue.record("decoded")
        } catch {
            #expect(error.description == #"unknown_time_zone at time_zone (byte 145): unknown time zone "America/Nowhere"; expected an IANA time zone database name such as America/New_York, Etc/GMT+5 or UTC (offsets such as GMT+5 are not accepted)"#)
        }
    }

    @Test("offset names (GMT+5, UTC-3) are refused: only the database's names, whose Etc/GMT+5 is UTC-5",
          arguments: ["GMT+5", "GMT-5", "UTC+3", "UTC-03:00", "GMT+05:30"])
    func offsetNamesRefused(_ name: String) {
        do {
            let event = try decoder.decode(#"{\#(Self.base),"time_zone":"\#(name)","working_hours":{"mon":["09:00-17:00"]}}"#)
            Issue.record("decoded: \(event)")
        } catch {
            #expect(error.code == .unknownTimeZone)
            #expect(error.field == "time_zone")
        }
    }

    @Test("Etc/GMT+5 is accepted and is five hours behind UTC (POSIX sign)")
    func etcGMTIsBehindUTC() throws {
        let event = try decoder.decode(#"{\#(Self.base),"time_zone":"Etc/GMT+5","working_hours":{"mon":["09:00-17:00"]}}"#)
        guard case .repRoster(let roster) = event, let hours = roster.workingHours else {
            Issue.record("no calendar: \(event)")
            return
        }
        #expect(hours.timeZone.secondsFromGMT() == -5 * 3600)
    }

    @Test("account_assigned needs account_id and rep_id", arguments: [
        (#"{"event_id":"a","type":"account_assigned","occurred_at":"2026-11-24T10:15:00Z","rep_id":"R"}"#, "account_id"),
        (#"{"event_id":"a","type":"account_assigned","occurred_at":"2026-11-24T10:15:00Z","account_id":"A"}"#, "rep_id"),
    ])
    func accountAssignedMissing(_ json: String, _ field: String) {
        #expect(throws: EventDecodingError(code: .missingField, field: field, message: "required field is missing or null")) {
            _ = try decoder.decode(json)
        }
    }
}
